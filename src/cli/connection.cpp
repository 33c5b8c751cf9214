#include "cli/connection.hpp"

#include <boost/filesystem.hpp>
#include <cstdlib>

namespace virtckpt::cli {

Connection::Connection(const std::string& uri, bool open_now) : target_(Resolve(uri)) {
  if (open_now) backend();
}

store::Backend& Connection::backend() {
  if (!backend_) backend_ = store::OpenBackend(target_.uri, target_.missing);
  return *backend_;
}

void Connection::Reconnect(const std::string& uri, bool readonly) {
  Target target = uri.empty() ? target_ : Resolve(uri);
  backend_ = store::OpenBackend(target.uri, target.missing);
  target_ = target;
  readonly_ = readonly;
}

// A store the user named (-c, $VIRTCKPT_ROOT, connect) must exist for a read; the default one
// reads as empty until the first write makes it.
Connection::Target Connection::Resolve(const std::string& uri) {
  Target target{uri, store::MissingRoot::Error};
  if (target.uri.empty()) {
    const char* root = std::getenv("VIRTCKPT_ROOT");
    if (root && *root) {
      target.uri = root;
    } else {
      target.uri = store::DefaultStoreUri();
      target.missing = store::MissingRoot::Empty;
    }
  }
  if (!store::LooksLikeUri(target.uri)) {
    target.uri = boost::filesystem::absolute(target.uri).string();
  }
  return target;
}

}  // namespace virtckpt::cli
