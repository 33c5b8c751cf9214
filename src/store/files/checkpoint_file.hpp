// A stored checkpoint file: libvirt's document (with security info) plus our <internal>
// element as its last child (docs/store-format.md, schemas/checkpointfile.rng).
#pragma once

#include <string>

#include "store/records.hpp"

namespace virtckpt::store::files {

std::string FormatCheckpointFile(const CheckpointRecord& record);
// Throws Error(XmlSyntax / SchemaInvalid / ConfigInvalid) naming `source`.
CheckpointRecord ParseCheckpointFile(const std::string& text, const std::string& source);

}  // namespace virtckpt::store::files
