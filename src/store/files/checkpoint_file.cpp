#include "store/files/checkpoint_file.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"
#include "xml/document.hpp"
#include "xml/schema_path.hpp"
#include "xml/writer.hpp"

namespace virtckpt::store::files {

namespace {

xml::Node InternalElement(const CheckpointMeta& meta) {
  xml::Node internal = xml::Node::Element("internal");
  internal.SetAttribute("state", CheckpointStateToString(meta.state));
  internal.SetAttribute("link", std::to_string(meta.link_seq));
  if (!meta.owner.empty()) internal.SetAttribute("owner", meta.owner);
  if (meta.reconstructed) internal.SetAttribute("reconstructed", "yes");
  if (meta.state == CheckpointState::Pending) {
    internal.SetAttribute("since", meta.job_since);
    internal.SetAttribute("started", std::to_string(meta.job_started));
  }
  for (const auto& disk : meta.disks) {
    xml::Node& node = internal.AppendChild(xml::Node::Element("disk"));
    node.SetAttribute("target", disk.target);
    if (!disk.source.empty()) node.SetAttribute("source", disk.source);
    if (!disk.format.empty()) node.SetAttribute("format", disk.format);
    if (disk.virtual_size) node.SetAttribute("size", std::to_string(*disk.virtual_size));
  }
  return internal;
}

CheckpointMeta ParseInternal(const xml::Node& node) {
  CheckpointMeta meta;
  meta.state = CheckpointStateFromString(node.Attribute("state").value_or(""))
                   .value_or(CheckpointState::Committed);
  meta.link_seq = util::ParseUint64(node.Attribute("link").value_or("0")).value_or(0);
  meta.owner = node.Attribute("owner").value_or("");
  meta.reconstructed = node.Attribute("reconstructed").value_or("") == "yes";
  meta.job_since = node.Attribute("since").value_or("");
  meta.job_started =
      static_cast<int64_t>(util::ParseUint64(node.Attribute("started").value_or("0")).value_or(0));
  for (const xml::Node* disk : node.ChildElements("disk")) {
    DiskIdentity id;
    id.target = disk->Attribute("target").value_or("");
    id.source = disk->Attribute("source").value_or("");
    id.format = disk->Attribute("format").value_or("");
    if (auto size = disk->Attribute("size")) id.virtual_size = util::ParseUint64(*size);
    meta.disks.push_back(std::move(id));
  }
  return meta;
}

}  // namespace

std::string FormatCheckpointFile(const CheckpointRecord& record) {
  xml::Node internal = InternalElement(record.meta);
  return conf::FormatCheckpoint(record.def, conf::kFormatSecure, &internal);
}

CheckpointRecord ParseCheckpointFile(const std::string& text, const std::string& source) {
  xml::ParseOptions options;
  options.source = source;
  xml::Document doc = xml::Document::Parse(text, options);
  if (doc.RootName() != "domaincheckpoint") {
    throw util::Error(util::ErrorCode::XmlConfigError,
                      "expecting root element of 'domaincheckpoint', not '" + doc.RootName() + "'");
  }
  doc.Validate(xml::Schema::Load(xml::SchemaPath("checkpointfile.rng")));
  xml::Node root = doc.Root();
  CheckpointRecord record;
  if (const xml::Node* internal = root.FirstChild("internal"))
    record.meta = ParseInternal(*internal);
  root.RemoveChildren("internal");
  record.def = conf::CheckpointFromNode(root, conf::kParseRedefine);
  return record;
}

}  // namespace virtckpt::store::files
