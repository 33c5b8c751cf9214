#include "cli/help.hpp"

#include <cstdio>

namespace virtckpt::cli {

namespace {

std::string SynopsisWord(const OptionDef& opt) {
  std::string name = opt.name;
  switch (opt.type) {
    case OptionType::Bool:
      return "[--" + name + "]";
    case OptionType::String:
      return "[--" + name + " <string>]";
    case OptionType::Data:
      return "<" + name + ">";
    case OptionType::Argv:
      return "[[--" + name + "] <string>]...";
  }
  return "";
}

std::string OptionWord(const OptionDef& opt) {
  std::string name = opt.name;
  switch (opt.type) {
    case OptionType::Bool:
      return "--" + name;
    case OptionType::String:
      return "--" + name + " <string>";
    case OptionType::Data:
    case OptionType::Argv:
      return "[--" + name + "] <string>";
  }
  return "";
}

}  // namespace

std::string FormatCommandHelp(const CommandDef& command) {
  std::string out = "  NAME\n    " + std::string(command.name) + " - " + command.summary + "\n\n";
  out += "  SYNOPSIS\n    " + std::string(command.name);
  for (const auto& opt : command.options) out += " " + SynopsisWord(opt);
  out += "\n\n  DESCRIPTION\n    " + std::string(command.description) + "\n\n";
  if (!command.options.empty()) {
    out += "  OPTIONS\n";
    for (const auto& opt : command.options) {
      char line[512];
      snprintf(line, sizeof line, "    %-15s  %s\n", OptionWord(opt).c_str(), opt.help);
      out += line;
    }
    out += "\n";
  }
  return out;
}

std::string FormatCommandList() {
  std::string out = " virtckpt commands (help COMMAND for details):\n";
  for (const auto& command : Commands()) {
    char line[256];
    snprintf(line, sizeof line, "    %-24s %s\n", command.name, command.summary);
    out += line;
  }
  return out + "\n";
}

}  // namespace virtckpt::cli
