// A source of checkpoint-import that cannot be used: the file, and why (the reason as the
// command that reads such a document on its own prints it).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace virtckpt::exchange {

class ImportError : public std::runtime_error {
 public:
  ImportError(const std::string& file, const std::string& reason)
      : std::runtime_error(reason), file_(file) {}
  const std::string& file() const { return file_; }
  // "cannot import 'FILE'" and the reason, one line each for the error output.
  std::vector<std::string> lines() const { return {"cannot import '" + file_ + "'", what()}; }

 private:
  std::string file_;
};

}  // namespace virtckpt::exchange
