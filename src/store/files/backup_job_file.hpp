// DOMAIN/job.xml: the backup job that has begun and not ended (docs/store-format.md,
// schemas/backupjob.rng).
#pragma once

#include <string>

#include "store/records.hpp"

namespace virtckpt::store::files {

std::string FormatBackupJob(const BackupJob& job);
BackupJob ParseBackupJob(const std::string& text, const std::string& source);

}  // namespace virtckpt::store::files
