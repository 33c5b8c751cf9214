// The chain walker: decides per disk whether a backup since checkpoint X can be incremental.
// A disk qualifies when it is in X and in every checkpoint on the path from X to the current
// checkpoint with checkpoint='bitmap', and in the current definition, with the same identity
// (source, format, virtual size). Cost: linear in path length times disks.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "backup/plan.hpp"
#include "conf/domain_def.hpp"
#include "store/checkpoint_tree.hpp"
#include "store/settings.hpp"

namespace virtckpt::backup {

struct WalkInput {
  const conf::DomainDef& domain;
  const store::CheckpointTree& tree;
  std::optional<std::string> current;
  store::DomainSettings settings;
  std::optional<std::string> since;
  // The virtual size of a disk now, where it can be known.
  std::function<std::optional<uint64_t>(const conf::DomainDisk&)> current_size;
};

BackupPlan PlanBackup(const WalkInput& input);

// Raw, readonly, cdrom, empty and non-qcow2 disks cannot hold a persistent bitmap.
bool IsBitmapCapable(const conf::DomainDisk& disk);

}  // namespace virtckpt::backup
