#include "backup/backup_request.hpp"

#include "util/error.hpp"
#include "xml/document.hpp"

namespace virtckpt::backup {

BackupRequest ParseBackupRequest(const std::string& text, const std::string& file) {
  xml::ParseOptions options;
  options.source = "(domain_backup)";
  xml::Document doc = xml::Document::Parse(text, options);
  if (doc.RootName() != "domainbackup") {
    throw util::Error(util::ErrorCode::XmlConfigError,
                      "expecting root element of 'domainbackup', not '" + doc.RootName() + "'");
  }
  xml::Node root = doc.Root();
  // Target files (<target>, <scratch>, <driver>) are the caller's business.
  if (const xml::Node* disks = root.FirstChild("disks")) {
    for (const xml::Node* disk : disks->ChildElements("disk")) {
      if (disk->Attribute("backupmode") || disk->Attribute("incremental") ||
          disk->Attribute("backup").value_or("yes") != "yes") {
        throw util::Error(util::ErrorCode::ConfigUnsupported,
                          "virtckpt decides the backup of each disk itself (see "
                          "backup-plan); disk '" +
                              disk->Attribute("name").value_or("") + "' of " + file + " sets it");
      }
    }
  }
  BackupRequest request;
  request.incremental = root.ChildText("incremental");
  if (root.Attribute("mode").value_or("push") == "pull") {
    const xml::Node* server = root.FirstChild("server");
    if (!server || server->Attribute("transport").value_or("tcp") != "unix" ||
        !server->Attribute("socket")) {
      throw util::Error(util::ErrorCode::ConfigUnsupported,
                        "virtckpt describes pull-mode backups over a unix socket "
                        "only: <server transport='unix' socket='PATH'/>");
    }
    request.pull_socket = server->Attribute("socket");
  }
  return request;
}

}  // namespace virtckpt::backup
