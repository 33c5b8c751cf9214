// undefine's options about what lives beside a domain's definition: storage volumes, NVRAM,
// TPM state, managed save and snapshots. virtckpt keeps metadata only: where an option asks it
// to remove nothing (the domain has no such file, or the option keeps it), it is accepted;
// where it would remove a file virtckpt does not manage, the undefine is refused.
#pragma once

#include "cli/command.hpp"
#include "conf/domain_def.hpp"

namespace virtckpt::cli {

// virsh's checks of the options among themselves, made before the domain is looked up.
void CheckUndefineOptions(const Arguments& args);

// virsh's checks of --storage and --remove-all-storage against the definition, then the
// refusal of every removal the options ask for. Throws CommandError.
void RefuseRemovals(const conf::DomainDef& def, const Arguments& args);

}  // namespace virtckpt::cli
