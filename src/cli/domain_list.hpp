// `list`: virsh's domain filters in virtckpt's model, and virsh's outputs. virtckpt domains are
// persistent, have no run state, no id, no autostart, no snapshots and no managed save; they
// may have checkpoints.
#pragma once

#include <string>
#include <vector>

#include "cli/command.hpp"

namespace virtckpt::cli {

struct ListedDomain {
  std::string name;
  std::string uuid;   // with --uuid
  std::string title;  // with --title
};

// The domains the options select, in virsh's order (by name, case-insensitively, as virsh
// orders domains without an id). Throws CommandError for the combinations virsh refuses and
// for filters by run state, which virtckpt domains do not have.
std::vector<ListedDomain> SelectDomains(Context& ctx, const Arguments& args);

// virsh's table (Id and State '-', with --title a Title column), or with --uuid, --id and
// --name virsh's lines "UUID ID NAME" of what was asked for (--id alone: only domains with an
// id, so none).
void PrintDomainList(Context& ctx, const Arguments& args, const std::vector<ListedDomain>& domains);

}  // namespace virtckpt::cli
