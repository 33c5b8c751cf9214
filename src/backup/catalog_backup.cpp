#include "backup/catalog_backup.hpp"

#include "backup/chain_walker.hpp"
#include "backup/domain_backup_xml.hpp"
#include "qcow2/image_probe.hpp"
#include "util/error.hpp"

namespace virtckpt::backup {

BackupPlan PlanDomainBackup(const store::Catalog& catalog,
                            const std::optional<std::string>& since) {
  WalkInput input{catalog.domain(),   catalog.tree(), catalog.current(),
                  catalog.settings(), since,          qcow2::ProbeDiskImage};
  BackupPlan plan = PlanBackup(input);
  size_t ops = catalog.bitmap_ops().size();
  if (ops > 0) {
    plan.notes.push_back(
        std::to_string(ops) +
        " bitmap operations recorded by deletes or aborted jobs are not carried out yet "
        "(see bitmap-ops)");
  }
  return plan;
}

StartedBackup BeginDomainBackup(store::Catalog& catalog, BackupStart start, int64_t (*now)()) {
  StartedBackup started;
  started.plan = PlanDomainBackup(catalog, start.since);
  store::BackupJob job;
  job.since = start.since.value_or("");
  job.started = now();
  job.reuse_external = start.reuse_external;
  job.backup_xml = FormatDomainBackup(started.plan, start.pull_socket);
  started.job = catalog.BeginBackup(std::move(start.checkpoint), std::move(job), start.owner);
  return started;
}

std::string PendingBackupXml(const store::Catalog& catalog) {
  std::optional<store::BackupJob> job = catalog.PendingJob();
  if (!job) {
    throw util::Error(util::ErrorCode::NoDomainBackup, "no domain backup job present");
  }
  if (!job->backup_xml.empty()) return job->backup_xml;
  return FormatDomainBackup(PlanDomainBackup(catalog, job->since), std::nullopt);
}

}  // namespace virtckpt::backup
