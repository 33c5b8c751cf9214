#include "store/settings.hpp"

#include "util/enum_names.hpp"

namespace virtckpt::store {

namespace {

constexpr util::EnumNames<BitmapModel, 2> kModelNames{{{
    {BitmapModel::Cumulative, "cumulative"},
    {BitmapModel::Delta, "delta"},
}}};
static_assert(kModelNames.Covers(kLastBitmapModel));
constexpr util::EnumNames<BitmapMode, 2> kModeNames{{{
    {BitmapMode::External, "external"},
    {BitmapMode::Managed, "managed"},
}}};
static_assert(kModeNames.Covers(kLastBitmapMode));

}  // namespace

const char* BitmapModelToString(BitmapModel model) { return kModelNames.Name(model); }
std::optional<BitmapModel> BitmapModelFromString(const std::string& text) {
  return kModelNames.Value(text);
}
const char* BitmapModeToString(BitmapMode mode) { return kModeNames.Name(mode); }
std::optional<BitmapMode> BitmapModeFromString(const std::string& text) {
  return kModeNames.Value(text);
}

}  // namespace virtckpt::store
