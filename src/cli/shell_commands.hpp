// virsh's own commands, which scripts written for virsh call between the others: echo, cd,
// pwd, quit, exit, connect.
#pragma once

#include "cli/command.hpp"

namespace virtckpt::cli {

void RunEcho(Context& ctx, const Arguments& args);
void RunCd(Context& ctx, const Arguments& args);
void RunPwd(Context& ctx, const Arguments& args);
void RunQuit(Context& ctx, const Arguments& args);
void RunConnect(Context& ctx, const Arguments& args);

}  // namespace virtckpt::cli
