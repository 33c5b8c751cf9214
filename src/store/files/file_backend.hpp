// The embedded default store: one directory per domain under a root directory, laid out as
// docs/store-format.md describes (file_names.hpp makes the names).
#pragma once

#include <memory>
#include <string>

#include "store/backend.hpp"

namespace virtckpt::store::files {

std::unique_ptr<Backend> OpenFileBackend(const std::string& root, MissingRoot missing);

}  // namespace virtckpt::store::files
