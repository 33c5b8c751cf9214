#include "backup/chain_walker.hpp"

#include <algorithm>
#include <map>
#include <string_view>

#include "store/bitmap_namers.hpp"
#include "util/enum_names.hpp"
#include "util/error.hpp"

namespace virtckpt::backup {

namespace {

using store::CheckpointSummary;
using Path = std::vector<const CheckpointSummary*>;

// Collects reasons with the sentence of each, and sorts them into canonical order.
class Verdict {
 public:
  // A reason found twice keeps the sentence of its first finding.
  void Add(Reason reason, const std::string& message) { messages_.emplace(reason, message); }
  bool empty() const { return messages_.empty(); }
  void Into(DiskPlan* disk) const {
    for (const auto& [reason, message] : messages_) {
      disk->reasons.push_back(reason);
      disk->messages.push_back(message);
    }
  }

 private:
  std::map<Reason, std::string> messages_;
};

// Why no disk can be incremental, when that does not depend on the disk.
struct PlanWide {
  Reason reason;
  std::string message;
};

// A bitmap that the backup would read: the checkpoint that names it, and its entry there.
struct UsedBitmap {
  const CheckpointSummary* checkpoint;
  const CheckpointSummary::Disk* disk;
};

std::string Quote(const std::string& s) { return "'" + s + "'"; }

[[noreturn]] void NoSuchCheckpoint(const std::string& name) {
  throw util::Error(util::ErrorCode::NoDomainCheckpoint,
                    "no domain checkpoint with matching name " + Quote(name));
}

// As libvirt's default <domainbackup>: drives without a medium and readonly disks are left out.
bool NothingToBackUp(const conf::DomainDisk& disk) { return disk.IsEmpty() || disk.readonly; }

DiskPlan PlanFor(const conf::DomainDisk& disk) {
  DiskPlan d;
  d.target = disk.target_dev;
  d.type = disk.type;
  d.source = disk.source.Identity();
  d.format = disk.driver_type;
  return d;
}

std::string Describe(const std::string& source, const std::string& format) {
  std::string text = source.empty() ? "no source" : source;
  return format.empty() ? text : text + " (" + format + ")";
}

std::string WhyNotCapable(const conf::DomainDisk& disk) {
  if (disk.IsEmpty()) return "disk " + disk.target_dev + " has no medium";
  if (disk.device != "disk") {
    return "disk " + disk.target_dev + " is a " + disk.device + ": it cannot hold a bitmap";
  }
  if (disk.readonly) return "disk " + disk.target_dev + " is readonly: it cannot hold a bitmap";
  std::string format = disk.driver_type.empty() ? "raw (no driver type)" : disk.driver_type;
  return "disk " + disk.target_dev + " is " + format + ", not qcow2: it cannot hold a bitmap";
}

std::string WhyFormatMismatch(const conf::DomainDisk& disk) {
  std::string declared =
      disk.driver_type.empty() ? "no driver type (raw)" : "driver type " + disk.driver_type;
  std::string found =
      qcow2::DeclaredFormat(disk) == "qcow2" ? "is not a qcow2 image" : "is a qcow2 image";
  return "disk " + disk.target_dev + " has " + declared + ", but its image " + found;
}

// A checkpoint's entry for a disk: usually at the disk's position in the domain (checkpoint
// disks follow domain order), else found by a scan.
const CheckpointSummary::Disk* FindDisk(const CheckpointSummary& checkpoint,
                                        const std::string& target, size_t position) {
  const auto& disks = checkpoint.disks();
  if (position < disks.size() && disks[position].target == target) return &disks[position];
  for (const auto& d : disks) {
    if (d.target == target) return &d;
  }
  return nullptr;
}

// The checkpoints from X to the current one, X first; empty when X is not on that path.
Path PathFrom(const WalkInput& in, const CheckpointSummary* base) {
  Path path;
  if (!in.current) return path;
  for (const CheckpointSummary* c : in.tree.PathToRoot(*in.current)) {
    path.push_back(c);
    if (c == base) break;
  }
  if (path.empty() || path.back() != base) return {};
  std::reverse(path.begin(), path.end());
  return path;
}

// Sets `path` when the walk can go ahead; else says why every disk is full.
std::optional<PlanWide> PlanWideReason(const WalkInput& in, Path* path) {
  if (!in.since) {
    return PlanWide{Reason::NoCheckpoint, "no checkpoint to start from: a full backup is needed"};
  }
  const std::string& since = *in.since;
  const CheckpointSummary* base = in.tree.Find(since);
  if (!base) NoSuchCheckpoint(since);
  if (base->state == store::CheckpointState::Pending) {
    return PlanWide{Reason::PendingCheckpoint,
                    "checkpoint " + Quote(since) + " belongs to a backup job that has not ended"};
  }
  *path = PathFrom(in, base);
  if (path->empty()) {
    return PlanWide{Reason::NotAncestor,
                    "checkpoint " + Quote(since) + " is not on the path from a root to the " +
                        (in.current ? "current checkpoint " + Quote(*in.current)
                                    : std::string("current checkpoint (there is none)"))};
  }
  return std::nullopt;
}

// One disk along the path: its reasons, and the bitmaps an incremental backup would read,
// oldest first (X's alone in the cumulative model).
void WalkPath(const conf::DomainDisk& disk, const DiskPlan& now, const Path& path,
              std::optional<uint64_t> size_now, bool delta, Verdict* verdict,
              std::vector<UsedBitmap>* used) {
  const std::string& target = disk.target_dev;
  const std::string& since = path.front()->name;
  bool at_base = false;
  if (delta) used->reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& name = path[i]->name;
    const CheckpointSummary::Disk* found = FindDisk(*path[i], target, disk.position);
    if (!found) {
      if (i == 0) {
        verdict->Add(Reason::DiskAddedAfter, "disk " + target + " did not exist at checkpoint " +
                                                 Quote(name) + ": it was added later");
      } else if (at_base) {
        verdict->Add(Reason::DiskRemovedBetween, "disk " + target + " was absent at checkpoint " +
                                                     Quote(name) + ", after " + Quote(since));
      }
      continue;
    }
    if (i == 0) at_base = true;
    const CheckpointSummary::Disk& then = *found;
    if (then.type != conf::CheckpointType::Bitmap) {
      verdict->Add(Reason::CheckpointNo,
                   "checkpoint " + Quote(name) + " records checkpoint='no' for disk " + target);
    }
    bool other_source = !then.source.empty() && then.source != now.source;
    bool other_format = !then.format.empty() && then.format != now.format;
    if (other_source || other_format) {
      verdict->Add(Reason::IdentityChanged, "disk " + target + " was " +
                                                Describe(then.source, then.format) +
                                                " at checkpoint " + Quote(name) + " and is now " +
                                                Describe(now.source, now.format));
    }
    if (then.virtual_size && size_now && *then.virtual_size != *size_now) {
      verdict->Add(Reason::Resized, "disk " + target + " was " +
                                        std::to_string(*then.virtual_size) +
                                        " bytes at checkpoint " + Quote(name) + " and is now " +
                                        std::to_string(*size_now) + " bytes");
    }
    if ((delta || i == 0) && !then.bitmap.empty()) used->push_back({path[i], found});
  }
}

// A bitmap that another checkpoint also names may hold more, or less, than "changed since X".
void CheckShared(const conf::DomainDisk& disk, const std::vector<UsedBitmap>& used,
                 const store::BitmapNamers& namers, Verdict* verdict) {
  if (namers.empty()) return;
  for (const UsedBitmap& u : used) {
    const CheckpointSummary* other = nullptr;
    namers.Any(*u.disk, [&](const CheckpointSummary* c) {
      if (c != u.checkpoint) other = c;
      return other != nullptr;
    });
    if (other) {
      verdict->Add(Reason::BitmapShared, "bitmap " + Quote(u.disk->bitmap) + " of disk " +
                                             disk.target_dev + " is named by checkpoint " +
                                             Quote(u.checkpoint->name) +
                                             " and also by checkpoint " + Quote(other->name));
      return;
    }
  }
}

void CheckImageFormat(const conf::DomainDisk& disk, const std::optional<qcow2::ImageFacts>& image,
                      Verdict* verdict) {
  if (image && qcow2::CanCheckFormat(disk) && !qcow2::IsDeclaredFormat(*image, disk)) {
    verdict->Add(Reason::ImageFormatMismatch, WhyFormatMismatch(disk));
  }
}

void Decide(const conf::DomainDisk& disk, const Verdict& verdict,
            const std::vector<UsedBitmap>& used, DiskPlan* d) {
  if (NothingToBackUp(disk)) {
    d->mode = DiskMode::None;
  } else if (verdict.empty()) {
    d->mode = DiskMode::Incremental;
    d->bitmaps.reserve(used.size());
    for (const UsedBitmap& u : used) d->bitmaps.push_back(u.disk->bitmap);
  } else {
    d->mode = DiskMode::Full;
  }
  verdict.Into(d);
}

// The decision stands on the metadata alone (the plan may be made where the images are not).
void NoteUnreadableImage(const conf::DomainDisk& disk, DiskPlan* d) {
  d->notes.push_back(Note::ImageUnavailable);
  d->note_messages.push_back("the image of disk " + disk.target_dev +
                             " could not be read on this host, so its size and bitmaps were "
                             "not checked");
}

constexpr util::EnumNames<DiskMode, 3> kDiskModeNames{{{
    {DiskMode::Incremental, "incremental"},
    {DiskMode::Full, "full"},
    {DiskMode::None, "none"},
}}};
static_assert(kDiskModeNames.Covers(kLastDiskMode));

}  // namespace

