// One name table per enum, used both ways. Its rows list every enumerator in value order from 0,
// which `static_assert(kNames.Covers(kLastValue))` checks at compile time; an enumerator that has
// no name has nullptr.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace virtckpt::util {

template <typename Enum, size_t N>
struct EnumNames {
  std::array<std::pair<Enum, const char*>, N> rows;

  // True iff the rows are the enumerators 0..last, each once and in order.
  constexpr bool Covers(Enum last) const {
    if (static_cast<size_t>(last) + 1 != N) return false;
    for (size_t i = 0; i < N; ++i) {
      if (static_cast<size_t>(rows[i].first) != i) return false;
    }
    return true;
  }

  constexpr const char* Name(Enum value) const { return rows[static_cast<size_t>(value)].second; }

  std::optional<Enum> Value(std::string_view name) const {
    for (const auto& [value, text] : rows) {
      if (text != nullptr && name == text) return value;
    }
    return std::nullopt;
  }
};

}  // namespace virtckpt::util
