// Help texts in virsh's layout.
#pragma once

#include <string>

#include "cli/command.hpp"

namespace virtckpt::cli {

// "  NAME\n    ...": the text `help COMMAND` prints (without the command's trailing blank line).
std::string FormatCommandHelp(const CommandDef& command);
// The command list `help` prints.
std::string FormatCommandList();

}  // namespace virtckpt::cli
