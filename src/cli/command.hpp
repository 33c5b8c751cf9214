// The command table's types: options as virsh declares them, parsed arguments, and what a
// command handler gets to work with.
#pragma once

#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/connection.hpp"
#include "store/backend.hpp"

namespace virtckpt::cli {

enum class OptionType {
  Bool,    // --flag
  String,  // --name VALUE, or the next positional argument
  Data,    // required: <name> in the synopsis, [--name] VALUE in the option list
  Argv,    // repeatable: [[--name] VALUE]...
};

struct OptionDef {
  const char* name;
  OptionType type;
  const char* help;
  // Ours, not virsh's: listed after virsh's options in help output, never positional.
  bool extension = false;
  // Only as --name VALUE, never filled from a positional argument (virsh's REQ_OPT).
  bool named_only = false;
  // An Argv option that must be given at least once (virsh's VSH_OFLAG_REQ on an argv).
  bool required = false;
};

// Another name of an option, which help does not list: --NAME stands for --TARGET, or, when
// TARGET is "OPTION=VALUE", for --OPTION VALUE.
struct OptionAlias {
  const char* name;
  const char* target;
};

struct Context;
class Arguments;

struct CommandDef {
  const char* name;
  const char* summary;      // the NAME line
  const char* description;  // the DESCRIPTION paragraph
  std::vector<OptionDef> options;
  void (*run)(Context& ctx, const Arguments& args);
  // Not listed by `help` (virsh's internal `complete`).
  bool hidden = false;
  std::vector<OptionAlias> aliases = {};
  // False for a command that never touches a store (validate): a command line of such commands
  // alone runs without opening the store, whatever -c names.
  bool needs_store = true;
};

// A group of `help`'s listing: virsh's groups with the commands virsh puts there, in virsh's
// order, then groups of our own.
struct CommandGroup {
  const char* title;
  const char* keyword;  // `help KEYWORD` prints the group
  std::vector<const char*> commands;
};

// Options as the parser found them.
class Arguments {
 public:
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  bool Flag(const std::string& name) const { return Has(name); }
  // The value of a string option, if given (possibly empty).
  std::optional<std::string> Get(const std::string& name) const;
  // The value, which must not be empty: virsh's "Failed to get option 'X': Option argument is
  // empty" otherwise.
  std::optional<std::string> GetNonEmpty(const std::string& name) const;
  const std::vector<std::string>& All(const std::string& name) const;
  void Add(const std::string& name, std::string value) {
    values_[name].push_back(std::move(value));
  }

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

// A command failed: each line is printed as "error: LINE".
class CommandError : public std::exception {
 public:
  explicit CommandError(std::vector<std::string> lines) : lines_(std::move(lines)) {}
  const std::vector<std::string>& lines() const { return lines_; }
  const char* what() const noexcept override { return lines_.empty() ? "" : lines_[0].c_str(); }

 private:
  std::vector<std::string> lines_;
};

struct Context {
  Connection& connection;
  std::ostream& out;
  std::ostream& err;
  bool quiet = false;
  // The time a new checkpoint gets.
  int64_t (*now)() = nullptr;
  // Commands come from standard input: virsh's interactive mode, where `cd` works.
  bool interactive = false;
  // Set by quit and exit: the commands after it do not run.
  bool quit = false;
  // An "error: " line went to stderr (a failed command, or echo --err).
  bool error_printed = false;
  // The command that runs.
  const CommandDef* command = nullptr;

  store::Backend& backend() const { return connection.backend(); }
};

// On a read-only connection, libvirt's "operation forbidden: read only access prevents API"
// for the API the running command would call.
void RefuseIfReadOnly(const Context& ctx);
// The same for a device change, whose API virsh calls in its Flags form when any of --live,
// --config, --persistent or --current is given; virsh reports it after the device was found.
void RefuseDeviceChangeIfReadOnly(const Context& ctx, const Arguments& args);

// virsh's domain argument: a name or uuid; throws virsh's "failed to get domain 'X'".
std::string ResolveDomain(Context& ctx, const Arguments& args);

const std::vector<CommandDef>& Commands();
const std::vector<CommandGroup>& CommandGroups();
const CommandGroup* FindCommandGroup(const std::string& keyword);
const CommandDef* FindCommand(const std::string& name);

}  // namespace virtckpt::cli
