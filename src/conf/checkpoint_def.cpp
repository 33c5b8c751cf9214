#include "conf/checkpoint_def.hpp"

#include "util/enum_names.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "xml/document.hpp"
#include "xml/schema_path.hpp"
#include "xml/writer.hpp"

namespace virtckpt::conf {

using util::Error;
using util::ErrorCode;

namespace {

constexpr util::EnumNames<CheckpointType, 3> kCheckpointTypeNames{{{
    {CheckpointType::Default, "default"},
    {CheckpointType::No, "no"},
    {CheckpointType::Bitmap, "bitmap"},
}}};
static_assert(kCheckpointTypeNames.Covers(kLastCheckpointType));

[[noreturn]] void Unsupported(const std::string& what) {
  throw Error(ErrorCode::ConfigUnsupported, what);
}

void AssignDefaultBitmaps(CheckpointDef* def) {
  for (auto& disk : def->disks) {
    if (disk.type == CheckpointType::Bitmap && disk.bitmap.empty()) disk.bitmap = def->name;
  }
}

}  // namespace

bool IsValidCheckpointName(const std::string& name) {
  auto plain = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  };
  if (name.empty() || !plain(name[0])) return false;
  for (char c : name) {
    if (!plain(c) && c != '.') return false;
  }
  return true;
}

void CheckCheckpointName(const std::string& name) {
  if (!IsValidCheckpointName(name)) {
    throw Error(ErrorCode::InvalidArg,
                "checkpoint name '" + name + "' must match [a-zA-Z0-9_-][a-zA-Z0-9_.-]*");
  }
}

const char* CheckpointTypeToString(CheckpointType type) { return kCheckpointTypeNames.Name(type); }

std::optional<CheckpointType> CheckpointTypeFromString(std::string_view text) {
  return kCheckpointTypeNames.Value(text);
}

CheckpointDef CheckpointFromNode(const xml::Node& root, unsigned flags) {
  CheckpointDef def;
  def.name = root.ChildText("name").value_or("");
  def.description = root.ChildText("description").value_or("");
  if (flags & kParseRedefine) {
    if (def.name.empty()) {
      throw Error(ErrorCode::XmlConfigError, "a redefined checkpoint must have a name");
    }
    std::optional<std::string> created = root.ChildText("creationTime");
    std::optional<uint64_t> seconds = created ? util::ParseUint64(*created) : std::nullopt;
    if (!seconds || *seconds > static_cast<uint64_t>(INT64_MAX)) {
      throw Error(ErrorCode::InternalError, "missing creationTime from existing checkpoint");
    }
    def.creation_time = static_cast<int64_t>(*seconds);
    if (const xml::Node* parent = root.FirstChild("parent")) {
      def.parent = parent->ChildText("name").value_or("");
    }
    if (const xml::Node* domain = root.FirstChild("domain")) {
      def.domain = DomainDef::FromNode(*domain);
    }
  }
  if (const xml::Node* disks = root.FirstChild("disks")) {
    for (const xml::Node* disk : disks->ChildElements("disk")) {
      CheckpointDisk d;
      d.name = disk->Attribute("name").value_or("");
      std::optional<std::string> type = disk->Attribute("checkpoint");
      d.type = CheckpointType::Bitmap;
      if (type) {
        std::optional<CheckpointType> parsed = CheckpointTypeFromString(*type);
        if (!parsed || *parsed == CheckpointType::Default) {
          throw Error(ErrorCode::XmlConfigError, "unknown disk checkpoint type '" + *type + "'");
        }
        d.type = *parsed;
      }
      d.bitmap = disk->Attribute("bitmap").value_or("");
      def.disks.push_back(std::move(d));
    }
  }
  return def;
}

CheckpointDef ParseCheckpoint(const std::string& text, unsigned flags) {
  xml::ParseOptions options;
  options.source = "(domain_checkpoint)";
  xml::Document doc = xml::Document::Parse(text, options);
  if (doc.RootName() != "domaincheckpoint") {
    throw Error(ErrorCode::XmlConfigError,
                "expecting root element of 'domaincheckpoint', not '" + doc.RootName() + "'");
  }
  doc.Validate(xml::Schema::Load(xml::SchemaPath("domaincheckpoint.rng")));
  return CheckpointFromNode(doc.Root(), flags);
}

