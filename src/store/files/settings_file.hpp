// DOMAIN/settings.xml: a domain's settings (settings.hpp; docs/store-format.md,
// schemas/settings.rng).
#pragma once

#include <string>

#include "store/settings.hpp"

namespace virtckpt::store::files {

// <settings><bitmaps model='cumulative' mode='external' granularity='65536'/></settings>
std::string FormatSettings(const DomainSettings& settings);
DomainSettings ParseSettings(const std::string& text, const std::string& source);

}  // namespace virtckpt::store::files
