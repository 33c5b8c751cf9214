// `list`: virsh's domain filters in virtckpt's model, and virsh's outputs. virtckpt domains are
// persistent and shut off, with no id, no autostart, no snapshots and no managed save; they may
// have checkpoints.
#pragma once

#include <string>
#include <vector>

#include "cli/command.hpp"

namespace virtckpt::cli {

struct ListedDomain {
  std::string name;
  std::string uuid;   // with --uuid or --json
  std::string title;  // with --title
};

// The domains the options select, in virsh's order for inactive domains (by name,
// case-insensitively). Throws CommandError for the combinations virsh refuses.
std::vector<ListedDomain> SelectDomains(Context& ctx, const Arguments& args);

// virsh's table (Id and State '-', with --title a Title column), or with --uuid, --id and
// --name virsh's lines "UUID ID NAME" of what was asked for (--id alone lists the domains that
// have an id: none).
void PrintDomainList(Context& ctx, const Arguments& args, const std::vector<ListedDomain>& domains);

}  // namespace virtckpt::cli
