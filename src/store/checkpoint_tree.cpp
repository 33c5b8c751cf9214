#include "store/checkpoint_tree.hpp"

#include <algorithm>

namespace virtckpt::store {

CheckpointTree::CheckpointTree(const std::vector<CheckpointSummary>& checkpoints) {
  by_name_.reserve(checkpoints.size());
  for (const auto& c : checkpoints) {
    by_name_.emplace(c.name, &c);
    max_link_seq_ = std::max(max_link_seq_, c.link_seq);
  }
  for (const auto& c : checkpoints) children_[ParentOf(c.name)].push_back(&c);
  for (auto& [parent, kids] : children_) {
    std::sort(kids.begin(), kids.end(), [](const CheckpointSummary* a, const CheckpointSummary* b) {
      if (a->link_seq != b->link_seq) return a->link_seq > b->link_seq;
      return a->name < b->name;
    });
  }
}

const CheckpointSummary* CheckpointTree::Find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

const std::vector<const CheckpointSummary*>& CheckpointTree::Children(
    const std::string& name) const {
  static const std::vector<const CheckpointSummary*> kNone;
  auto it = children_.find(name);
  return it == children_.end() ? kNone : it->second;
}

std::string CheckpointTree::ParentOf(const std::string& name) const {
  const CheckpointSummary* c = Find(name);
  if (!c || c->parent.empty() || !Find(c->parent)) return "";
  return c->parent;
}

std::vector<const CheckpointSummary*> CheckpointTree::Descendants(const std::string& name) const {
  std::vector<const CheckpointSummary*> out;
  std::vector<const CheckpointSummary*> stack;
  const auto& first = Children(name);
  stack.assign(first.rbegin(), first.rend());
  while (!stack.empty()) {
    const CheckpointSummary* c = stack.back();
    stack.pop_back();
    out.push_back(c);
    const auto& kids = Children(c->name);
    stack.insert(stack.end(), kids.rbegin(), kids.rend());
  }
  return out;
}

size_t CheckpointTree::CountDescendants(const std::string& name) const {
  size_t count = 0;
  std::vector<const std::string*> stack{&name};
  while (!stack.empty()) {
    const std::string* n = stack.back();
    stack.pop_back();
    for (const CheckpointSummary* kid : Children(*n)) {
      ++count;
      stack.push_back(&kid->name);
    }
  }
  return count;
}

std::vector<const CheckpointSummary*> CheckpointTree::PathToRoot(const std::string& name) const {
  std::vector<const CheckpointSummary*> path;
  for (const CheckpointSummary* c = Find(name); c; c = Find(ParentOf(c->name))) {
    path.push_back(c);
    if (path.size() > by_name_.size()) break;
  }
  return path;
}

bool CheckpointTree::IsAncestor(const std::string& ancestor, const std::string& name) const {
  for (const CheckpointSummary* c : PathToRoot(ParentOf(name))) {
    if (c->name == ancestor) return true;
  }
  return false;
}

}  // namespace virtckpt::store