bool IsBitmapCapable(const conf::DomainDisk& disk) {
  return !disk.IsEmpty() && !disk.readonly && disk.device == "disk" && disk.driver_type == "qcow2";
}

const char* DiskModeToString(DiskMode mode) { return kDiskModeNames.Name(mode); }

BackupPlan PlanBackup(const WalkInput& in) {
  BackupPlan plan;
  plan.domain = in.domain.name();
  plan.since = in.since;
  plan.current = in.current;
  plan.model = in.settings.model;
  Path path;
  std::optional<PlanWide> plan_wide = PlanWideReason(in, &path);
  std::optional<store::BitmapNamers> namers;
  if (!plan_wide) {
    for (const CheckpointSummary* c : path) plan.path.push_back(c->name);
    namers.emplace(in.tree);
  }
  bool delta = in.settings.model == store::BitmapModel::Delta;
  std::vector<UsedBitmap> used;  // one disk's at a time
  for (const auto& disk : in.domain.disks()) {
    DiskPlan d = PlanFor(disk);
    std::optional<qcow2::ImageFacts> image;
    if (in.read_image && !disk.IsEmpty()) image = in.read_image(disk);
    std::optional<uint64_t> size_now;
    if (image && qcow2::IsDeclaredFormat(*image, disk)) size_now = image->virtual_size;
    Verdict verdict;
    used.clear();
    if (plan_wide) {
      verdict.Add(plan_wide->reason, plan_wide->message);
    } else {
      WalkPath(disk, d, path, size_now, delta, &verdict, &used);
      CheckShared(disk, used, *namers, &verdict);
    }
    CheckImageFormat(disk, image, &verdict);
    if (!IsBitmapCapable(disk)) verdict.Add(Reason::NotBitmapCapable, WhyNotCapable(disk));
    Decide(disk, verdict, used, &d);
    if (in.read_image && !image && d.mode != DiskMode::None && IsBitmapCapable(disk)) {
      NoteUnreadableImage(disk, &d);
    }
    plan.disks.push_back(std::move(d));
  }
  return plan;
}

}  // namespace virtckpt::backup
