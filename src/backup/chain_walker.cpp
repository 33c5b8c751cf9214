#include "backup/chain_walker.hpp"

#include <algorithm>

namespace virtckpt::backup {

namespace {

using store::CheckpointSummary;

// Collects reasons with the sentence of each, and sorts them into canonical order.
class Verdict {
 public:
  void Add(Reason reason, const std::string& message) {
    if (messages_.count(reason)) return;
    messages_.emplace(reason, message);
  }
  bool empty() const { return messages_.empty(); }
  void Into(DiskPlan* disk) const {
    for (const auto& [reason, message] : messages_) disk->reasons.push_back(reason);
    disk->message = messages_.begin()->second;
  }

 private:
  std::map<Reason, std::string> messages_;
};

std::string Quote(const std::string& s) { return "'" + s + "'"; }

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

// Every disk gets the same verdict.
BackupPlan Uniform(BackupPlan plan, const conf::DomainDef& domain, Reason reason,
                   const std::string& message) {
  for (const auto& disk : domain.disks()) {
    DiskPlan d = PlanFor(disk);
    d.mode = NothingToBackUp(disk) ? DiskMode::None : DiskMode::Full;
    Verdict verdict;
    verdict.Add(reason, message);
    if (!IsBitmapCapable(disk)) verdict.Add(Reason::NotBitmapCapable, WhyNotCapable(disk));
    verdict.Into(&d);
    plan.disks.push_back(std::move(d));
  }
  return plan;
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

}  // namespace

bool IsBitmapCapable(const conf::DomainDisk& disk) {
  return !disk.IsEmpty() && !disk.readonly && disk.device == "disk" && disk.driver_type == "qcow2";
}

const char* DiskModeToString(DiskMode mode) {
  switch (mode) {
    case DiskMode::Incremental:
      return "incremental";
    case DiskMode::Full:
      return "full";
    case DiskMode::None:
      return "none";
  }
  return "full";
}

BackupPlan PlanBackup(const WalkInput& in) {
  BackupPlan plan;
  plan.domain = in.domain.name();
  plan.since = in.since;
  plan.current = in.current;
  plan.model = in.settings.model;
  if (!in.since) {
    return Uniform(std::move(plan), in.domain, Reason::NoCheckpoint,
                   "no checkpoint to start from: a full backup is needed");
  }
  const std::string& since = *in.since;
  const CheckpointSummary* base = in.tree.Find(since);
  if (!base) {
    return Uniform(std::move(plan), in.domain, Reason::UnknownCheckpoint,
                   "checkpoint " + Quote(since) + " does not exist");
  }
  if (base->state == store::CheckpointState::Pending) {
    return Uniform(std::move(plan), in.domain, Reason::PendingCheckpoint,
                   "checkpoint " + Quote(since) + " belongs to a backup job that has not ended");
  }
  std::vector<const CheckpointSummary*> path;
  if (in.current) {
    for (const CheckpointSummary* c : in.tree.PathToRoot(*in.current)) {
      path.push_back(c);
      if (c == base) break;
    }
  }
  if (path.empty() || path.back() != base) {
    return Uniform(std::move(plan), in.domain, Reason::NotAncestor,
                   "checkpoint " + Quote(since) + " is not on the path from a root to the " +
                       (in.current ? "current checkpoint " + Quote(*in.current)
                                   : std::string("current checkpoint (there is none)")));
  }
  std::reverse(path.begin(), path.end());
  for (const CheckpointSummary* c : path) plan.path.push_back(c->name);

  bool delta = in.settings.model == store::BitmapModel::Delta;
  for (const auto& disk : in.domain.disks()) {
    DiskPlan d = PlanFor(disk);
    Verdict verdict;
    std::optional<uint64_t> size_now;
    if (in.current_size) size_now = in.current_size(disk);
    const std::string& target = disk.target_dev;
    bool at_base = false;
    if (delta) d.bitmaps.reserve(path.size());
    for (size_t i = 0; i < path.size(); ++i) {
      const std::string& name = path[i]->name;
      const CheckpointSummary::Disk* found = FindDisk(*path[i], target, disk.position);
      if (!found) {
        if (i == 0) {
          verdict.Add(Reason::DiskAddedAfter, "disk " + target + " did not exist at checkpoint " +
                                                  Quote(name) + ": it was added later");
        } else if (at_base) {
          verdict.Add(Reason::DiskRemovedBetween, "disk " + target + " was absent at checkpoint " +
                                                      Quote(name) + ", after " + Quote(since));
        }
        continue;
      }
      if (i == 0) at_base = true;
      const CheckpointSummary::Disk& then = *found;
      if (then.type != conf::CheckpointType::Bitmap) {
        verdict.Add(Reason::CheckpointNo,
                    "checkpoint " + Quote(name) + " records checkpoint='no' for disk " + target);
      }
      bool other_source = !then.source.empty() && then.source != d.source;
      bool other_format = !then.format.empty() && then.format != d.format;
      if (other_source || other_format) {
        verdict.Add(Reason::IdentityChanged, "disk " + target + " was " +
                                                 Describe(then.source, then.format) +
                                                 " at checkpoint " + Quote(name) + " and is now " +
                                                 Describe(d.source, d.format));
      }
      uint64_t size_then = then.virtual_size.value_or(0);
      uint64_t size_current = size_now.value_or(0);
      if (then.virtual_size && size_now && size_then != size_current) {
        verdict.Add(Reason::Resized, "disk " + target + " was " + std::to_string(size_then) +
                                         " bytes at checkpoint " + Quote(name) + " and is now " +
                                         std::to_string(size_current) + " bytes");
      }
      if ((delta || i == 0) && !then.bitmap.empty()) d.bitmaps.push_back(then.bitmap);
    }
    if (!IsBitmapCapable(disk)) verdict.Add(Reason::NotBitmapCapable, WhyNotCapable(disk));
    if (NothingToBackUp(disk)) {
      d.mode = DiskMode::None;
      d.bitmaps.clear();
      verdict.Into(&d);
    } else if (verdict.empty()) {
      d.mode = DiskMode::Incremental;
    } else {
      d.mode = DiskMode::Full;
      d.bitmaps.clear();
      verdict.Into(&d);
    }
    plan.disks.push_back(std::move(d));
  }
  return plan;
}

}  // namespace virtckpt::backup
