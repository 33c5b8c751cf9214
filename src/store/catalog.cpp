#include "store/catalog.hpp"

#include <algorithm>

#include "util/error.hpp"

namespace virtckpt::store {

using util::Error;
using util::ErrorCode;

namespace {

[[noreturn]] void InvalidArgument(const std::string& what) {
  throw Error(ErrorCode::InvalidArgument, "invalid argument: " + what);
}

}  // namespace

Catalog::Catalog(DomainSession& session)
    : session_(session), tree_(std::make_unique<CheckpointTree>(session.checkpoints())) {}

const CheckpointSummary& Catalog::Get(const std::string& name) const {
  const CheckpointSummary* c = tree_->Find(name);
  if (!c) {
    throw Error(
        ErrorCode::NotFound,
        "Domain checkpoint not found: no domain checkpoint with matching name '" + name + "'");
  }
  return *c;
}

CheckpointRecord Catalog::Read(const std::string& name) {
  Get(name);
  return session_.ReadCheckpoint(name);
}

void Catalog::Apply(const Change& change) {
  session_.Commit(change);
  tree_ = std::make_unique<CheckpointTree>(session_.checkpoints());
}

std::string Catalog::Create(conf::CheckpointDef def, const std::string& owner, int64_t now) {
  conf::PrepareCreate(&def, domain(), now);
  if (tree_->Find(def.name)) {
    throw Error(ErrorCode::AlreadyExists,
                "operation failed: domain moment " + def.name + " already exists");
  }
  if (current()) def.parent = *current();
  CheckpointRecord record;
  record.meta.owner = owner;
  record.meta.link_seq = tree_->MaxLinkSeq() + 1;
  record.meta.disks = IdentitiesOf(domain());
  record.def = std::move(def);
  Change change;
  change.set_current = true;
  change.current = record.def.name;
  change.upserts.push_back(std::move(record));
  Apply(change);
  return *change.current;
}

std::string Catalog::Redefine(conf::CheckpointDef def, const std::optional<std::string>& owner) {
  if (!def.parent.empty()) {
    if (def.parent == def.name) {
      InvalidArgument("cannot set moment " + def.name + " as its own parent");
    }
    if (!tree_->Find(def.parent)) {
      InvalidArgument("parent " + def.parent + " for moment " + def.name + " not found");
    }
    if (def.parent == def.name || tree_->IsAncestor(def.name, def.parent)) {
      InvalidArgument("parent " + def.parent + " would create cycle to " + def.name);
    }
  }
  conf::PrepareRedefine(&def, domain());
  CheckpointRecord record;
  if (const CheckpointSummary* existing = tree_->Find(def.name)) {
    record.meta.owner = existing->owner;
  }
  if (owner) record.meta.owner = *owner;
  record.meta.link_seq = tree_->MaxLinkSeq() + 1;
  if (def.domain) record.meta.disks = IdentitiesOf(*def.domain);
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

void Catalog::Delete(const std::string& name, DeleteMode mode) {
  const CheckpointSummary& target = Get(name);
  std::string parent = tree_->ParentOf(name);
  Change change;
  if (mode == DeleteMode::Single) {
    const auto& kids = tree_->Children(name);
    uint64_t seq = tree_->MaxLinkSeq() + kids.size();
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
    std::vector<const CheckpointSummary*> doomed = tree_->Descendants(name);
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

}  // namespace virtckpt::store
