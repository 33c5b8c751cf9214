// The store the commands work on: the one -c or $VIRTCKPT_ROOT names, else the default store,
// and the one virsh's `connect` switches to.
#pragma once

#include <memory>
#include <string>

#include "store/backend.hpp"

namespace virtckpt::cli {

class Connection {
 public:
  // An empty uri: $VIRTCKPT_ROOT, else the default store. Throws util::Error (NoConnect) for a
  // URI that names no store virtckpt can open. Without open_now the store is opened (and that
  // error thrown) by the first call of backend(), if any.
  explicit Connection(const std::string& uri, bool open_now = true);

  store::Backend& backend();
  // virsh's read-only connection: commands that would change the store are refused.
  bool readonly() const { return readonly_; }
  void set_readonly(bool readonly) { readonly_ = readonly; }

  // virsh's `connect [URI] [--readonly]`: reopens the store (an empty uri), or opens another
  // one; when that fails the current one stays.
  void Reconnect(const std::string& uri, bool readonly);

 private:
  struct Target {
    std::string uri;  // a directory is made absolute, so that a later `cd` does not move it
    store::MissingRoot missing;
  };
  static Target Resolve(const std::string& uri);

  Target target_;
  std::unique_ptr<store::Backend> backend_;
  bool readonly_ = false;
};

}  // namespace virtckpt::cli
