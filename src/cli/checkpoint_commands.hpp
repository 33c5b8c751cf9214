// Handlers of virsh's checkpoint commands.
#pragma once

#include "cli/command.hpp"

namespace virtckpt::cli {

void RunCheckpointCreate(Context& ctx, const Arguments& args);
void RunCheckpointCreateAs(Context& ctx, const Arguments& args);
void RunCheckpointEdit(Context& ctx, const Arguments& args);
void RunCheckpointList(Context& ctx, const Arguments& args);
void RunCheckpointDumpXml(Context& ctx, const Arguments& args);
void RunCheckpointInfo(Context& ctx, const Arguments& args);
void RunCheckpointParent(Context& ctx, const Arguments& args);
void RunCheckpointDelete(Context& ctx, const Arguments& args);

}  // namespace virtckpt::cli
