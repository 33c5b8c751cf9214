#include "store/settings.hpp"

#include <array>
#include <utility>

#include "util/error.hpp"
#include "util/strings.hpp"
#include "xml/document.hpp"
#include "xml/schema_path.hpp"

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

std::string FormatSettings(const DomainSettings& settings) {
  return std::string("<settings>\n  <bitmaps model='") + BitmapModelToString(settings.model) +
         "' mode='" + BitmapModeToString(settings.mode) + "' granularity='" +
         std::to_string(settings.granularity) + "'/>\n</settings>\n";
}

DomainSettings ParseSettings(const std::string& text, const std::string& source) {
  xml::ParseOptions options;
  options.source = source;
  xml::Document doc = xml::Document::Parse(text, options);
  doc.Validate(xml::Schema::Load(xml::SchemaPath("settings.rng")));
  xml::Node root = doc.Root();
  DomainSettings settings;
  if (const xml::Node* bitmaps = root.FirstChild("bitmaps")) {
    if (auto model = bitmaps->Attribute("model")) {
      settings.model = BitmapModelFromString(*model).value_or(BitmapModel::Cumulative);
    }
    if (auto mode = bitmaps->Attribute("mode")) {
      settings.mode = BitmapModeFromString(*mode).value_or(BitmapMode::External);
    }
    if (auto granularity = bitmaps->Attribute("granularity")) {
      settings.granularity = util::ParseUint64(*granularity).value_or(65536);
    }
  }
  return settings;
}

}  // namespace virtckpt::store
