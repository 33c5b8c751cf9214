#include "cli/command_line.hpp"

#include <cctype>

namespace virtckpt::cli {

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

const OptionAlias* FindAlias(const CommandDef& command, const std::string& name) {
  for (const auto& alias : command.aliases) {
    if (name == alias.name) return &alias;
  }
  return nullptr;
}

}  // namespace

std::vector<std::vector<std::string>> SplitCommandLine(const std::string& line) {
  std::vector<std::vector<std::string>> commands(1);
  size_t i = 0;
  const size_t n = line.size();
  while (i < n) {
    while (i < n && (IsBlank(line[i]) || (line[i] == '\\' && i + 1 < n && line[i + 1] == '\n'))) {
      i += line[i] == '\\' ? 2 : 1;
    }
    if (i >= n) break;
    if (line[i] == ';' || line[i] == '\n') {
      commands.emplace_back();
      ++i;
      continue;
    }
    if (line[i] == '#') {
      while (i < n && line[i] != '\n') ++i;
      continue;
    }
    std::string word;
    bool single = false;
    bool dbl = false;
    while (i < n) {
      char c = line[i];
      if (!single && !dbl && (IsBlank(c) || c == ';' || c == '\n')) break;
      if (c == '\\' && !single) {
        if (++i >= n) throw ParseError("dangling \\");
        word += line[i++];
        continue;
      }
      if (c == '\'' && !dbl) {
        single = !single;
        ++i;
        continue;
      }
      if (c == '"' && !single) {
        dbl = !dbl;
        ++i;
        continue;
      }
      word += c;
      ++i;
    }
    if (dbl) throw ParseError("missing \"");
    commands.back().push_back(std::move(word));
  }
  std::vector<std::vector<std::string>> result;
  for (auto& c : commands) {
    if (!c.empty()) result.push_back(std::move(c));
  }
  return result;
}

Arguments ParseArguments(const CommandDef& command, const std::vector<std::string>& words) {
  Arguments args;
  auto find = [&](const std::string& name) -> const OptionDef* {
    for (const auto& opt : command.options) {
      if (name == opt.name) return &opt;
    }
    return nullptr;
  };
  bool data_only = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (!data_only && word.size() > 2 && word[0] == '-' && word[1] == '-' &&
        std::isalnum(static_cast<unsigned char>(word[2]))) {
      std::string name = word.substr(2);
      std::optional<std::string> inline_value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name.resize(eq);
      }
      const OptionDef* opt = find(name);
      if (!opt) {
        if (const OptionAlias* alias = FindAlias(command, name)) {
          std::string target = alias->target;
          if (auto eq = target.find('='); eq != std::string::npos) {
            if (inline_value) throw ParseError("invalid '=' after option --" + name);
            inline_value = target.substr(eq + 1);
            target.resize(eq);
          }
          name = target;
          opt = find(name);
        }
      }
      if (!opt) {
        throw ParseError("command '" + std::string(command.name) + "' doesn't support option --" +
                         name);
      }
      if (args.Has(name) && opt->type != OptionType::Argv) {
        throw ParseError("option --" + name + " already seen");
      }
      if (opt->type == OptionType::Bool) {
        if (inline_value) throw ParseError("invalid '=' after option --" + name);
        args.Add(name, "");
        continue;
      }
      if (!inline_value) {
        if (i + 1 >= words.size()) throw ParseError("expected syntax: --" + name + " <string>");
        inline_value = words[++i];
      }
      args.Add(name, *inline_value);
      continue;
    }
    if (!data_only && word == "--") {
      data_only = true;
      continue;
    }
    const OptionDef* target = nullptr;
    for (const auto& opt : command.options) {
      if (opt.type == OptionType::Bool || opt.extension || opt.named_only) continue;
      if (opt.type == OptionType::Argv || !args.Has(opt.name)) {
        target = &opt;
        break;
      }
    }
    if (!target) throw ParseError("unexpected data '" + word + "'");
    args.Add(target->name, word);
  }
  std::vector<std::string> missing;
  for (const auto& opt : command.options) {
    bool required = opt.type == OptionType::Data || (opt.type == OptionType::Argv && opt.required);
    if (required && !args.Has(opt.name)) {
      missing.push_back("command '" + std::string(command.name) + "' requires <" + opt.name +
                        "> option");
    }
  }
  if (!missing.empty()) throw ParseError(std::move(missing));
  return args;
}

}  // namespace virtckpt::cli
