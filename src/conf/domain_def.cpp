#include "conf/domain_def.hpp"

#include "conf/uuid.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "xml/document.hpp"
#include "xml/schema_path.hpp"
#include "xml/writer.hpp"

namespace virtckpt::conf {

using util::Error;
using util::ErrorCode;

std::string DiskSource::Identity() const {
  if (!file.empty()) return file;
  if (!dev.empty()) return dev;
  if (!dir.empty()) return dir;
  if (!volume.empty()) return pool + "/" + volume;
  if (!name.empty()) return protocol + ":" + name;
  return "";
}

namespace {

void SetText(xml::Node* element, const std::string& text) {
  element->mutable_children().clear();
  element->AppendChild(xml::Node::Text(text));
}

// The bus libvirt gives a disk whose <target> names none.
std::string DefaultBus(const std::string& device, const std::string& target) {
  if (device == "floppy") return "fdc";
  constexpr std::pair<const char*, const char*> kBusOfPrefix[] = {
      {"hd", "ide"}, {"sd", "scsi"}, {"vd", "virtio"}, {"xvd", "xen"}, {"ubd", "uml"}};
  for (const auto& [prefix, bus] : kBusOfPrefix) {
    if (util::StartsWith(target, prefix)) return bus;
  }
  return "ide";
}

}  // namespace

DomainDisk ParseDomainDisk(const xml::Node& disk) {
  DomainDisk d;
  d.type = disk.Attribute("type").value_or("file");
  d.device = disk.Attribute("device").value_or("disk");
  if (const xml::Node* driver = disk.FirstChild("driver")) {
    d.driver_name = driver->Attribute("name").value_or("");
    d.driver_type = driver->Attribute("type").value_or("");
  }
  if (const xml::Node* source = disk.FirstChild("source")) {
    d.source.file = source->Attribute("file").value_or("");
    d.source.dev = source->Attribute("dev").value_or("");
    d.source.dir = source->Attribute("dir").value_or("");
    d.source.pool = source->Attribute("pool").value_or("");
    d.source.volume = source->Attribute("volume").value_or("");
    d.source.protocol = source->Attribute("protocol").value_or("");
    d.source.name = source->Attribute("name").value_or("");
  }
  const xml::Node* target = disk.FirstChild("target");
  if (!target || !target->Attribute("dev") || target->Attribute("dev")->empty()) {
    throw Error(ErrorCode::XmlConfigError, "missing disk target device");
  }
  d.target_dev = *target->Attribute("dev");
  d.target_bus = target->Attribute("bus").value_or(DefaultBus(d.device, d.target_dev));
  d.readonly = disk.FirstChild("readonly") != nullptr;
  d.shareable = disk.FirstChild("shareable") != nullptr;
  d.transient = disk.FirstChild("transient") != nullptr;
  d.serial = disk.ChildText("serial").value_or("");
  return d;
}

DomainDef DomainDef::FromNode(xml::Node domain) {
  DomainDef def;
  def.node_ = std::move(domain);
  def.Reload();
  return def;
}

void DomainDef::Reload() {
  type_ = node_.Attribute("type").value_or("");
  name_ = node_.ChildText("name").value_or("");
  if (name_.empty()) {
    throw Error(ErrorCode::XmlConfigError, "missing domain name information");
  }
  uuid_.clear();
  if (xml::Node* uuid = node_.FirstChild("uuid")) {
    std::string text = uuid->TextContent();
    if (!text.empty()) {
      std::optional<std::string> canonical = ParseUuid(text);
      if (!canonical) throw Error(ErrorCode::InternalError, "malformed uuid element");
      // libvirt writes the uuid it read in its own form.
      if (*canonical != text) SetText(uuid, *canonical);
      uuid_ = *canonical;
    }
  }
  disks_.clear();
  if (const xml::Node* devices = node_.FirstChild("devices")) {
    for (const xml::Node* disk : devices->ChildElements("disk")) {
      DomainDisk d = ParseDomainDisk(*disk);
      d.position = disks_.size();
      disks_.push_back(std::move(d));
    }
  }
}

DomainDef DomainDef::Parse(const std::string& text, const std::string& source) {
  xml::ParseOptions options;
  options.source = source;
  xml::Document doc = xml::Document::Parse(text, options);
  if (doc.RootName() != "domain") {
    throw Error(ErrorCode::XmlConfigError,
                "expecting root element of 'domain', not '" + doc.RootName() + "'");
  }
  doc.Validate(xml::Schema::Load(xml::SchemaPath("domain.rng")));
  return FromNode(doc.Root());
}

const DomainDisk* DomainDef::FindDiskByTarget(const std::string& target) const {
  for (const auto& d : disks_) {
    if (d.target_dev == target) return &d;
  }
  return nullptr;
}

const DomainDisk* DomainDef::FindDisk(const std::string& name) const {
  if (const DomainDisk* d = FindDiskByTarget(name)) return d;
  const DomainDisk* found = nullptr;
  for (const auto& d : disks_) {
    if (!d.IsEmpty() && d.source.Identity() == name) {
      if (found) return nullptr;
      found = &d;
    }
  }
  return found;
}

namespace {

void StripSecrets(xml::Node* node) {
  if (node->name() == "graphics") node->RemoveAttribute("passwd");
  for (auto& child : node->mutable_children()) {
    if (child.IsElement()) StripSecrets(&child);
  }
}

size_t DiskIndexOfTarget(const std::string& target) {
  // Orders vda < vdb < ... < vdz < vdaa, as libvirt's virDiskNameToIndex does.
  size_t start = 0;
  while (start < target.size() && !(target[start] >= 'a' && target[start] <= 'z' && start >= 2)) {
    ++start;
  }
  size_t index = 0;
  for (size_t i = start; i < target.size(); ++i) {
    char c = target[i];
    if (c < 'a' || c > 'z') break;
    index = (index + (i == start ? 0 : 1)) * 26 + static_cast<size_t>(c - 'a');
  }
  return index;
}

}  // namespace

std::string DomainDef::Format(int indent, bool secure) const {
  std::string out;
  xml::Writer writer(&out, indent);
  Write(&writer, secure);
  return out;
}

void DomainDef::Write(xml::Writer* writer, bool secure) const {
  // libvirt prints <metadata> with libxml2, as it parsed it (double quotes, comments kept).
  if (secure) {
    writer->Subtree(node_, "metadata");
    return;
  }
  xml::Node copy = node_;
  StripSecrets(&copy);
  writer->Subtree(copy, "metadata");
}

void DomainDef::EnsureUuid(const std::string& preferred) {
  if (!uuid_.empty()) return;
  std::string value = preferred.empty() ? RandomUuid() : preferred;
  if (xml::Node* empty = node_.FirstChild("uuid")) {
    SetText(empty, value);
    Reload();
    return;
  }
  std::vector<xml::Node>& children = node_.mutable_children();
  xml::Node uuid = xml::Node::Element("uuid");
  uuid.AppendChild(xml::Node::Text(value));
  auto it = children.begin();
  while (it != children.end() && !(it->IsElement() && it->name() == "name")) ++it;
  if (it != children.end()) ++it;
  children.insert(it, std::move(uuid));
  Reload();
}

void DomainDef::Rename(const std::string& name, const std::string& uuid) {
  if (xml::Node* element = node_.FirstChild("name")) SetText(element, name);
  if (xml::Node* element = node_.FirstChild("uuid")) {
    SetText(element, uuid);
    Reload();
    return;
  }
  Reload();
  EnsureUuid(uuid);
}

void DomainDef::AttachDisk(const xml::Node& disk) {
  DomainDisk incoming = ParseDomainDisk(disk);
  if (FindDiskByTarget(incoming.target_dev)) {
    throw Error(ErrorCode::OperationFailed, "target " + incoming.target_dev + " already exists");
  }
  xml::Node* devices = node_.FirstChild("devices");
  if (!devices) devices = &node_.AppendChild(xml::Node::Element("devices"));
  std::vector<xml::Node>& children = devices->mutable_children();
  size_t insert_at = children.size();
  size_t last_disk_end = children.size();
  bool seen_disk = false;
  size_t last_same_bus_end = children.size();
  bool seen_same_bus = false;
  size_t incoming_index = DiskIndexOfTarget(incoming.target_dev);
  bool placed = false;
  for (size_t i = 0; i < children.size(); ++i) {
    if (!children[i].IsElement() || children[i].name() != "disk") continue;
    DomainDisk existing = ParseDomainDisk(children[i]);
    seen_disk = true;
    last_disk_end = i + 1;
    if (existing.target_bus == incoming.target_bus) {
      if (!placed && DiskIndexOfTarget(existing.target_dev) > incoming_index) {
        insert_at = i;
        placed = true;
      }
      seen_same_bus = true;
      last_same_bus_end = i + 1;
    }
  }
  if (!placed) {
    if (seen_same_bus) {
      insert_at = last_same_bus_end;
    } else if (seen_disk) {
      insert_at = last_disk_end;
    } else {
      insert_at = 0;
      while (insert_at < children.size() && children[insert_at].IsElement() &&
             children[insert_at].name() == "emulator") {
        ++insert_at;
      }
      while (insert_at < children.size() && !children[insert_at].IsElement()) ++insert_at;
      if (insert_at < children.size() && children[insert_at].IsElement() &&
          children[insert_at].name() == "emulator") {
        ++insert_at;
      }
    }
  }
  children.insert(children.begin() + static_cast<std::ptrdiff_t>(insert_at), disk);
  Reload();
}

void DomainDef::DetachDisk(const std::string& target) {
  xml::Node* devices = node_.FirstChild("devices");
  if (devices) {
    std::vector<xml::Node>& children = devices->mutable_children();
    for (auto it = children.begin(); it != children.end(); ++it) {
      if (it->IsElement() && it->name() == "disk" && ParseDomainDisk(*it).target_dev == target) {
        children.erase(it);
        Reload();
        return;
      }
    }
  }
  throw Error(ErrorCode::DeviceMissing, "disk " + target + " not found");
}

}  // namespace virtckpt::conf
