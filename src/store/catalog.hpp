// Checkpoint operations with libvirt's semantics (where the new checkpoint hangs, how current
// moves, how a delete re-parents), independent of the backend. Each operation commits one
// Change through the session.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "conf/checkpoint_def.hpp"
#include "store/backend.hpp"
#include "store/checkpoint_tree.hpp"
#include "store/settings.hpp"
#include "xml/node.hpp"

namespace virtckpt::store {

enum class DeleteMode { Single, WithChildren, ChildrenOnly };

// A backup job in progress: its new checkpoint is pending until the job ends.
// "checkpoint 'NAME'", or "no new checkpoint" for a job that creates none.
std::string JobDescription(const BackupJob& job);

// Refuses with Error(InvalidArgument) an owner that is not printable UTF-8 text.
void CheckOwner(const std::string& owner);

class Catalog {
 public:
  explicit Catalog(DomainSession& session);

  const conf::DomainDef& domain() const { return session_.domain(); }
  // Built when first asked for after each change.
  const CheckpointTree& tree() const;
  const std::optional<std::string>& current() const { return session_.current(); }
  const DomainSettings& settings() const { return session_.settings(); }
  const std::vector<BitmapOp>& bitmap_ops() const { return session_.bitmap_ops(); }
  std::vector<std::string> unloadable() const { return session_.unloadable(); }
  // Without building the tree.
  size_t checkpoint_count() const { return session_.checkpoints().size(); }

  // Throws Error(NotFound) with virsh's message when the checkpoint does not exist.
  const CheckpointSummary& Get(const std::string& name) const;
  CheckpointRecord Read(const std::string& name);

  // Creates a checkpoint of the current definition under the current checkpoint and makes it
  // current. Returns its name.
  std::string Create(conf::CheckpointDef def, const std::string& owner, int64_t now);
  // Defines (or replaces, keeping its children) a checkpoint from a redefine document; with
  // validate_disks, first libvirt's redefine validation against the current definition
  // (conf::ValidateRedefinedDisks).
  std::string Redefine(conf::CheckpointDef def, const std::optional<std::string>& owner,
                       bool validate_disks = false);
  // Without metadata_only, records the bitmap operations the delete implies (bitmap model
  // rules) for whoever manages the bitmaps.
  void Delete(const std::string& name, DeleteMode mode, bool metadata_only);

  // The settings become `wanted`; a change of the bitmap model is refused while the domain has
  // checkpoints (CheckBitmapModelChange).
  void ChangeSettings(const DomainSettings& wanted);

  // Hot-plug into the definition: a device document (conf/device_hotplug.hpp), or the disk of
  // a target (conf::DomainDef::DetachDisk).
  void AttachDevice(const xml::Node& device);
  void DetachDevice(const xml::Node& device);
  void DetachDisk(const std::string& target);

  std::optional<BackupJob> PendingJob() const;
  // Error(OperationInvalid) "Requested operation is not valid: cannot WHAT while the backup job
  // ... is pending; end it with backup-end" when a job is pending.
  void RefuseWhilePending(const std::string& what) const;
  // Records the job, and creates its checkpoint (when def is given) in the pending state;
  // refuses a second job. Returns the job.
  BackupJob BeginBackup(std::optional<conf::CheckpointDef> def, BackupJob job,
                        const std::string& owner);
  // Ends the job at `now`; its pending checkpoint becomes a normal one. Returns the job.
  BackupJob CommitBackup(int64_t now);
  // Ends the job at `now`; its pending checkpoint is removed, and its bitmaps are given back
  // to its parent's. Returns the job.
  BackupJob AbortBackup(int64_t now);
  // libvirt's job abort: refused (Error(OperationInvalid)) without a pending job, and with the
  // post-copy flag, which only a migration takes; else AbortBackup.
  BackupJob AbortJob(int64_t now, bool postcopy);
  // The job that ended last (kept by both of the above), until ForgetCompletedJob or the
  // next BeginBackup.
  const std::optional<CompletedJob>& completed_job() const { return session_.completed_job(); }
  void ForgetCompletedJob();
  // Acknowledges that the recorded bitmap operations were carried out.
  void ClearBitmapOps();

  // The disk identities of a redefined checkpoint: from its <domain>, else what was recorded;
  // recorded sizes are kept for disks whose source and format did not change.
  std::vector<DiskIdentity> RedefinedIdentities(const conf::CheckpointDef& def,
                                                const CheckpointSummary* existing) const;

 private:
  void Apply(const Change& change);
  void ChangeDefinition(conf::DomainDef def);
  // A new checkpoint of the current definition under the current checkpoint (libvirt's rules).
  CheckpointRecord NewRecord(conf::CheckpointDef def, const std::string& owner, int64_t now) const;
  // Stores it and makes it current; returns its name.
  std::string AddNew(CheckpointRecord record);
  // Refuses to change a checkpoint that a pending backup job depends on.
  void CheckNotFrozen(const std::optional<BackupJob>& job, const std::string& name) const;
  BackupJob EndingJob() const;
  // Records `job` as the job that ended last.
  static void RecordEnd(Change& change, const BackupJob& job, int64_t now,
                        CompletedJob::Outcome outcome);
  // The bitmap operations that fold `doomed` (a checkpoint and possibly its descendants) into
  // `heir`'s bitmaps: merges in the delta model, then removal of the doomed bitmaps.
  std::vector<BitmapOp> FoldBitmaps(const std::vector<const CheckpointSummary*>& doomed,
                                    const std::string& heir, bool heir_becomes_active,
                                    const std::string& reason) const;

  DomainSession& session_;
  mutable std::unique_ptr<CheckpointTree> tree_;
};

}  // namespace virtckpt::store
