// A domain's backups through its catalogue: the plan (each local image probed on this host), a
// job's begin, and the document of the pending job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "backup/plan.hpp"
#include "conf/checkpoint_def.hpp"
#include "store/catalog.hpp"

namespace virtckpt::backup {

// The chain walker's plan since `since` (none: every disk full), with images read through
// qcow2::ProbeDiskImage, and a plan-wide note when recorded bitmap operations are not carried
// out yet. Throws PlanBackup's errors.
BackupPlan PlanDomainBackup(const store::Catalog& catalog, const std::optional<std::string>& since);

// What a backup job is begun with.
struct BackupStart {
  std::optional<std::string> since;
  std::optional<std::string> pull_socket;  // pull mode over this unix socket, else push mode
  bool reuse_external = false;
  std::optional<conf::CheckpointDef> checkpoint;  // the checkpoint the job creates, if any
  std::string owner;
};

struct StartedBackup {
  BackupPlan plan;
  store::BackupJob job;
};

// Plans the backup, then begins its job at the time `now` gives (store::Catalog::BeginBackup);
// the job keeps the plan's <domainbackup> document.
StartedBackup BeginDomainBackup(store::Catalog& catalog, BackupStart start, int64_t (*now)());

// The <domainbackup> document of the pending job: the one it was begun with, or, for a job an
// older virtckpt began, the plan since its base. Throws Error(NotFound) without a pending job.
std::string PendingBackupXml(const store::Catalog& catalog);

}  // namespace virtckpt::backup
