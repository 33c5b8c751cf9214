// domjobinfo in virsh's layout: the backup job that runs, or (--completed) the one that ended
// last, as libvirt reports a job's statistics.
#pragma once

#include <optional>

#include "cli/command.hpp"
#include "store/records.hpp"

namespace virtckpt::cli {

// virsh's checks of domjobinfo's options, made before the domain is looked up.
void CheckJobInfoOptions(const Arguments& args);

// domjobinfo --completed [--keep-completed]: the job that ended last. Without --keep-completed
// its statistics are forgotten once read, as libvirt's are.
void RunCompletedJobInfo(Context& ctx, const Arguments& args);

// The text forms (virsh's layout, or --rawstats) of the job that runs, if any.
void PrintRunningJobInfo(Context& ctx, const Arguments& args,
                         const std::optional<store::BackupJob>& job);

}  // namespace virtckpt::cli
