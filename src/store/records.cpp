#include "store/records.hpp"

#include <algorithm>

#include "qcow2/image_probe.hpp"
#include "util/enum_names.hpp"

namespace virtckpt::store {

namespace {

constexpr util::EnumNames<CheckpointState, 2> kStateNames{{{
    {CheckpointState::Committed, "committed"},
    {CheckpointState::Pending, "pending"},
}}};
static_assert(kStateNames.Covers(kLastCheckpointState));

constexpr util::EnumNames<BitmapOp::Kind, 3> kBitmapOpKindNames{{{
    {BitmapOp::Kind::Merge, "merge"},
    {BitmapOp::Kind::Enable, "enable"},
    {BitmapOp::Kind::Remove, "remove"},
}}};
static_assert(kBitmapOpKindNames.Covers(BitmapOp::kLastKind));

constexpr util::EnumNames<CompletedJob::Outcome, 2> kOutcomeNames{{{
    {CompletedJob::Outcome::Committed, "committed"},
    {CompletedJob::Outcome::Aborted, "aborted"},
}}};
static_assert(kOutcomeNames.Covers(CompletedJob::kLastOutcome));

}  // namespace

const char* CheckpointStateToString(CheckpointState state) { return kStateNames.Name(state); }

std::optional<CheckpointState> CheckpointStateFromString(std::string_view text) {
  return kStateNames.Value(text);
}

const char* BitmapOpKindToString(BitmapOp::Kind kind) { return kBitmapOpKindNames.Name(kind); }

std::optional<BitmapOp::Kind> BitmapOpKindFromString(const std::string& text) {
  return kBitmapOpKindNames.Value(text);
}

const char* JobOutcomeToString(CompletedJob::Outcome outcome) {
  return kOutcomeNames.Name(outcome);
}

std::optional<CompletedJob::Outcome> JobOutcomeFromString(std::string_view text) {
  return kOutcomeNames.Value(text);
}

CheckpointSummary Summarize(const CheckpointRecord& record) {
  CheckpointSummary s;
  s.name = record.def.name;
  s.parent = record.def.parent;
  s.creation_time = record.def.creation_time;
  s.state = record.meta.state;
  s.owner = record.meta.owner;
  s.link_seq = record.meta.link_seq;
  s.has_domain = record.def.domain.has_value();
  std::vector<CheckpointSummary::Disk> disks;
  disks.reserve(record.def.disks.size());
  for (const auto& disk : record.def.disks) {
    CheckpointSummary::Disk d;
    d.target = disk.name;
    d.type = disk.type;
    d.bitmap = disk.bitmap;
    for (const auto& id : record.meta.disks) {
      if (id.target == disk.name) {
        d.source = id.source;
        d.format = id.format;
        d.virtual_size = id.virtual_size;
      }
    }
    disks.push_back(std::move(d));
  }
  s.set_disks(std::move(disks));
  return s;
}

const std::vector<CheckpointSummary::Disk>& CheckpointSummary::disks() const {
  if (decoder_) {
    disks_ = decoder_->Decode(encoded_);
    decoder_.reset();
  }
  return disks_;
}

void CheckpointSummary::set_disks(std::vector<Disk> disks) {
  decoder_.reset();
  disks_ = std::move(disks);
  names_other_bitmaps = std::any_of(disks_.begin(), disks_.end(), [this](const Disk& d) {
    return d.type == conf::CheckpointType::Bitmap && !d.bitmap.empty() && d.bitmap != name;
  });
}

void CheckpointSummary::set_encoded_disks(std::shared_ptr<const DiskDecoder> decoder,
                                          std::string_view encoded) {
  disks_.clear();
  decoder_ = std::move(decoder);
  encoded_ = encoded;
}

namespace {

// A raw file's size is not the virtual size of the qcow2 disk its driver type says it is.
std::optional<uint64_t> VirtualSizeNow(const conf::DomainDisk& disk) {
  std::optional<qcow2::ImageFacts> facts = qcow2::ProbeDiskImage(disk);
  if (!facts || !qcow2::IsDeclaredFormat(*facts, disk)) return std::nullopt;
  return facts->virtual_size;
}

}  // namespace

std::vector<DiskIdentity> IdentitiesOf(const conf::DomainDef& domain, bool probe_sizes) {
  std::vector<DiskIdentity> out;
  for (const auto& disk : domain.disks()) {
    DiskIdentity id;
    id.target = disk.target_dev;
    id.source = disk.source.Identity();
    id.format = disk.driver_type;
    if (probe_sizes) id.virtual_size = VirtualSizeNow(disk);
    out.push_back(std::move(id));
  }
  return out;
}

}  // namespace virtckpt::store
