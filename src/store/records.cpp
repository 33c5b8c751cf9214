#include "store/records.hpp"

#include <algorithm>

#include "qcow2/image_probe.hpp"

namespace virtckpt::store {

const char* CheckpointStateToString(CheckpointState state) {
  return state == CheckpointState::Pending ? "pending" : "committed";
}

std::optional<CheckpointState> CheckpointStateFromString(std::string_view text) {
  if (text == "committed") return CheckpointState::Committed;
  if (text == "pending") return CheckpointState::Pending;
  return std::nullopt;
}

const char* BitmapOpKindToString(BitmapOp::Kind kind) {
  switch (kind) {
    case BitmapOp::Kind::Merge:
      return "merge";
    case BitmapOp::Kind::Enable:
      return "enable";
    case BitmapOp::Kind::Remove:
      return "remove";
  }
  return "merge";
}

std::optional<BitmapOp::Kind> BitmapOpKindFromString(const std::string& text) {
  for (auto kind : {BitmapOp::Kind::Merge, BitmapOp::Kind::Enable, BitmapOp::Kind::Remove}) {
    if (text == BitmapOpKindToString(kind)) return kind;
  }
  return std::nullopt;
}

const char* JobOutcomeToString(CompletedJob::Outcome outcome) {
  return outcome == CompletedJob::Outcome::Aborted ? "aborted" : "committed";
}

std::optional<CompletedJob::Outcome> JobOutcomeFromString(std::string_view text) {
  if (text == "committed") return CompletedJob::Outcome::Committed;
  if (text == "aborted") return CompletedJob::Outcome::Aborted;
  return std::nullopt;
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
