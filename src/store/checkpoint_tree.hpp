// The checkpoint tree of one domain, built from the index summaries. Children (and roots) are
// ordered as libvirt links them: the most recently linked first.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "store/records.hpp"

namespace virtckpt::store {

class CheckpointTree {
 public:
  explicit CheckpointTree(const std::vector<CheckpointSummary>& checkpoints);

  const CheckpointSummary* Find(const std::string& name) const;
  // The children of `name`; "" gives the roots (a checkpoint whose parent is missing is a root).
  const std::vector<const CheckpointSummary*>& Children(const std::string& name) const;
  const std::vector<const CheckpointSummary*>& Roots() const { return Children(""); }
  // Depth-first, parent before children, excluding `name` itself.
  std::vector<const CheckpointSummary*> Descendants(const std::string& name) const;
  size_t CountDescendants(const std::string& name) const;
  // Every checkpoint in depth-first pre-order from the roots.
  std::vector<const CheckpointSummary*> Topological() const { return Descendants(""); }
  // The parent as the tree sees it: "" for roots and orphans.
  std::string ParentOf(const std::string& name) const;
  // The checkpoints from `name` up to its root, `name` first.
  std::vector<const CheckpointSummary*> PathToRoot(const std::string& name) const;
  bool IsAncestor(const std::string& ancestor, const std::string& name) const;
  uint64_t MaxLinkSeq() const { return max_link_seq_; }
  size_t size() const { return by_name_.size(); }

 private:
  std::unordered_map<std::string, const CheckpointSummary*> by_name_;
  std::unordered_map<std::string, std::vector<const CheckpointSummary*>> children_;
  uint64_t max_link_seq_ = 0;
};

}  // namespace virtckpt::store
