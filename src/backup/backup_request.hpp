// What a <domainbackup> document given to backup-begin may ask for: its base and a pull-mode unix
// socket. Which disks are backed up, and how, virtckpt decides itself (the chain walker).
#pragma once

#include <optional>
#include <string>

namespace virtckpt::backup {

struct BackupRequest {
  std::optional<std::string> incremental;
  std::optional<std::string> pull_socket;
};

// Parses the document read from `file` (named in the errors). Throws Error(ConfigInvalid) for
// another root, a disk that sets its backup mode, base or backup='no', and a pull mode other
// than over a unix socket; the parser's errors otherwise.
BackupRequest ParseBackupRequest(const std::string& text, const std::string& file);

}  // namespace virtckpt::backup
