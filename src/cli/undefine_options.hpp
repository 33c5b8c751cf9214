// undefine's options about what lives beside a domain's definition: storage volumes, NVRAM,
// TPM state, managed save and snapshots, read as virsh reads them; the store refuses what it
// would have to remove (store/domain_removal.hpp).
#pragma once

#include "cli/command.hpp"
#include "conf/domain_def.hpp"

namespace virtckpt::cli {

// virsh's checks of the options among themselves, made before the domain is looked up.
void CheckUndefineOptions(const Arguments& args);

// virsh's checks of --storage and --remove-all-storage against the definition, then the store's
// refusal of every removal the options ask for. Throws CommandError, naming the domain as the
// argument gave it (as virsh does).
void CheckRemovals(const conf::DomainDef& def, const Arguments& args);

}  // namespace virtckpt::cli
