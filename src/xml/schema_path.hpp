// Where virtckpt's RelaxNG schemas are: $VIRTCKPT_SCHEMA_DIR, else the installed copy, else the
// source tree the binary was built from.
#pragma once

#include <string>

namespace virtckpt::xml {

std::string SchemaPath(const std::string& file_name);

}  // namespace virtckpt::xml
