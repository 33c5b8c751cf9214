// virsh's --persistent, --config, --live and --current of the commands that change devices.
#pragma once

#include "cli/command.hpp"

namespace virtckpt::cli {

// virsh's first check of attach-device, attach-disk, detach-device and detach-disk: --current
// with --persistent, --live or --config is "Options --A and --B are mutually exclusive", the
// pairs in virsh's order.
void RefuseClashingAffectFlags(const Arguments& args);

}  // namespace virtckpt::cli
