// Catch2's main for the store suite, in a file of its own: its implementation (std::regex) trips
// GCC 12's -Wmaybe-uninitialized under -fsanitize=address, so meson.build silences that here only.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
