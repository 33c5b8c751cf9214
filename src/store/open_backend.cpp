#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include "store/backend.hpp"
#include "store/files/file_backend.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace virtckpt::store {

std::string DefaultStoreUri() {
  if (geteuid() == 0) return "/var/lib/virtckpt";
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/virtckpt";
  }
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/share/virtckpt";
}

bool LooksLikeUri(const std::string& text) {
  size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 ||
      !std::isalpha(static_cast<unsigned char>(text[0]))) {
    return false;
  }
  for (size_t i = 1; i < colon; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

std::unique_ptr<Backend> OpenBackend(const std::string& uri, MissingRoot missing) {
  if (util::StartsWith(uri, "postgresql://") || util::StartsWith(uri, "postgres://")) {
    throw util::Error(util::ErrorCode::NoSupport,
                      "the PostgreSQL "
                      "store is not available in this build");
  }
  if (LooksLikeUri(uri)) {
    throw util::Error(util::ErrorCode::NoConnect,
                      "unsupported URI '" + uri +
                          "': virtckpt connects to a store directory (a path) or to a "
                          "postgresql:// or postgres:// URI");
  }
  return files::OpenFileBackend(uri, missing);
}

}  // namespace virtckpt::store
