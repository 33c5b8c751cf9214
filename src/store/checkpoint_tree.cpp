#include "store/checkpoint_tree.hpp"

#include <algorithm>

namespace virtckpt::store {

CheckpointTree::CheckpointTree(const CheckpointSummaries& checkpoints, const util::NameTable* names)
    : all_(checkpoints), by_name_(names) {
  if (!by_name_) {
    own_names_.Rebind([this](uint32_t row) -> std::string_view { return all_[row].name; });
    own_names_.Reset(all_.size());
    for (uint32_t row = 0; row < all_.size(); ++row) {
      if (!own_names_.Find(all_[row].name)) own_names_.Insert(row);
    }
    by_name_ = &own_names_;
  }
  for (const CheckpointSummary& c : all_) max_link_seq_ = std::max(max_link_seq_, c.link_seq);
  parent_.resize(all_.size());
  for (uint32_t row = 0; row < all_.size(); ++row) {
    uint32_t parent = all_[row].parent.empty() ? kNoRow : RowOf(all_[row].parent);
    parent_[row] = parent == kNoRow ? RootKey() : parent;
  }
  GroupChildren();
  BreakCycles();
}

uint32_t CheckpointTree::RowOf(std::string_view name) const {
  std::optional<uint32_t> row = by_name_->Find(name);
  return row ? *row : kNoRow;
}

void CheckpointTree::GroupChildren() {
  size_t keys = all_.size() + 1;
  first_child_.assign(keys + 1, 0);
  for (uint32_t parent : parent_) ++first_child_[parent + 1];
  for (size_t key = 0; key < keys; ++key) first_child_[key + 1] += first_child_[key];
  children_.assign(all_.size(), nullptr);
  util::LargeVector<uint32_t> next(first_child_.begin(), first_child_.end() - 1);
  for (uint32_t row = 0; row < all_.size(); ++row) children_[next[parent_[row]]++] = &all_[row];
  auto newest_first = [](const CheckpointSummary* a, const CheckpointSummary* b) {
    if (a->link_seq != b->link_seq) return a->link_seq > b->link_seq;
    return a->name < b->name;
  };
  for (size_t key = 0; key < keys; ++key) {
    if (first_child_[key + 1] - first_child_[key] > 1) {
      std::sort(children_.begin() + first_child_[key], children_.begin() + first_child_[key + 1],
                newest_first);
    }
  }
}

// A checkpoint no root reaches sits in (or below) a cycle of parents, which only hand-made
// files can make: the first such checkpoint becomes a root, which breaks its cycle.
void CheckpointTree::BreakCycles() {
  std::vector<bool> reached(all_.size(), false);
  auto reach_from = [&](uint32_t key) {
    std::vector<uint32_t> stack{key};
    while (!stack.empty()) {
      uint32_t at = stack.back();
      stack.pop_back();
      for (const CheckpointSummary* kid : ChildrenOfKey(at)) {
        uint32_t row = static_cast<uint32_t>(kid - all_.data());
        if (!reached[row]) {
          reached[row] = true;
          stack.push_back(row);
        }
      }
    }
  };
  reach_from(RootKey());
  bool changed = false;
  for (uint32_t row = 0; row < all_.size(); ++row) {
    if (reached[row]) continue;
    parent_[row] = RootKey();
    reached[row] = true;
    reach_from(row);
    changed = true;
  }
  if (changed) GroupChildren();
}

const CheckpointSummary* CheckpointTree::Find(std::string_view name) const {
  uint32_t row = RowOf(name);
  return row == kNoRow ? nullptr : &all_[row];
}

CheckpointTree::Span CheckpointTree::ChildrenOfKey(uint32_t key) const {
  const CheckpointSummary* const* base = children_.data();
  return Span(base + first_child_[key], base + first_child_[key + 1]);
}

CheckpointTree::Span CheckpointTree::Children(std::string_view name) const {
  if (name.empty()) return ChildrenOfKey(RootKey());
  uint32_t row = RowOf(name);
  if (row == kNoRow) return Span(nullptr, nullptr);
  return ChildrenOfKey(row);
}

std::string CheckpointTree::ParentOf(std::string_view name) const {
  uint32_t row = RowOf(name);
  if (row == kNoRow || parent_[row] == RootKey()) return "";
  return all_[parent_[row]].name;
}

std::vector<const CheckpointSummary*> CheckpointTree::Descendants(std::string_view name) const {
  std::vector<const CheckpointSummary*> out;
  std::vector<const CheckpointSummary*> stack;
  Span first = Children(name);
  stack.assign(std::make_reverse_iterator(first.end()), std::make_reverse_iterator(first.begin()));
  while (!stack.empty()) {
    const CheckpointSummary* c = stack.back();
    stack.pop_back();
    out.push_back(c);
    Span kids = ChildrenOfKey(static_cast<uint32_t>(c - all_.data()));
    stack.insert(stack.end(), std::make_reverse_iterator(kids.end()),
                 std::make_reverse_iterator(kids.begin()));
  }
  return out;
}

size_t CheckpointTree::CountDescendants(std::string_view name) const {
  size_t count = 0;
  std::vector<Span> stack{Children(name)};
  while (!stack.empty()) {
    Span kids = stack.back();
    stack.pop_back();
    count += kids.size();
    for (const CheckpointSummary* kid : kids) {
      stack.push_back(ChildrenOfKey(static_cast<uint32_t>(kid - all_.data())));
    }
  }
  return count;
}

std::vector<const CheckpointSummary*> CheckpointTree::PathToRoot(std::string_view name) const {
  std::vector<const CheckpointSummary*> path;
  for (uint32_t row = RowOf(name); row != kNoRow && row != RootKey(); row = parent_[row]) {
    path.push_back(&all_[row]);
  }
  return path;
}

bool CheckpointTree::IsAncestor(std::string_view ancestor, std::string_view name) const {
  uint32_t row = RowOf(name);
  if (row == kNoRow) return false;
  for (row = parent_[row]; row != RootKey(); row = parent_[row]) {
    if (all_[row].name == ancestor) return true;
  }
  return false;
}

}  // namespace virtckpt::store
