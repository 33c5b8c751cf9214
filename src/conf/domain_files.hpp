// What lives beside a domain's definition and the definition names: the storage volumes of its
// disks, its NVRAM file, the state of an emulated TPM.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/domain_def.hpp"

namespace virtckpt::conf {

// A disk virsh counts as a storage volume: one with a target and a source.
struct DomainVolume {
  std::string target;
  std::string source;
};

// The volumes of the disks that have a source, in the definition's order.
std::vector<DomainVolume> VolumesOf(const DomainDef& def);
// The file of <os><nvram>, when the definition has one.
std::optional<std::string> NvramFile(const DomainDef& def);
// Whether a <tpm> has an emulator backend, whose state is kept on the host.
bool HasEmulatedTpm(const DomainDef& def);

}  // namespace virtckpt::conf
