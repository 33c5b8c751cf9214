#include "xml/schema_path.hpp"

#include <cstdlib>

#include "util/file_util.hpp"

namespace virtckpt::xml {

std::string SchemaPath(const std::string& file_name) {
  if (const char* dir = std::getenv("VIRTCKPT_SCHEMA_DIR"); dir && *dir) {
    return std::string(dir) + "/" + file_name;
  }
  std::string installed = std::string(VIRTCKPT_INSTALLED_SCHEMA_DIR) + "/" + file_name;
  if (util::PathExists(installed)) return installed;
  return std::string(VIRTCKPT_SOURCE_SCHEMA_DIR) + "/" + file_name;
}

}  // namespace virtckpt::xml
