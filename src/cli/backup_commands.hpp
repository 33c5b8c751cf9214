// Handlers of the backup commands: backup-plan, backup-begin, backup-dumpxml, backup-end,
// domjobinfo, domjobabort and bitmap-ops.
#pragma once

#include "cli/command.hpp"

namespace virtckpt::cli {

void RunBackupPlan(Context& ctx, const Arguments& args);
void RunBackupBegin(Context& ctx, const Arguments& args);
void RunBackupDumpXml(Context& ctx, const Arguments& args);
void RunBackupEnd(Context& ctx, const Arguments& args);
void RunDomJobAbort(Context& ctx, const Arguments& args);
void RunDomJobInfo(Context& ctx, const Arguments& args);
void RunBitmapOps(Context& ctx, const Arguments& args);

}  // namespace virtckpt::cli
