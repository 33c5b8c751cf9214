#include "cli/help.hpp"

#include <cstdio>

namespace virtckpt::cli {

namespace {

// virsh names a repeated argument in the synopsis only once a positional string option came
// before it ("[[--diskspec] <string>]..."); otherwise it is just "[<string>]...".
std::string SynopsisWord(const OptionDef& opt, bool named_argv) {
  std::string name = opt.name;
  switch (opt.type) {
    case OptionType::Bool:
      return "[--" + name + "]";
    case OptionType::String:
      return "[--" + name + " <string>]";
    case OptionType::Data:
      return "<" + name + ">";
    case OptionType::Argv:
      if (opt.required) return named_argv ? "{[--" + name + "] <string>}..." : "<" + name + ">...";
      return named_argv ? "[[--" + name + "] <string>]..." : "[<" + name + ">]...";
  }
  return "";
}

std::string OptionWord(const OptionDef& opt, bool named_argv) {
  std::string name = opt.name;
  switch (opt.type) {
    case OptionType::Bool:
      return "--" + name;
    case OptionType::String:
      return "--" + name + " <string>";
    case OptionType::Data:
      return "[--" + name + "] <string>";
    case OptionType::Argv:
      return named_argv ? "[--" + name + "] <string>" : "<" + name + ">";
  }
  return "";
}

bool NamesArgv(const CommandDef& command) {
  for (const auto& opt : command.options) {
    if (opt.type == OptionType::String && !opt.named_only) return true;
    if (opt.type == OptionType::Argv) return false;
  }
  return false;
}

}  // namespace

std::string FormatCommandHelp(const CommandDef& command) {
  std::string out = "  NAME\n    " + std::string(command.name) + " - " + command.summary + "\n\n";
  bool named_argv = NamesArgv(command);
  out += "  SYNOPSIS\n    " + std::string(command.name);
  for (const auto& opt : command.options) out += " " + SynopsisWord(opt, named_argv);
  out += "\n\n";
  if (*command.description)
    out += "  DESCRIPTION\n    " + std::string(command.description) + "\n\n";
  if (!command.options.empty()) {
    out += "  OPTIONS\n";
    for (const auto& opt : command.options) {
      char line[512];
      snprintf(line, sizeof line, "    %-15s  %s\n", OptionWord(opt, named_argv).c_str(), opt.help);
      out += line;
    }
    out += "\n";
  }
  return out;
}

namespace {

std::string GroupTitle(const CommandGroup& group) {
  return " " + std::string(group.title) + " (help keyword '" + group.keyword + "')";
}

std::string GroupCommands(const CommandGroup& group) {
  std::string out;
  for (const char* name : group.commands) {
    const CommandDef* command = FindCommand(name);
    char line[512];
    snprintf(line, sizeof line, "    %-30s %s\n", name, command ? command->summary : "");
    out += line;
  }
  return out;
}

}  // namespace

std::string FormatCommandGroup(const CommandGroup& group) {
  return GroupTitle(group) + ":\n" + GroupCommands(group);
}

std::string FormatCommandList() {
  std::string out = "Grouped commands:\n\n";
  for (const auto& group : CommandGroups()) out += FormatCommandGroup(group) + "\n";
  return out;
}

std::string FormatUsageCommandList() {
  std::string out;
  for (const auto& group : CommandGroups()) {
    out += GroupTitle(group) + "\n" + GroupCommands(group) + "\n";
  }
  return out + "\n  (specify help <group> for details about the commands in the group)\n" +
         "\n  (specify help <command> for details about the command)\n\n";
}

}  // namespace virtckpt::cli
