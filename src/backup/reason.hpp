// Why a disk needs a full backup: machine-readable codes, in the canonical order in which a
// plan lists them.
#pragma once

#include <optional>
#include <string>

namespace virtckpt::backup {

enum class Reason {
  NoCheckpoint,
  UnknownCheckpoint,
  NotAncestor,
  DiskAddedAfter,
  DiskRemovedBetween,
  CheckpointNo,
  IdentityChanged,
  Resized,
  NotBitmapCapable,
  PendingCheckpoint,
  BitmapMissing,
  BitmapInUse,
  BitmapDisabled,
  ChainGap,
  BitmapsInvalid,
};

// One name table, used both ways.
const char* ReasonToString(Reason reason);
std::optional<Reason> ReasonFromString(const std::string& text);

}  // namespace virtckpt::backup
