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
// The command list of `-h`, as virsh lays it out after its options: each group's title without
// help's colon, then virsh's hints about `help <group>` and `help <command>`.
std::string FormatUsageCommandList();

}  // namespace virtckpt::cli
