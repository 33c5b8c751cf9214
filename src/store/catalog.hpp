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

namespace virtckpt::store {

enum class DeleteMode { Single, WithChildren, ChildrenOnly };

class Catalog {
 public:
  explicit Catalog(DomainSession& session);

  DomainSession& session() { return session_; }
  const conf::DomainDef& domain() const { return session_.domain(); }
  const CheckpointTree& tree() const { return *tree_; }
  const std::optional<std::string>& current() const { return session_.current(); }

  // Throws Error(NotFound) with virsh's message when the checkpoint does not exist.
  const CheckpointSummary& Get(const std::string& name) const;
  CheckpointRecord Read(const std::string& name);

  // Creates a checkpoint of the current definition under the current checkpoint and makes it
  // current. Returns its name.
  std::string Create(conf::CheckpointDef def, const std::string& owner, int64_t now);
  // Defines (or replaces, keeping its children) a checkpoint from a redefine document.
  std::string Redefine(conf::CheckpointDef def, const std::optional<std::string>& owner);
  void Delete(const std::string& name, DeleteMode mode);

 private:
  void Apply(const Change& change);

  DomainSession& session_;
  std::unique_ptr<CheckpointTree> tree_;
};

}  // namespace virtckpt::store