std::string FormatCheckpoint(const CheckpointDef& def, unsigned flags, const xml::Node* extra) {
  std::string out;
  xml::Writer writer(&out);
  WriteCheckpoint(def, flags, &writer, extra);
  return out;
}

void WriteCheckpoint(const CheckpointDef& def, unsigned flags, xml::Writer* out,
                     const xml::Node* extra) {
  xml::Writer& writer = *out;
  writer.Start("domaincheckpoint");
  writer.TextElement("name", def.name);
  if (!def.description.empty()) writer.TextElement("description", def.description);
  if (!def.parent.empty()) {
    writer.Start("parent");
    writer.TextElement("name", def.parent);
    writer.End();
  }
  if (def.creation_time != 0) {
    writer.TextElement("creationTime", std::to_string(def.creation_time));
  }
  if (!def.disks.empty()) {
    writer.Start("disks");
    for (const auto& disk : def.disks) {
      writer.Start("disk").Attribute("name", disk.name);
      if (disk.type != CheckpointType::Default) {
        writer.Attribute("checkpoint", CheckpointTypeToString(disk.type));
      }
      if (!disk.bitmap.empty()) {
        writer.Attribute("bitmap", disk.bitmap);
        if ((flags & kFormatSize) && disk.size)
          writer.Attribute("size", std::to_string(*disk.size));
      }
      writer.End();
    }
    writer.End();
  }
  if (def.domain && !(flags & kFormatNoDomain))
    def.domain->Write(&writer, (flags & kFormatSecure) != 0);
  if (extra) writer.Subtree(*extra);
  writer.End();
}

void AlignDisks(CheckpointDef* def, const DomainDef& domain) {
  const auto& domain_disks = domain.disks();
  if (def->disks.size() > domain_disks.size()) {
    Unsupported("too many disk checkpoint requests for domain");
  }
  if (domain_disks.empty())
    Unsupported("domain must have at least one disk to perform checkpoints");

  std::vector<std::optional<CheckpointDisk>> by_position(domain_disks.size());
  bool listed = !def->disks.empty();
  for (auto& requested : def->disks) {
    const DomainDisk* disk = domain.FindDisk(requested.name);
    if (!disk) Unsupported("no disk named '" + requested.name + "'");
    if (by_position[disk->position]) Unsupported("disk '" + requested.name + "' specified twice");
    if (requested.type != CheckpointType::No && (disk->IsEmpty() || disk->readonly)) {
      Unsupported("disk '" + requested.name + "' is empty or readonly");
    }
    requested.name = disk->target_dev;
    by_position[disk->position] = requested;
  }
  std::vector<CheckpointDisk> aligned;
  aligned.reserve(domain_disks.size());
  for (const auto& disk : domain_disks) {
    if (by_position[disk.position]) {
      aligned.push_back(*by_position[disk.position]);
      continue;
    }
    CheckpointDisk d;
    d.name = disk.target_dev;
    bool capable = !listed && !disk.IsEmpty() && !disk.readonly;
    d.type = capable ? CheckpointType::Bitmap : CheckpointType::No;
    aligned.push_back(std::move(d));
  }
  def->disks = std::move(aligned);
  AssignDefaultBitmaps(def);
}

void ValidateRedefinedDisks(const CheckpointDef& def, const DomainDef& current) {
  for (const auto& disk : def.disks) {
    if (disk.type == CheckpointType::No) continue;
    if (!current.FindDisk(disk.name)) Unsupported("no disk named '" + disk.name + "'");
  }
}

void PrepareCreate(CheckpointDef* def, const DomainDef& current, int64_t now) {
  def->creation_time = now;
  def->parent.clear();
  if (def->name.empty()) def->name = std::to_string(now);
  def->domain = current;
  AlignDisks(def, current);
}

void PrepareRedefine(CheckpointDef* def, const DomainDef& current) {
  if (!def->domain) {
    AssignDefaultBitmaps(def);
    return;
  }
  if (def->domain->uuid() != current.uuid()) {
    throw Error(ErrorCode::InvalidArg,
                "definition for checkpoint " + def->name + " must use uuid " + current.uuid());
  }
  AlignDisks(def, *def->domain);
}

}  // namespace virtckpt::conf
