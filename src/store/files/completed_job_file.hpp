// DOMAIN/last-job.xml: the backup job that ended last (docs/store-format.md,
// schemas/completedjob.rng).
#pragma once

#include <string>

#include "store/records.hpp"

namespace virtckpt::store::files {

// <completedjob outcome='committed' checkpoint='c2' since='c1' started='N' ended='N'/>
std::string FormatCompletedJob(const CompletedJob& job);
CompletedJob ParseCompletedJob(const std::string& text, const std::string& source);

}  // namespace virtckpt::store::files
