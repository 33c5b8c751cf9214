// Runs commands the way virsh does: parse, run, print errors as "error: ...", and the blank
// line virsh prints after every command that parsed.
#pragma once

#include <exception>
#include <istream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "util/error.hpp"

namespace virtckpt::cli {

// The "error: " lines of an error: a store that cannot be opened is virsh's "failed to connect
// to the hypervisor" first.
std::vector<std::string> ErrorLines(const util::Error& e);

// The "error: " line of an exception virtckpt does not throw on purpose: "out of memory" for
// std::bad_alloc, else "internal error: unexpected exception: WHAT".
std::vector<std::string> UnexpectedErrorLines(const std::exception& e);

// Each line as "error: LINE" on stderr, after what stdout holds, as virsh reports an error.
void PrintErrors(Context& ctx, const std::vector<std::string>& lines);

// Runs one parsed command (or prints its help), printing what it throws as "error: " lines and
// then virsh's blank line; returns 1 if it failed.
int RunCommand(Context& ctx, const CommandDef& def, const Arguments& args, bool help);

// Parses every command of a list first (a parse error anywhere runs nothing), then runs them;
// returns the last one's status, or 1 if any failed.
int RunCommands(Context& ctx, const std::vector<std::vector<std::string>>& commands,
                bool status_of_last);

// Runs every command of a line (split at ';'); returns 1 if any failed.
int RunLine(Context& ctx, const std::string& line);

// argv mode: the words after the global options. One word is parsed as a command line; a
// parse error anywhere runs nothing. Returns the last command's status.
int RunArgv(Context& ctx, const std::vector<std::string>& words);

// Commands read line by line; `prompt` is printed before each line when not empty. Returns 1 if
// any command failed.
int RunStream(Context& ctx, std::istream& in, const std::string& prompt);

}  // namespace virtckpt::cli
