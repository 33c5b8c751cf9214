#include "store/settings.hpp"

#include <array>
#include <utility>

namespace virtckpt::store {

namespace {

constexpr std::array<std::pair<BitmapModel, const char*>, 2> kModelNames = {{
    {BitmapModel::Cumulative, "cumulative"},
    {BitmapModel::Delta, "delta"},
}};
constexpr std::array<std::pair<BitmapMode, const char*>, 2> kModeNames = {{
    {BitmapMode::External, "external"},
    {BitmapMode::Managed, "managed"},
}};

template <typename Enum, size_t N>
const char* ToName(const std::array<std::pair<Enum, const char*>, N>& table, Enum value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return table[0].second;
}

template <typename Enum, size_t N>
std::optional<Enum> FromName(const std::array<std::pair<Enum, const char*>, N>& table,
                             const std::string& text) {
  for (const auto& [v, name] : table) {
    if (text == name) return v;
  }
  return std::nullopt;
}

}  // namespace

const char* BitmapModelToString(BitmapModel model) { return ToName(kModelNames, model); }
std::optional<BitmapModel> BitmapModelFromString(const std::string& text) {
  return FromName(kModelNames, text);
}
const char* BitmapModeToString(BitmapMode mode) { return ToName(kModeNames, mode); }
std::optional<BitmapMode> BitmapModeFromString(const std::string& text) {
  return FromName(kModeNames, text);
}

}  // namespace virtckpt::store
