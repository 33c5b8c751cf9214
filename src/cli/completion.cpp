#include "cli/completion.hpp"

#include <memory>
#include <ostream>

#include "cli/command_line.hpp"
#include "cli/connection.hpp"
#include "cli/global_options.hpp"
#include "conf/document_kind.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace virtckpt::cli {

namespace {

enum class NameKind { None, Domain, Checkpoint, Command, DocumentType };

// Which names an option's value is.
NameKind NamesOf(const std::string& option, const CommandDef& command) {
  if (option == "domain") return NameKind::Domain;
  if (option == "checkpointname" || option == "from" || option == "since") {
    return NameKind::Checkpoint;
  }
  if (option == "command" && std::string(command.name) == "help") return NameKind::Command;
  if (option == "type" && std::string(command.name) == "validate") return NameKind::DocumentType;
  return NameKind::None;
}

bool IsAssignment(const std::string& word) {
  size_t eq = word.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  for (size_t i = 0; i < eq; ++i) {
    char c = word[i];
    bool ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// The line's words after the program's own options, and the store they name.
struct CommandWords {
  std::string store;
  bool at_command = false;         // the partial word is where the command name goes
  std::vector<std::string> words;  // the command and its finished words
};

std::optional<CommandWords> FindCommandWords(const CompletionLine& line) {
  CommandWords found;
  const std::vector<std::string>& words = line.words;
  size_t i = 0;
  std::string root;
  for (; i < words.size() && IsAssignment(words[i]); ++i) {
    if (util::StartsWith(words[i], "VIRTCKPT_ROOT=")) root = words[i].substr(14);
  }
  if (i >= words.size()) return std::nullopt;  // the program's own name is being typed
  // The global options as the program reads them; -c waiting for its directory (bash completes
  // files), an option the program refuses, -h and -v leave nothing to complete.
  GlobalOptions options;
  try {
    options = ParseGlobalOptions(std::vector<std::string>(words.begin() + 1 + i, words.end()));
  } catch (const ParseError&) {
    return std::nullopt;
  }
  if (options.action != GlobalOptions::Action::Run) return std::nullopt;
  found.store = options.uri.empty() ? root : options.uri;
  found.at_command = options.words.empty();
  if (found.at_command && util::StartsWith(line.partial, "-")) return std::nullopt;
  found.words = options.words;
  return found;
}

const OptionDef* FindOption(const CommandDef& command, const std::string& name) {
  for (const auto& opt : command.options) {
    if (name == opt.name) return &opt;
  }
  return nullptr;
}

bool Positional(const OptionDef& opt) {
  return opt.type != OptionType::Bool && !opt.extension && !opt.named_only;
}

// What the words after the command say, read as the command's parser reads them but never
// failing: the options given, and the option that is waiting for its value.
struct CommandState {
  Arguments given;
  const OptionDef* awaiting_value = nullptr;
  bool data_only = false;
};

CommandState ReadCommandWords(const CommandDef& command, const std::vector<std::string>& words) {
  CommandState state;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (!state.data_only && word == "--") {
      state.data_only = true;
      continue;
    }
    if (!state.data_only && util::StartsWith(word, "--")) {
      std::string name = word.substr(2);
      size_t eq = name.find('=');
      const OptionDef* opt = FindOption(command, name.substr(0, eq));
      if (!opt) continue;
      if (opt->type == OptionType::Bool) {
        state.given.Add(opt->name, "");
      } else if (eq != std::string::npos) {
        state.given.Add(opt->name, name.substr(eq + 1));
      } else if (i + 1 < words.size()) {
        state.given.Add(opt->name, words[++i]);
      } else {
        state.awaiting_value = opt;
      }
      continue;
    }
    for (const auto& opt : command.options) {
      if (Positional(opt) && (opt.type == OptionType::Argv || !state.given.Has(opt.name))) {
        state.given.Add(opt.name, word);
        break;
      }
    }
  }
  return state;
}

// The option a word that is not an option would fill.
const OptionDef* NextPositional(const CommandDef& command, const Arguments& given) {
  for (const auto& opt : command.options) {
    if (Positional(opt) && (opt.type == OptionType::Argv || !given.Has(opt.name))) return &opt;
  }
  return nullptr;
}

std::vector<std::string> CommandNames() {
  std::vector<std::string> names;
  for (const auto& command : Commands()) {
    if (!command.hidden) names.push_back(command.name);
  }
  return names;
}

std::vector<std::string> ValuesOf(const OptionDef& opt, const CommandDef& command,
                                  const Arguments& given, CompletionNames& names) {
  switch (NamesOf(opt.name, command)) {
    case NameKind::Domain:
      return names.Domains();
    case NameKind::Checkpoint: {
      std::optional<std::string> domain = given.Get("domain");
      return domain ? names.Checkpoints(*domain) : std::vector<std::string>{};
    }
    case NameKind::Command:
      return CommandNames();
    case NameKind::DocumentType:
      return conf::DocumentKindNames();
    case NameKind::None:
      break;
  }
  return {};
}

// Candidates before the prefix filter, as whole words.
std::vector<std::string> WholeWords(const CompletionLine& line, const CommandWords& found,
                                    CompletionNames& names) {
  if (found.at_command) return CommandNames();
  const CommandDef* command = FindCommand(found.words[0]);
  if (!command) return {};
  std::vector<std::string> rest(found.words.begin() + 1, found.words.end());
  CommandState state = ReadCommandWords(*command, rest);
  if (state.awaiting_value) return ValuesOf(*state.awaiting_value, *command, state.given, names);
  const std::string& partial = line.partial;
  if (!state.data_only && util::StartsWith(partial, "--")) {
    if (size_t eq = partial.find('='); eq != std::string::npos) {
      const OptionDef* opt = FindOption(*command, partial.substr(2, eq - 2));
      if (!opt || opt->type == OptionType::Bool) return {};
      std::vector<std::string> words;
      for (const auto& value : ValuesOf(*opt, *command, state.given, names)) {
        words.push_back(partial.substr(0, eq + 1) + value);
      }
      return words;
    }
  }
  std::vector<std::string> words;
  if (!state.data_only) {
    for (const auto& opt : command->options) {
      if (opt.type == OptionType::Argv || !state.given.Has(opt.name)) {
        words.push_back(std::string("--") + opt.name);
      }
    }
  }
  if (const OptionDef* next = NextPositional(*command, state.given)) {
    for (auto& value : ValuesOf(*next, *command, state.given, names)) words.push_back(value);
  }
  return words;
}

// Names from the store, or none when there is none or it cannot be read.
class StoreNames : public CompletionNames {
 public:
  explicit StoreNames(store::Backend* backend) : backend_(backend) {}

  std::vector<std::string> Domains() override {
    try {
      return backend_ ? backend_->ListDomains() : std::vector<std::string>{};
    } catch (const util::Error&) {
      return {};
    }
  }

  std::vector<std::string> Checkpoints(const std::string& domain) override {
    std::vector<std::string> names;
    try {
      std::optional<std::string> name = backend_ ? backend_->ResolveDomain(domain) : std::nullopt;
      if (!name) return {};
      std::unique_ptr<store::DomainSession> session = backend_->Open(*name, store::Access::Read);
      for (const auto& checkpoint : session->checkpoints()) {
        names.push_back(checkpoint.name);
      }
    } catch (const util::Error&) {
      return {};
    }
    return names;
  }

 private:
  store::Backend* backend_;
};

}  // namespace

std::string CompletionStore(const CompletionLine& line) {
  std::optional<CommandWords> found = FindCommandWords(line);
  return found ? found->store : "";
}

std::vector<std::string> CompletionCandidates(const CompletionLine& line, CompletionNames& names) {
  std::optional<CommandWords> found = FindCommandWords(line);
  if (!found) return {};
  std::vector<std::string> candidates;
  for (const auto& word : WholeWords(line, *found, names)) {
    if (util::StartsWith(word, line.partial) && word.find('\n') == std::string::npos) {
      candidates.push_back(word.substr(line.replaced_from));
    }
  }
  return candidates;
}

void RunComplete(Context& ctx, const Arguments& args) {
  CompletionLine line =
      SplitCompletionLine(args.Get("line").value_or(""), args.Get("wordbreaks").value_or(""));
  std::string store = CompletionStore(line);
  std::unique_ptr<Connection> named;
  store::Backend* backend = &ctx.backend();
  if (!store.empty()) {
    try {
      named = std::make_unique<Connection>(store);
      backend = &named->backend();
    } catch (const util::Error&) {
      backend = nullptr;
    }
  }
  StoreNames names(backend);
  for (const auto& candidate : CompletionCandidates(line, names)) ctx.out << candidate << "\n";
}

}  // namespace virtckpt::cli
