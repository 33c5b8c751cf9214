#include <unistd.h>

#include <cstdlib>

#include "store/backend.hpp"
#include "store/file_backend.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace virtckpt::store {

std::string DefaultStoreUri() {
  if (const char* root = std::getenv("VIRTCKPT_ROOT"); root && *root) return root;
  if (geteuid() == 0) return "/var/lib/virtckpt";
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/virtckpt";
  }
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/share/virtckpt";
}

std::unique_ptr<Backend> OpenBackend(const std::string& uri) {
  if (util::StartsWith(uri, "postgresql://") || util::StartsWith(uri, "postgres://")) {
    throw util::Error(util::ErrorCode::Unsupported,
                      "this function is not supported by the connection driver: the PostgreSQL "
                      "store is not available in this build");
  }
  return OpenFileBackend(uri);
}

}  // namespace virtckpt::store
