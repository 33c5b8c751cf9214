// DOMAIN/bitmap-ops.xml: the bitmap operations a domain's checkpoint changes still imply
// (docs/store-format.md, schemas/bitmapops.rng).
#pragma once

#include <string>
#include <vector>

#include "store/records.hpp"

namespace virtckpt::store::files {

std::string FormatBitmapOps(const std::vector<BitmapOp>& ops);
std::vector<BitmapOp> ParseBitmapOps(const std::string& text, const std::string& source);

}  // namespace virtckpt::store::files
