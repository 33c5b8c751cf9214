// The checkpoint tree of one domain, built from the index summaries. Children (and roots) are
// ordered as libvirt links them: the most recently linked first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"
#include "util/name_table.hpp"

namespace virtckpt::store {

class CheckpointTree {
 public:
  // A run of checkpoints inside the tree (the children of one checkpoint).
  class Span {
   public:
    using const_iterator = const CheckpointSummary* const*;
    Span(const_iterator begin, const_iterator end) : begin_(begin), end_(end) {}
    const_iterator begin() const { return begin_; }
    const_iterator end() const { return end_; }
    size_t size() const { return static_cast<size_t>(end_ - begin_); }
    bool empty() const { return begin_ == end_; }
    const CheckpointSummary* operator[](size_t i) const { return begin_[i]; }

   private:
    const_iterator begin_;
    const_iterator end_;
  };

  // Keeps a reference to `checkpoints`, which must outlive the tree unchanged, and to `names`
  // (their rows by name, if the caller has such a table; else the tree builds its own).
  explicit CheckpointTree(const CheckpointSummaries& checkpoints,
                          const util::NameTable* names = nullptr);
  CheckpointTree(const CheckpointTree&) = delete;  // its own name table refers to this object
  CheckpointTree& operator=(const CheckpointTree&) = delete;

  const CheckpointSummary* Find(std::string_view name) const;
  // The children of `name`; "" gives the roots. A checkpoint whose parent is missing is a root,
  // and so is the first checkpoint (in storage order) of a parent cycle that no root reaches.
  Span Children(std::string_view name) const;
  Span Roots() const { return Children(""); }
  // Depth-first, parent before children, excluding `name` itself.
  std::vector<const CheckpointSummary*> Descendants(std::string_view name) const;
  size_t CountDescendants(std::string_view name) const;
  // Every checkpoint in depth-first pre-order from the roots.
  std::vector<const CheckpointSummary*> Topological() const { return Descendants(""); }
  // The parent as the tree sees it: "" for roots.
  std::string ParentOf(std::string_view name) const;
  // The checkpoints from `name` up to its root, `name` first.
  std::vector<const CheckpointSummary*> PathToRoot(std::string_view name) const;
  bool IsAncestor(std::string_view ancestor, std::string_view name) const;
  uint64_t MaxLinkSeq() const { return max_link_seq_; }
  size_t size() const { return all_.size(); }

 private:
  static constexpr uint32_t kNoRow = UINT32_MAX;
  uint32_t RowOf(std::string_view name) const;
  // The row past the last checkpoint: the key under which the roots are grouped.
  uint32_t RootKey() const { return static_cast<uint32_t>(all_.size()); }
  Span ChildrenOfKey(uint32_t key) const;
  void BreakCycles();
  void GroupChildren();

  const CheckpointSummaries& all_;
  util::NameTable own_names_;
  const util::NameTable* by_name_;
  util::LargeVector<uint32_t> parent_;  // the parent's row, or RootKey()
  // The children of row r are children_[first_child_[r] .. first_child_[r + 1]); the roots come
  // after the last row's.
  util::LargeVector<uint32_t> first_child_;
  util::LargeVector<const CheckpointSummary*> children_;
  uint64_t max_link_seq_ = 0;
};

}  // namespace virtckpt::store
