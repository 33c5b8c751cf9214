// A backup plan: per disk of the current definition, incremental (with the bitmaps to use) or
// full (with the reasons), as the chain walker decides it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backup/reason.hpp"
#include "store/settings.hpp"

namespace virtckpt::backup {

// None: nothing to back up (an empty drive or a readonly disk, as libvirt's default).
enum class DiskMode { Incremental, Full, None };
constexpr DiskMode kLastDiskMode = DiskMode::None;
const char* DiskModeToString(DiskMode mode);

struct DiskPlan {
  std::string target;
  std::string type;  // file, block, ...
  std::string source;
  std::string format;
  DiskMode mode = DiskMode::Full;
  // Incremental: the bitmaps whose union is "changed since X", oldest first.
  std::vector<std::string> bitmaps;
  // Full (and none): every reason, in canonical order, and the sentence of each.
  std::vector<Reason> reasons;
  std::vector<std::string> messages;
  // Facts that do not change the decision, and the sentence of each.
  std::vector<Note> notes;
  std::vector<std::string> note_messages;
};

struct BackupPlan {
  std::string domain;
  std::optional<std::string> since;
  std::optional<std::string> current;
  store::BitmapModel model = store::BitmapModel::Cumulative;
  // The checkpoints from X to the current one, X first (empty unless X is on that path).
  std::vector<std::string> path;
  std::vector<DiskPlan> disks;
  // Plan-wide remarks, e.g. bitmap operations that are recorded but not yet carried out.
  std::vector<std::string> notes;
};

}  // namespace virtckpt::backup
