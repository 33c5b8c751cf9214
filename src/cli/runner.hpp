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

// Runs every command of a line (split at ';'; a parse error anywhere runs nothing); returns 1
// if any failed.
int RunLine(Context& ctx, const std::string& line);

// A command as parsed, ready to run.
struct ParsedCommand {
  const CommandDef* def = nullptr;
  Arguments args;
  bool help = false;
};

// argv mode: the words after the global options. One word is parsed as a command line. Parsed
// before the connection is made, as virsh does: a parse error anywhere (ParseError) is reported
// without connecting, and runs nothing.
std::vector<ParsedCommand> ParseArgv(const std::vector<std::string>& words);
// Runs them; returns the last command's status.
int RunParsed(Context& ctx, const std::vector<ParsedCommand>& commands);

// Commands read line by line; `prompt` is printed before each line when not empty. Returns 1 if
// any command failed.
int RunStream(Context& ctx, std::istream& in, const std::string& prompt);

}  // namespace virtckpt::cli
