// What the store keeps about a checkpoint beyond libvirt's document, and the summary the index
// carries so that listings and plans never parse thousands of documents.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/checkpoint_def.hpp"
#include "util/large_alloc.hpp"

namespace virtckpt::store {

enum class CheckpointState { Committed, Pending };
constexpr CheckpointState kLastCheckpointState = CheckpointState::Pending;
const char* CheckpointStateToString(CheckpointState state);
std::optional<CheckpointState> CheckpointStateFromString(std::string_view text);

// A disk as it was when the checkpoint was taken: what the chain walker compares.
struct DiskIdentity {
  std::string target;
  std::string source;
  std::string format;
  std::optional<uint64_t> virtual_size;
  bool operator==(const DiskIdentity& o) const {
    return target == o.target && source == o.source && format == o.format &&
           virtual_size == o.virtual_size;
  }
};

// Our private element, the last child of every stored checkpoint file.
struct CheckpointMeta {
  CheckpointState state = CheckpointState::Committed;
  std::string owner;
  // Order in which checkpoints were linked under their parent: a higher value is newer, and
  // virsh lists newer siblings first.
  uint64_t link_seq = 0;
  bool reconstructed = false;
  std::vector<DiskIdentity> disks;
  // A pending checkpoint belongs to a backup job: its base ("" for a full backup) and start.
  std::string job_since;
  int64_t job_started = 0;
};

// A backup job that has begun and not ended: DOMAIN/job.xml.
struct BackupJob {
  std::string checkpoint;  // the pending checkpoint it creates; "" when it creates none
  std::string since;       // its base ("" for a full backup)
  int64_t started = 0;
  bool reuse_external = false;  // virsh's --reuse-external: the caller provided the targets
  std::string backup_xml;       // its <domainbackup> document ("" when begun by an old virtckpt)
};

// The backup job that ended last: DOMAIN/last-job.xml, kept until a newer job ends or
// `domjobinfo --completed` reads it (libvirt's completed-job statistics).
struct CompletedJob {
  enum class Outcome { Committed, Aborted };
  static constexpr Outcome kLastOutcome = Outcome::Aborted;
  std::string checkpoint;  // the checkpoint the job created or dropped; "" when none
  std::string since;       // its base ("" for a full backup)
  int64_t started = 0;
  int64_t ended = 0;
  Outcome outcome = Outcome::Committed;
  bool operator==(const CompletedJob& o) const {
    return checkpoint == o.checkpoint && since == o.since && started == o.started &&
           ended == o.ended && outcome == o.outcome;
  }
};
const char* JobOutcomeToString(CompletedJob::Outcome outcome);
std::optional<CompletedJob::Outcome> JobOutcomeFromString(std::string_view text);

// A change to the bitmaps of one disk image that a checkpoint operation implies (in the delta
// model, deleting N merges N's bitmap into its parent's). Recorded for whoever manages the
// bitmaps: the hypervisor's tooling (external mode) or virtckpt itself (managed mode).
struct BitmapOp {
  enum class Kind { Merge, Enable, Remove };
  static constexpr Kind kLastKind = Kind::Remove;
  Kind kind = Kind::Merge;
  std::string disk;    // target
  std::string image;   // source path
  std::string bitmap;  // merge: the source bitmap
  std::string into;    // merge: the bitmap that absorbs it
  std::string reason;  // the operation that implied it, e.g. "delete c3"
  bool operator==(const BitmapOp& o) const {
    return kind == o.kind && disk == o.disk && image == o.image && bitmap == o.bitmap &&
           into == o.into && reason == o.reason;
  }
};
const char* BitmapOpKindToString(BitmapOp::Kind kind);
std::optional<BitmapOp::Kind> BitmapOpKindFromString(const std::string& text);

struct CheckpointRecord {
  conf::CheckpointDef def;
  CheckpointMeta meta;
};

// One row of the index. The disks of a row read from the index are decoded the first time they
// are asked for: most commands never look at them.
class CheckpointSummary {
 public:
  struct Disk {
    std::string target;
    conf::CheckpointType type = conf::CheckpointType::Default;
    std::string bitmap;
    std::string source;
    std::string format;
    std::optional<uint64_t> virtual_size;
    bool operator==(const Disk& o) const {
      return target == o.target && type == o.type && bitmap == o.bitmap && source == o.source &&
             format == o.format && virtual_size == o.virtual_size;
    }
  };
  // Turns the encoded disks of one row back into disks; owns what the encoding refers to.
  class DiskDecoder {
   public:
    virtual ~DiskDecoder() = default;
    virtual std::vector<Disk> Decode(std::string_view encoded) const = 0;
  };

  std::string name;
  std::string parent;
  int64_t creation_time = 0;
  CheckpointState state = CheckpointState::Committed;
  std::string owner;
  uint64_t link_seq = 0;
  bool has_domain = false;
  // Some disk names a bitmap otherwise than after the checkpoint (bitmap_namers.hpp).
  bool names_other_bitmaps = false;

  const std::vector<Disk>& disks() const;
  // Also sets names_other_bitmaps from the disks and `name`.
  void set_disks(std::vector<Disk> disks);
  // The disks are `encoded` for `decoder`, which is kept alive as long as this row.
  void set_encoded_disks(std::shared_ptr<const DiskDecoder> decoder, std::string_view encoded);

  bool operator==(const CheckpointSummary& o) const {
    return name == o.name && parent == o.parent && creation_time == o.creation_time &&
           state == o.state && owner == o.owner && link_seq == o.link_seq &&
           has_domain == o.has_domain && names_other_bitmaps == o.names_other_bitmaps &&
           disks() == o.disks();
  }

 private:
  mutable std::vector<Disk> disks_;
  mutable std::shared_ptr<const DiskDecoder> decoder_;  // set while disks_ is not decoded yet
  std::string_view encoded_;
};

// The summaries of one domain: thousands of rows, loaded at once.
using CheckpointSummaries = std::vector<CheckpointSummary, util::LargeAllocator<CheckpointSummary>>;

CheckpointSummary Summarize(const CheckpointRecord& record);

// The identities of a domain's disks; with probe_sizes, the virtual size is read from each file
// or block image that can be opened and is in the format its driver type says (only right when
// the checkpoint is taken now).
std::vector<DiskIdentity> IdentitiesOf(const conf::DomainDef& domain, bool probe_sizes);

}  // namespace virtckpt::store
