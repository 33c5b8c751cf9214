#include "store/records.hpp"

namespace virtckpt::store {

const char* CheckpointStateToString(CheckpointState state) {
  return state == CheckpointState::Pending ? "pending" : "committed";
}

std::optional<CheckpointState> CheckpointStateFromString(const std::string& text) {
  if (text == "committed") return CheckpointState::Committed;
  if (text == "pending") return CheckpointState::Pending;
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
    s.disks.push_back(std::move(d));
  }
  return s;
}

std::vector<DiskIdentity> IdentitiesOf(const conf::DomainDef& domain) {
  std::vector<DiskIdentity> out;
  for (const auto& disk : domain.disks()) {
    DiskIdentity id;
    id.target = disk.target_dev;
    id.source = disk.source.Identity();
    id.format = disk.driver_type;
    out.push_back(std::move(id));
  }
  return out;
}

}  // namespace virtckpt::store
