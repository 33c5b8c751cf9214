// Opening a command's domain and finding the checkpoint it names, with virsh's messages.
#pragma once

#include <memory>
#include <string>

#include "cli/command.hpp"
#include "store/catalog.hpp"

namespace virtckpt::cli {

// Every change goes through the catalog's operations; the session only keeps the domain open.
struct OpenDomain {
  std::unique_ptr<store::DomainSession> session;
  std::unique_ptr<store::Catalog> catalog;
};

// Resolves the <domain> argument and opens it; load warnings, and a pending backup job unless
// the command deals with jobs, go to stderr as "warning: ...".
OpenDomain Open(Context& ctx, const Arguments& args, store::Access access,
                bool warn_pending_job = true);

// Opens the domain for a device change; a read-only connection opens it for reading, and
// RefuseDeviceChangeIfReadOnly refuses the change once the device is known, as virsh does.
OpenDomain OpenForDeviceChange(Context& ctx, const Arguments& args);

// "warning: domain 'NAME' has a pending backup job ..." on stderr, when it has one.
void WarnIfJobPending(Context& ctx, const store::Catalog& catalog);

// The checkpoint named by `option` (virsh's "--checkpointname is required" when absent).
const store::CheckpointSummary& CheckpointArgument(const Arguments& args,
                                                   const store::Catalog& catalog,
                                                   const std::string& option = "checkpointname");

// Output suppressed by -q, as virsh's vshPrintExtra.
void PrintExtra(Context& ctx, const std::string& text);

}  // namespace virtckpt::cli
