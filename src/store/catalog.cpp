#include "store/catalog.hpp"

#include <algorithm>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_set>

#include "conf/device_hotplug.hpp"
#include "store/bitmap_namers.hpp"
#include "store/settings_rules.hpp"
#include "util/error.hpp"
#include "util/utf8.hpp"

namespace virtckpt::store {

using util::Error;
using util::ErrorCode;

namespace {

[[noreturn]] void InvalidArgument(const std::string& what) {
  throw Error(ErrorCode::InvalidArg, what);
}

// Whether a checkpoint outside `doomed` still names `disk`'s bitmap for the same target and image.
bool StillNamed(const BitmapNamers& namers,
                const std::unordered_set<const CheckpointSummary*>& doomed,
                const CheckpointSummary::Disk& disk) {
  return namers.Any(disk, [&](const CheckpointSummary* c) { return doomed.count(c) == 0; });
}

// Two checkpoints that name the same bitmap imply the same operation twice: it is done once.
class UniqueOps {
 public:
  bool Insert(const BitmapOp& op) {
    return seen_.emplace(op.kind, op.disk, op.image, op.bitmap, op.into).second;
  }

 private:
  std::set<std::tuple<BitmapOp::Kind, std::string, std::string, std::string, std::string>> seen_;
};

}  // namespace

Catalog::Catalog(DomainSession& session) : session_(session) {}

const CheckpointTree& Catalog::tree() const {
  if (!tree_) {
    tree_ = std::make_unique<CheckpointTree>(session_.checkpoints(), session_.names());
  }
  return *tree_;
}

const CheckpointSummary& Catalog::Get(const std::string& name) const {
  const CheckpointSummary* c = tree().Find(name);
  if (!c) {
    throw Error(ErrorCode::NoDomainCheckpoint,
                "no domain checkpoint with matching name '" + name + "'");
  }
  return *c;
}

CheckpointRecord Catalog::Read(const std::string& name) {
  Get(name);
  return session_.ReadCheckpoint(name);
}

void Catalog::Apply(const Change& change) {
  tree_.reset();
  session_.Commit(change);
}

// An owner is kept in the checkpoint file's XML and in the index, and printed in tables: it
// must survive all three unchanged.
void CheckOwner(const std::string& owner) {
  if (!util::IsPrintableUtf8(owner)) {
    InvalidArgument("an owner must be UTF-8 text without control characters");
  }
}

std::string JobDescription(const BackupJob& job) {
  return job.checkpoint.empty() ? "no new checkpoint" : "checkpoint '" + job.checkpoint + "'";
}

namespace {

std::string JobOf(const BackupJob& job) {
  return job.checkpoint.empty() ? "that creates no checkpoint"
                                : "of checkpoint '" + job.checkpoint + "'";
}

}  // namespace

std::optional<BackupJob> Catalog::PendingJob() const {
  if (session_.job()) return session_.job();
  // A job begun by a virtckpt that kept it in its pending checkpoint only.
  for (const CheckpointSummary& c : session_.checkpoints()) {
    if (c.state != CheckpointState::Pending) continue;
    CheckpointRecord record = session_.ReadCheckpoint(c.name);
    BackupJob job;
    job.checkpoint = c.name;
    job.since = record.meta.job_since;
    job.started = record.meta.job_started;
    return job;
  }
  return std::nullopt;
}

void Catalog::RefuseWhilePending(const std::string& what) const {
  if (auto job = PendingJob()) {
    throw Error(ErrorCode::OperationInvalid, "cannot " + what + " while the backup job " +
                                                 JobOf(*job) +
                                                 " is pending; end it with backup-end");
  }
}

void Catalog::CheckNotFrozen(const std::optional<BackupJob>& job, const std::string& name) const {
  if (!job) return;
  bool frozen = !job->checkpoint.empty() && name == job->checkpoint;
  // The chain from the job's base up to the checkpoint it starts from is in use.
  std::string top =
      job->checkpoint.empty() ? current().value_or("") : tree().ParentOf(job->checkpoint);
  if (!job->since.empty() && !top.empty() &&
      (top == job->since || tree().IsAncestor(job->since, top))) {
    for (const CheckpointSummary* c : tree().PathToRoot(top)) {
      frozen |= c->name == name;
      if (c->name == job->since) break;
    }
  }
  if (frozen) {
    throw Error(ErrorCode::OperationInvalidBusy,
                "checkpoint '" + name + "' is in use by the pending backup job " + JobOf(*job) +
                    (job->since.empty() ? "" : " since '" + job->since + "'") +
                    "; end it with backup-end");
  }
}

std::vector<BitmapOp> Catalog::FoldBitmaps(const std::vector<const CheckpointSummary*>& doomed,
                                           const std::string& heir, bool heir_becomes_active,
                                           const std::string& reason) const {
  std::vector<BitmapOp> ops;
  const CheckpointSummary* kept = heir.empty() ? nullptr : tree().Find(heir);
  bool delta = session_.settings().model == BitmapModel::Delta;
  auto heir_disk = [&](const std::string& target) -> const CheckpointSummary::Disk* {
    if (!kept) return nullptr;
    for (const auto& d : kept->disks()) {
      if (d.target == target && d.type == conf::CheckpointType::Bitmap) return &d;
    }
    return nullptr;
  };
  BitmapNamers namers(tree());
  std::unordered_set<const CheckpointSummary*> doomed_set(doomed.begin(), doomed.end());
  UniqueOps unique;
  auto add = [&](BitmapOp op) {
    if (unique.Insert(op)) ops.push_back(std::move(op));
  };
  std::vector<std::string> enabled;
  for (const CheckpointSummary* c : doomed) {
    for (const auto& d : c->disks()) {
      if (!NamesBitmap(d)) continue;
      // A raw (or other non-qcow2) image holds no bitmap to merge or remove.
      if (!d.format.empty() && d.format != "qcow2") continue;
      const CheckpointSummary::Disk* into = heir_disk(d.target);
      if (delta && into && into->bitmap != d.bitmap) {
        add({BitmapOp::Kind::Merge, d.target, d.source, d.bitmap, into->bitmap, reason});
        if (heir_becomes_active &&
            std::find(enabled.begin(), enabled.end(), d.target) == enabled.end()) {
          enabled.push_back(d.target);
        }
      }
      if (!StillNamed(namers, doomed_set, d)) {
        add({BitmapOp::Kind::Remove, d.target, d.source, d.bitmap, "", reason});
      }
    }
  }
  for (const std::string& target : enabled) {
    const CheckpointSummary::Disk* into = heir_disk(target);
    ops.push_back({BitmapOp::Kind::Enable, target, into->source, into->bitmap, "", reason});
  }
  return ops;
}

std::string Catalog::Create(conf::CheckpointDef def, const std::string& owner, int64_t now) {
  RefuseWhilePending("create a checkpoint");
  return AddNew(NewRecord(std::move(def), owner, now));
}

CheckpointRecord Catalog::NewRecord(conf::CheckpointDef def, const std::string& owner,
                                    int64_t now) const {
  conf::PrepareCreate(&def, domain(), now);
  if (tree().Find(def.name)) {
    throw Error(ErrorCode::OperationFailed, "domain moment " + def.name + " already exists");
  }
  if (current()) def.parent = *current();
  CheckOwner(owner);
  CheckpointRecord record;
  record.meta.owner = owner;
  record.meta.link_seq = tree().MaxLinkSeq() + 1;
  record.meta.disks = IdentitiesOf(domain(), true);
  record.def = std::move(def);
  return record;
}

std::string Catalog::AddNew(CheckpointRecord record) {
  Change change;
  change.set_current = true;
  change.current = record.def.name;
  change.upserts.push_back(std::move(record));
  Apply(change);
  return *change.current;
}

std::string Catalog::Redefine(conf::CheckpointDef def, const std::optional<std::string>& owner,
                              bool validate_disks) {
  if (validate_disks) conf::ValidateRedefinedDisks(def, domain());
  if (tree().Find(def.name)) {
    CheckNotFrozen(PendingJob(), def.name);
  } else {
    RefuseWhilePending("define a new checkpoint");
  }
  if (!def.parent.empty()) {
    if (def.parent == def.name) {
      InvalidArgument("cannot set moment " + def.name + " as its own parent");
    }
    if (!tree().Find(def.parent)) {
      InvalidArgument("parent " + def.parent + " for moment " + def.name + " not found");
    }
    for (const CheckpointSummary* c : tree().PathToRoot(def.parent)) {
      if (c->parent == def.name) {
        InvalidArgument("parent " + c->name + " would create cycle to " + def.name);
      }
    }
  }
  conf::PrepareRedefine(&def, domain());
  CheckpointRecord record;
  const CheckpointSummary* existing = tree().Find(def.name);
  if (existing) record.meta.owner = existing->owner;
  if (owner) {
    CheckOwner(*owner);
    record.meta.owner = *owner;
  }
  record.meta.link_seq = tree().MaxLinkSeq() + 1;
  record.meta.disks = RedefinedIdentities(def, existing);
  record.def = std::move(def);
  Change change;
  if (!current() || record.def.parent == *current()) {
    change.set_current = true;
    change.current = record.def.name;
  }
  std::string name = record.def.name;
  change.upserts.push_back(std::move(record));
  Apply(change);
  return name;
}

std::vector<DiskIdentity> Catalog::RedefinedIdentities(const conf::CheckpointDef& def,
                                                       const CheckpointSummary* existing) const {
  std::vector<DiskIdentity> ids;
  if (def.domain) {
    // The images now say nothing about their size back then: sizes come only from what was
    // recorded when the checkpoint was taken.
    ids = IdentitiesOf(*def.domain, false);
  } else if (existing) {
    for (const auto& d : existing->disks()) ids.push_back({d.target, d.source, d.format, {}});
  }
  if (!existing) return ids;
  for (auto& id : ids) {
    for (const auto& d : existing->disks()) {
      if (d.target == id.target && d.source == id.source && d.format == id.format) {
        id.virtual_size = d.virtual_size;
      }
    }
  }
  return ids;
}

void Catalog::Delete(const std::string& name, DeleteMode mode, bool metadata_only) {
  const CheckpointSummary& target = Get(name);
  std::string parent = tree().ParentOf(name);
  std::string reason = "delete " + name;
  Change change;
  std::vector<const CheckpointSummary*> doomed;
  if (mode != DeleteMode::ChildrenOnly) doomed.push_back(&target);
  if (mode != DeleteMode::Single) {
    std::vector<const CheckpointSummary*> below = tree().Descendants(name);
    doomed.insert(doomed.end(), below.begin(), below.end());
  }
  std::optional<BackupJob> job = PendingJob();
  for (const CheckpointSummary* c : doomed) CheckNotFrozen(job, c->name);
  if (!metadata_only) {
    bool leaf = tree().Children(name).empty();
    std::string heir = mode == DeleteMode::ChildrenOnly ? name : parent;
    bool heir_active = mode != DeleteMode::Single || leaf;
    change.bitmap_ops = FoldBitmaps(doomed, heir, heir_active, reason);
  }
  if (mode == DeleteMode::Single) {
    const auto& kids = tree().Children(name);
    uint64_t seq = tree().MaxLinkSeq() + kids.size();
    for (const CheckpointSummary* kid : kids) {
      CheckpointRecord record = session_.ReadCheckpoint(kid->name);
      record.def.parent = parent;
      record.meta.link_seq = seq--;
      change.upserts.push_back(std::move(record));
    }
    if (current() && *current() == name) {
      change.set_current = true;
      if (!parent.empty()) change.current = parent;
    }
    change.removals.push_back(target.name);
  } else {
    std::vector<const CheckpointSummary*> doomed = tree().Descendants(name);
    bool current_doomed = false;
    for (const CheckpointSummary* c : doomed) current_doomed |= current() && *current() == c->name;
    if (mode == DeleteMode::WithChildren) {
      current_doomed |= current() && *current() == name;
      if (current_doomed) {
        change.set_current = true;
        if (!parent.empty()) change.current = parent;
      }
    } else if (current_doomed) {
      change.set_current = true;
      change.current = name;
    }
    // Leaves first, so that an interrupted delete never leaves an orphan behind.
    for (auto it = doomed.rbegin(); it != doomed.rend(); ++it)
      change.removals.push_back((*it)->name);
    if (mode == DeleteMode::WithChildren) change.removals.push_back(name);
  }
  Apply(change);
}

void Catalog::ChangeSettings(const DomainSettings& wanted) {
  CheckBitmapModelChange(domain().name(), settings().model, wanted.model, checkpoint_count());
  Change change;
  change.settings = wanted;
  Apply(change);
}

void Catalog::ChangeDefinition(conf::DomainDef def) {
  Change change;
  change.domain = std::move(def);
  Apply(change);
}

void Catalog::AttachDevice(const xml::Node& device) {
  conf::DomainDef def = domain();
  conf::AttachDevice(&def, device);
  ChangeDefinition(std::move(def));
}

void Catalog::DetachDevice(const xml::Node& device) {
  conf::DomainDef def = domain();
  conf::DetachDevice(&def, device);
  ChangeDefinition(std::move(def));
}

void Catalog::DetachDisk(const std::string& target) {
  conf::DomainDef def = domain();
  def.DetachDisk(target);
  ChangeDefinition(std::move(def));
}

BackupJob Catalog::BeginBackup(std::optional<conf::CheckpointDef> def, BackupJob job,
                               const std::string& owner) {
  if (auto running = PendingJob()) {
    throw Error(ErrorCode::OperationInvalidBusy, "another backup job (" + JobDescription(*running) +
                                                     ") is pending for domain '" + domain().name() +
                                                     "'");
  }
  Change change;
  if (def) {
    CheckpointRecord record = NewRecord(std::move(*def), owner, job.started);
    record.meta.state = CheckpointState::Pending;
    record.meta.job_since = job.since;
    record.meta.job_started = job.started;
    job.checkpoint = record.def.name;
    change.upserts.push_back(std::move(record));
    change.set_current = true;
    change.current = job.checkpoint;
  }
  change.set_job = true;
  change.job = job;
  // As libvirt's, the statistics of the job that ended last go when a new job begins.
  change.set_completed_job = completed_job().has_value();
  Apply(change);
  return job;
}

BackupJob Catalog::EndingJob() const {
  std::optional<BackupJob> job = PendingJob();
  if (!job) {
    throw Error(ErrorCode::OperationInvalid,
                "no backup job is pending for domain '" + domain().name() + "'");
  }
  return *job;
}

void Catalog::RecordEnd(Change& change, const BackupJob& job, int64_t now,
                        CompletedJob::Outcome outcome) {
  change.set_completed_job = true;
  change.completed_job = CompletedJob{job.checkpoint, job.since, job.started, now, outcome};
}

BackupJob Catalog::CommitBackup(int64_t now) {
  BackupJob job = EndingJob();
  Change change;
  if (!job.checkpoint.empty()) {
    CheckpointRecord record = session_.ReadCheckpoint(job.checkpoint);
    record.meta.state = CheckpointState::Committed;
    record.meta.job_since.clear();
    record.meta.job_started = 0;
    change.upserts.push_back(std::move(record));
  }
  change.set_job = true;
  RecordEnd(change, job, now, CompletedJob::Outcome::Committed);
  Apply(change);
  return job;
}

BackupJob Catalog::AbortBackup(int64_t now) {
  BackupJob job = EndingJob();
  Change change;
  if (!job.checkpoint.empty()) {
    const CheckpointSummary& pending = Get(job.checkpoint);
    std::string parent = tree().ParentOf(pending.name);
    change.bitmap_ops = FoldBitmaps({&pending}, parent, true, "abort backup " + pending.name);
    if (current() && *current() == pending.name) {
      change.set_current = true;
      if (!parent.empty()) change.current = parent;
    }
    change.removals.push_back(pending.name);
  }
  change.set_job = true;
  RecordEnd(change, job, now, CompletedJob::Outcome::Aborted);
  Apply(change);
  return job;
}

BackupJob Catalog::AbortJob(int64_t now, bool postcopy) {
  if (!PendingJob()) {
    throw Error(ErrorCode::OperationInvalid, "no job is active on the domain");
  }
  if (postcopy) {
    throw Error(ErrorCode::OperationInvalid,
                "current job is not outgoing migration in "
                "post-copy mode");
  }
  return AbortBackup(now);
}

void Catalog::ForgetCompletedJob() {
  // Unconditional: a record that did not load goes as well.
  Change change;
  change.set_completed_job = true;
  Apply(change);
}

void Catalog::ClearBitmapOps() {
  Change change;
  change.clear_bitmap_ops = true;
  Apply(change);
}

}  // namespace virtckpt::store
