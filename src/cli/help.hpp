// Help texts in virsh's layout.
#pragma once

#include <string>

#include "cli/command.hpp"

namespace virtckpt::cli {

// "  NAME\n    ...": the text `help COMMAND` prints (without the command's trailing blank line).
std::string FormatCommandHelp(const CommandDef& command);
// What `help KEYWORD` prints: the group's title line and its commands.
std::string FormatCommandGroup(const CommandGroup& group);
// The grouped command list `help` prints.
std::string FormatCommandList();

}  // namespace virtckpt::cli
