// checkpoint-export and checkpoint-import: moving a domain's checkpoints between stores, hosts
// and libvirt (docs/export-format.md).
#pragma once

#include "cli/command.hpp"

namespace virtckpt::cli {

void RunCheckpointExport(Context& ctx, const Arguments& args);
void RunCheckpointImport(Context& ctx, const Arguments& args);

}  // namespace virtckpt::cli
