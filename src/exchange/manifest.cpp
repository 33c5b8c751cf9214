#include "exchange/manifest.hpp"

#include "conf/checkpoint_def.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "xml/document.hpp"
#include "xml/schema_path.hpp"
#include "xml/writer.hpp"

namespace virtckpt::exchange {

using util::Error;
using util::ErrorCode;

namespace {

constexpr const char* kVersion = "1";

void WriteEntry(const ManifestEntry& entry, ManifestKind kind, const conf::CheckpointDef* document,
                unsigned document_flags, xml::Writer* writer) {
  writer->Start("checkpoint").Attribute("name", entry.name);
  if (!entry.parent.empty()) writer->Attribute("parent", entry.parent);
  if (!entry.owner.empty()) writer->Attribute("owner", entry.owner);
  if (kind == ManifestKind::Directory) writer->Attribute("file", entry.file);
  writer->Attribute("sha256", entry.sha256)
      .Attribute("creationTime", std::to_string(entry.creation_time))
      .Attribute("state", store::CheckpointStateToString(entry.state));
  if (entry.reconstructed) writer->Attribute("reconstructed", "yes");
  for (const store::DiskIdentity& disk : entry.disks) {
    writer->Start("disk").Attribute("target", disk.target);
    if (!disk.source.empty()) writer->Attribute("source", disk.source);
    if (!disk.format.empty()) writer->Attribute("format", disk.format);
    if (disk.virtual_size) writer->Attribute("size", std::to_string(*disk.virtual_size));
    writer->End();
  }
  if (document) {
    conf::WriteCheckpoint(*document, document_flags, writer);
  }
  writer->End();
}

[[noreturn]] void Malformed(const std::string& source, const std::string& what) {
  throw Error(ErrorCode::XmlConfigError, source + ": " + what);
}

std::string Required(const xml::Node& element, const char* attribute, const std::string& source) {
  std::optional<std::string> value = element.Attribute(attribute);
  if (!value) {
    Malformed(source, "<" + element.name() + "> lacks its '" + attribute + "' attribute");
  }
  return *value;
}

uint64_t Number(const std::string& text, const char* what, const std::string& source) {
  std::optional<uint64_t> value = util::ParseUint64(text);
  if (!value) Malformed(source, std::string("invalid ") + what + " '" + text + "'");
  return *value;
}

ManifestEntry EntryFromNode(const xml::Node& element, ManifestKind kind,
                            const std::string& source) {
  ManifestEntry entry;
  entry.name = Required(element, "name", source);
  entry.parent = element.Attribute("parent").value_or("");
  entry.owner = element.Attribute("owner").value_or("");
  if (kind == ManifestKind::Directory) entry.file = Required(element, "file", source);
  entry.sha256 = Required(element, "sha256", source);
  entry.creation_time = static_cast<int64_t>(
      Number(Required(element, "creationTime", source), "creationTime", source));
  std::string state = Required(element, "state", source);
  std::optional<store::CheckpointState> parsed = store::CheckpointStateFromString(state);
  if (!parsed) Malformed(source, "invalid state '" + state + "' of checkpoint " + entry.name);
  entry.state = *parsed;
  entry.reconstructed = element.Attribute("reconstructed").value_or("no") == "yes";
  for (const xml::Node* disk : element.ChildElements("disk")) {
    store::DiskIdentity id;
    id.target = Required(*disk, "target", source);
    id.source = disk->Attribute("source").value_or("");
    id.format = disk->Attribute("format").value_or("");
    if (auto size = disk->Attribute("size")) id.virtual_size = Number(*size, "size", source);
    entry.disks.push_back(std::move(id));
  }
  if (kind == ManifestKind::Bundle) {
    const xml::Node* document = element.FirstChild("domaincheckpoint");
    if (!document) Malformed(source, "checkpoint " + entry.name + " carries no document");
    entry.document = *document;
  }
  return entry;
}

}  // namespace

const char* ManifestRootName(ManifestKind kind) {
  return kind == ManifestKind::Bundle ? "checkpointbundle" : "checkpointmanifest";
}

std::string FormatManifest(const Manifest& manifest, bool secure, ManifestKind kind,
                           const std::vector<conf::CheckpointDef>* documents,
                           unsigned document_flags) {
  std::string out;
  xml::Writer writer(&out);
  writer.Start(ManifestRootName(kind)).Attribute("version", kVersion);
  writer.TextElement("name", manifest.domain_name);
  writer.TextElement("uuid", manifest.uuid);
  writer.Start("settings")
      .Attribute("model", store::BitmapModelToString(manifest.settings.model))
      .Attribute("mode", store::BitmapModeToString(manifest.settings.mode))
      .Attribute("granularity", std::to_string(manifest.settings.granularity));
  writer.End();
  if (manifest.current) writer.TextElement("current", *manifest.current);
  if (manifest.definition) {
    writer.Start("definition");
    manifest.definition->Write(&writer, secure);
    writer.End();
  }
  writer.Start("checkpoints");
  for (size_t i = 0; i < manifest.entries.size(); ++i) {
    const conf::CheckpointDef* document =
        kind == ManifestKind::Bundle && documents ? &(*documents)[i] : nullptr;
    WriteEntry(manifest.entries[i], kind, document, document_flags, &writer);
  }
  writer.End();
  writer.End();
  return out;
}

Manifest ParseManifest(const std::string& text, const std::string& source, ManifestKind kind) {
  xml::ParseOptions options;
  options.source = source;
  // A bundle carries every document of a domain.
  if (kind == ManifestKind::Bundle) {
    options.max_bytes = 1u << 30;
    options.max_elements = 50000000;
  }
  xml::Document doc = xml::Document::Parse(text, options);
  if (doc.RootName() != ManifestRootName(kind)) {
    throw Error(ErrorCode::XmlConfigError, std::string("expecting root element of '") +
                                               ManifestRootName(kind) + "', not '" +
                                               doc.RootName() + "'");
  }
  doc.Validate(xml::Schema::Load(xml::SchemaPath(std::string(ManifestRootName(kind)) + ".rng")));
  xml::Node root = doc.Root();
  if (root.Attribute("version").value_or("") != kVersion) {
    Malformed(source, "unsupported version '" + root.Attribute("version").value_or("") +
                          "' (this virtckpt reads version " + kVersion + ")");
  }
  Manifest manifest;
  manifest.domain_name = root.ChildText("name").value_or("");
  manifest.uuid = root.ChildText("uuid").value_or("");
  if (const xml::Node* settings = root.FirstChild("settings")) {
    std::string model = Required(*settings, "model", source);
    std::string mode = Required(*settings, "mode", source);
    auto parsed_model = store::BitmapModelFromString(model);
    auto parsed_mode = store::BitmapModeFromString(mode);
    if (!parsed_model) Malformed(source, "invalid bitmap model '" + model + "'");
    if (!parsed_mode) Malformed(source, "invalid bitmap mode '" + mode + "'");
    manifest.settings.model = *parsed_model;
    manifest.settings.mode = *parsed_mode;
    manifest.settings.granularity =
        Number(Required(*settings, "granularity", source), "granularity", source);
  }
  manifest.current = root.ChildText("current");
  if (const xml::Node* definition = root.FirstChild("definition")) {
    if (const xml::Node* domain = definition->FirstChild("domain")) {
      manifest.definition = conf::DomainDef::FromNode(*domain);
    }
  }
  if (const xml::Node* checkpoints = root.FirstChild("checkpoints")) {
    for (const xml::Node* element : checkpoints->ChildElements("checkpoint")) {
      manifest.entries.push_back(EntryFromNode(*element, kind, source));
    }
  }
  return manifest;
}

std::string EmbeddedDocumentText(const xml::Node& document) {
  conf::CheckpointDef def = conf::CheckpointFromNode(document, conf::kParseRedefine);
  unsigned flags = conf::kFormatSecure | (def.domain ? 0u : unsigned{conf::kFormatNoDomain});
  return conf::FormatCheckpoint(def, flags);
}

}  // namespace virtckpt::exchange
