// A backup plan as text (a table, then one sentence per reason and per note of each disk) or
// as JSON.
#pragma once

#include <optional>
#include <string>

#include "backup/plan.hpp"
#include "store/catalog.hpp"

namespace virtckpt::cli {

std::string FormatPlanText(const backup::BackupPlan& plan, bool quiet);
// The JSON object documented in virtckpt(1); `job` is added by backup-begin.
std::string FormatPlanJson(const backup::BackupPlan& plan,
                           const std::optional<store::BackupJob>& job);

}  // namespace virtckpt::cli
