#include "store/files/checkpoint_file.hpp"

#include "util/error.hpp"
#include "util/strings.hpp"
#include "xml/document.hpp"
#include "xml/schema_path.hpp"
#include "xml/writer.hpp"

namespace virtckpt::store::files {

namespace {

std::string FormatInternal(const CheckpointMeta& meta) {
  std::string out = std::string("  <internal state='") + CheckpointStateToString(meta.state) +
                    "' link='" + std::to_string(meta.link_seq) + "'";
  if (!meta.owner.empty()) out += " owner='" + xml::Escape(meta.owner) + "'";
  if (meta.reconstructed) out += " reconstructed='yes'";
  if (meta.state == CheckpointState::Pending) {
    out += " since='" + xml::Escape(meta.job_since) + "' started='" +
           std::to_string(meta.job_started) + "'";
  }
  if (meta.disks.empty()) return out + "/>\n";
  out += ">\n";
  for (const auto& disk : meta.disks) {
    out += "    <disk target='" + xml::Escape(disk.target) + "'";
    if (!disk.source.empty()) out += " source='" + xml::Escape(disk.source) + "'";
    if (!disk.format.empty()) out += " format='" + xml::Escape(disk.format) + "'";
    if (disk.virtual_size) out += " size='" + std::to_string(*disk.virtual_size) + "'";
    out += "/>\n";
  }
  return out + "  </internal>\n";
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
  return conf::FormatCheckpoint(record.def, conf::kFormatSecure, FormatInternal(record.meta));
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
