#include "backup/domain_backup_xml.hpp"

#include "xml/node.hpp"
#include "xml/writer.hpp"

namespace virtckpt::backup {

std::string FormatDomainBackup(const BackupPlan& plan,
                               const std::optional<std::string>& pull_socket) {
  xml::Node root = xml::Node::Element("domainbackup");
  root.SetAttribute("mode", pull_socket ? "pull" : "push");
  bool any_incremental = false;
  for (const auto& disk : plan.disks) any_incremental |= disk.mode == DiskMode::Incremental;
  if (plan.since && any_incremental) {
    root.AppendChild(xml::Node::Element("incremental")).AppendChild(xml::Node::Text(*plan.since));
  }
  if (pull_socket) {
    root.AppendChild(xml::Node::Element("server"))
        .SetAttribute("transport", "unix")
        .SetAttribute("socket", *pull_socket);
  }
  xml::Node& disks = root.AppendChild(xml::Node::Element("disks"));
  for (const auto& disk : plan.disks) {
    xml::Node& node = disks.AppendChild(xml::Node::Element("disk"));
    node.SetAttribute("name", disk.target);
    if (disk.mode == DiskMode::None) {
      node.SetAttribute("backup", "no");
      continue;
    }
    node.SetAttribute("backup", "yes");
    node.SetAttribute("type", disk.type == "block" ? "block" : "file");
    if (disk.mode == DiskMode::Incremental) {
      node.SetAttribute("backupmode", "incremental");
      node.SetAttribute("incremental", *plan.since);
    } else {
      node.SetAttribute("backupmode", "full");
    }
  }
  return xml::FormatElement(root);
}

}  // namespace virtckpt::backup
