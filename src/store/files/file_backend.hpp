// The embedded default store: one directory per domain under a root directory.
//   ROOT/DOMAIN/domain.xml, settings.xml, checkpoints/NAME.xml, current, index, lock
#pragma once

#include <memory>
#include <string>

#include "store/backend.hpp"

namespace virtckpt::store::files {

std::unique_ptr<Backend> OpenFileBackend(const std::string& root, MissingRoot missing);

}  // namespace virtckpt::store::files
