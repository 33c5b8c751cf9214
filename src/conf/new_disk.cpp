#include "conf/new_disk.hpp"

#include <cctype>

#include "util/enum_names.hpp"
#include "util/strings.hpp"

namespace virtckpt::conf {

namespace {

constexpr util::EnumNames<DiskSourceType, 3> kSourceTypeNames{{{
    {DiskSourceType::File, "file"},
    {DiskSourceType::Block, "block"},
    {DiskSourceType::Network, "network"},
}}};
static_assert(kSourceTypeNames.Covers(kLastDiskSourceType));

// The names of attach-disk's --mode; read-write is the default and has none.
constexpr util::EnumNames<DiskMode, 3> kModeNames{{{
    {DiskMode::ReadWrite, nullptr},
    {DiskMode::ReadOnly, "readonly"},
    {DiskMode::Shareable, "shareable"},
}}};
static_assert(kModeNames.Covers(kLastDiskMode));

void SetIfGiven(xml::Node& node, const char* name, const std::optional<std::string>& value) {
  if (value) node.SetAttribute(name, *value);
}

void AppendIfAttributes(xml::Node& parent, xml::Node child) {
  if (!child.attributes().empty() || !child.children().empty()) {
    parent.AppendChild(std::move(child));
  }
}

void AppendText(xml::Node& parent, const char* name, const std::optional<std::string>& text) {
  if (text) parent.AppendChild(xml::Node::Element(name)).AppendChild(xml::Node::Text(*text));
}

xml::Node Source(const NewDisk& disk) {
  xml::Node source = xml::Node::Element("source");
  switch (disk.source_type) {
    case DiskSourceType::File:
      source.SetAttribute("file", disk.source);
      break;
    case DiskSourceType::Block:
      source.SetAttribute("dev", disk.source);
      break;
    case DiskSourceType::Network: {
      source.SetAttribute("protocol", disk.protocol).SetAttribute("name", disk.source);
      xml::Node host = xml::Node::Element("host");
      SetIfGiven(host, "transport", disk.host_transport);
      SetIfGiven(host, "socket", disk.host_socket);
      SetIfGiven(host, "name", disk.host_name);
      SetIfGiven(host, "port", disk.host_port);
      AppendIfAttributes(source, std::move(host));
      break;
    }
  }
  return source;
}

}  // namespace

std::optional<DiskSourceType> DiskSourceTypeFromString(const std::string& name) {
  return kSourceTypeNames.Value(name);
}

const char* DiskSourceTypeToString(DiskSourceType type) { return kSourceTypeNames.Name(type); }

std::optional<DiskMode> DiskModeFromString(const std::string& name) {
  return kModeNames.Value(name);
}

xml::Node FormatNewDisk(const NewDisk& disk) {
  xml::Node node = xml::Node::Element("disk");
  node.SetAttribute("type", DiskSourceTypeToString(disk.source_type));
  SetIfGiven(node, "device", disk.device);
  if (disk.rawio) node.SetAttribute("rawio", "yes");

  xml::Node driver = xml::Node::Element("driver");
  SetIfGiven(driver, "name", disk.driver_name);
  SetIfGiven(driver, "type", disk.driver_type);
  SetIfGiven(driver, "iothread", disk.iothread);
  SetIfGiven(driver, "cache", disk.cache);
  SetIfGiven(driver, "io", disk.io);
  AppendIfAttributes(node, std::move(driver));

  node.AppendChild(Source(disk));

  xml::Node& target = node.AppendChild(xml::Node::Element("target"));
  target.SetAttribute("dev", disk.target);
  SetIfGiven(target, "bus", disk.target_bus);

  if (disk.mode != DiskMode::ReadWrite)
    node.AppendChild(xml::Node::Element(kModeNames.Name(disk.mode)));
  AppendText(node, "serial", disk.serial);
  if (disk.alias) node.AppendChild(xml::Node::Element("alias")).SetAttribute("name", *disk.alias);
  AppendText(node, "wwn", disk.wwn);
  if (disk.address) node.AppendChild(FormatDiskAddress(*disk.address));
  return node;
}

bool IsValidWwn(const std::string& wwn) {
  std::string digits = util::StartsWith(wwn, "0x") ? wwn.substr(2) : wwn;
  if (digits.size() != 16) return false;
  for (char c : digits) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace virtckpt::conf
