// undefine: the store keeps a domain's metadata only, so an undefine that is asked to remove a
// file beside the definition (a storage volume, the NVRAM file, a TPM's state) is refused.
#pragma once

#include <string>
#include <vector>

#include "conf/domain_def.hpp"
#include "conf/domain_files.hpp"
#include "store/backend.hpp"

namespace virtckpt::store {

// What an undefine is asked to remove besides the metadata.
struct Removals {
  // The volumes to remove: the ones --storage names (named_volumes), or all of them
  // (--remove-all-storage); none when neither is asked.
  std::vector<conf::DomainVolume> volumes;
  bool named_volumes = false;
  bool nvram = false;
  bool tpm = false;
};

// Refuses with Error(Unsupported) each removal of a file the definition has: the volumes, then
// the NVRAM file, then the TPM's state. Reads nothing.
void RefuseRemovals(const conf::DomainDef& def, const Removals& removals);

// Removes the domain and everything the store keeps of it (Backend::Undefine); returns the
// bitmap operations that were still pending. Refused first, with Error(OperationInvalid),
// while a backup job is pending: the job and its pending checkpoint would go with the domain
// (Catalog::RefuseWhilePending).
std::vector<BitmapOp> UndefineDomain(Backend& backend, const std::string& name,
                                     bool with_checkpoints);

}  // namespace virtckpt::store
