// A plan as libvirt's <domainbackup> document, ready for `virsh backup-begin`.
#pragma once

#include <optional>
#include <string>

#include "backup/plan.hpp"

namespace virtckpt::backup {

// Push mode, or pull mode with a unix-socket server when `pull_socket` is given. Disks with a
// full or incremental plan are backed up (backupmode='incremental' incremental='X', or
// backupmode='full'); disks with nothing to back up get backup='no'.
std::string FormatDomainBackup(const BackupPlan& plan,
                               const std::optional<std::string>& pull_socket);

}  // namespace virtckpt::backup
