// Bash completion from the command table and the store: the hidden `complete` command that
// completion/virtckpt.bash calls with the line being typed.
#pragma once

#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/completion_line.hpp"

namespace virtckpt::cli {

// Where the names a line may complete come from.
class CompletionNames {
 public:
  virtual ~CompletionNames() = default;
  virtual std::vector<std::string> Domains() = 0;
  virtual std::vector<std::string> Checkpoints(const std::string& domain) = 0;
};

// The store the line names: -c DIR, --connect DIR or a VIRTCKPT_ROOT= assignment before the
// program; empty when it names none.
std::string CompletionStore(const CompletionLine& line);

// The words that complete the line's last word, as readline replaces it: command names after
// the program and its options; then the options of the command not given yet and the names
// of the argument that comes next (domains, the domain's checkpoints, commands for `help`).
std::vector<std::string> CompletionCandidates(const CompletionLine& line, CompletionNames& names);

// `complete [--wordbreaks CHARS] LINE`: prints the candidates, one a line. Only reads the store
// (creates none); a store that cannot be read completes no names.
void RunComplete(Context& ctx, const Arguments& args);

}  // namespace virtckpt::cli
