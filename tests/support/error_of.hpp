// The category and message of the util::Error that a piece of code throws.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <utility>

#include "util/error.hpp"

namespace virtckpt::test {

// A test failure when `f` throws no util::Error.
template <typename F>
std::pair<util::ErrorCategory, std::string> ErrorOf(F&& f) {
  try {
    f();
  } catch (const util::Error& e) {
    return {e.category(), e.what()};
  }
  FAIL("no util::Error thrown");
  return {};
}

}  // namespace virtckpt::test
