// The chain walker: decides per disk whether a backup since checkpoint X can be incremental.
// A disk qualifies when it is in X and in every checkpoint on the path from X to the current
// checkpoint with checkpoint='bitmap', and in the current definition, with the same identity
// (source, format, virtual size), its image is in the format its driver type says, and no other
// checkpoint names a bitmap the backup would use. Cost: linear in path length times disks, plus
// one pass over the disks of every checkpoint.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "backup/plan.hpp"
#include "conf/domain_def.hpp"
#include "qcow2/image_probe.hpp"
#include "store/checkpoint_tree.hpp"
#include "store/settings.hpp"

namespace virtckpt::backup {

struct WalkInput {
  const conf::DomainDef& domain;
  const store::CheckpointTree& tree;
  std::optional<std::string> current;
  store::DomainSettings settings;
  std::optional<std::string> since;
  // The image of a disk as this host reads it now; nullopt where it cannot be read (e.g.
  // qcow2::ProbeDiskImage). Unset: images are not looked at (no format or size check, no note).
  std::function<std::optional<qcow2::ImageFacts>(const conf::DomainDisk&)> read_image;
};

// Throws Error(NotFound) with libvirt's message when `since` names no checkpoint of the domain.
BackupPlan PlanBackup(const WalkInput& input);

// Raw, readonly, cdrom, empty and non-qcow2 disks cannot hold a persistent bitmap.
bool IsBitmapCapable(const conf::DomainDisk& disk);

}  // namespace virtckpt::backup
