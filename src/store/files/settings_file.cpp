#include "store/files/settings_file.hpp"

#include "util/strings.hpp"
#include "xml/document.hpp"
#include "xml/schema_path.hpp"
#include "xml/writer.hpp"

namespace virtckpt::store::files {

std::string FormatSettings(const DomainSettings& settings) {
  xml::Node root = xml::Node::Element("settings");
  xml::Node& bitmaps = root.AppendChild(xml::Node::Element("bitmaps"));
  bitmaps.SetAttribute("model", BitmapModelToString(settings.model));
  bitmaps.SetAttribute("mode", BitmapModeToString(settings.mode));
  bitmaps.SetAttribute("granularity", std::to_string(settings.granularity));
  return xml::FormatElement(root);
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

}  // namespace virtckpt::store::files
