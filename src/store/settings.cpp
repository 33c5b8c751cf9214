#include "store/settings.hpp"

#include "util/enum_names.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "xml/document.hpp"
#include "xml/schema_path.hpp"

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
