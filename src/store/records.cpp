#include "store/records.hpp"

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

CheckpointSummary Summarize(const CheckpointRecord& record) {
  CheckpointSummary s;
  s.name = record.def.name;
  s.parent = record.def.parent;
  s.creation_time = record.def.creation_time;
  s.state = record.meta.state;
  s.owner = record.meta.owner;
  s.link_seq = record.meta.link_seq;
  s.has_domain = record.def.domain.has_value();
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
    s.mutable_disks().push_back(std::move(d));
  }
  return s;
}

const std::vector<CheckpointSummary::Disk>& CheckpointSummary::disks() const {
  if (decoder_) {
    disks_ = decoder_->Decode(encoded_);
    decoder_.reset();
  }
  return disks_;
}

std::vector<CheckpointSummary::Disk>& CheckpointSummary::mutable_disks() {
  disks();
  return disks_;
}

void CheckpointSummary::set_disks(std::vector<Disk> disks) {
  decoder_.reset();
  disks_ = std::move(disks);
}

void CheckpointSummary::set_encoded_disks(std::shared_ptr<const DiskDecoder> decoder,
                                          std::string_view encoded) {
  disks_.clear();
  decoder_ = std::move(decoder);
  encoded_ = encoded;
}

std::vector<DiskIdentity> IdentitiesOf(const conf::DomainDef& domain, bool probe_sizes) {
  std::vector<DiskIdentity> out;
  for (const auto& disk : domain.disks()) {
    DiskIdentity id;
    id.target = disk.target_dev;
    id.source = disk.source.Identity();
    id.format = disk.driver_type;
    if (probe_sizes && disk.type == "file" && !disk.source.file.empty()) {
      if (auto facts = qcow2::ProbeImage(disk.source.file)) id.virtual_size = facts->virtual_size;
    }
    out.push_back(std::move(id));
  }
  return out;
}

}  // namespace virtckpt::store
