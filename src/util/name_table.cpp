#include "util/name_table.hpp"

namespace virtckpt::util {

namespace {

size_t Hash(std::string_view name) { return std::hash<std::string_view>{}(name); }

size_t SlotsFor(size_t rows) {
  size_t slots = 16;
  while (slots < rows * 2) slots *= 2;
  return slots;
}

}  // namespace

void NameTable::Reset(size_t rows) {
  slots_.assign(SlotsFor(rows), kEmpty);
  size_ = 0;
}

// The slot holding `name`, or the empty slot where it would go.
size_t NameTable::SlotOf(std::string_view name) const {
  size_t mask = slots_.size() - 1;
  for (size_t at = Hash(name) & mask;; at = (at + 1) & mask) {
    if (slots_[at] == kEmpty || name_of_(slots_[at]) == name) return at;
  }
}

std::optional<uint32_t> NameTable::Find(std::string_view name) const {
  if (slots_.empty()) return std::nullopt;
  uint32_t row = slots_[SlotOf(name)];
  if (row == kEmpty) return std::nullopt;
  return row;
}

void NameTable::Insert(uint32_t row) {
  if (slots_.empty() || (size_ + 1) * 2 > slots_.size()) Grow();
  slots_[SlotOf(name_of_(row))] = row;
  ++size_;
}

void NameTable::Grow() {
  std::vector<uint32_t> old = std::move(slots_);
  slots_.assign(SlotsFor(size_ + 1), kEmpty);
  for (uint32_t row : old) {
    if (row != kEmpty) slots_[SlotOf(name_of_(row))] = row;
  }
}

void NameTable::Erase(std::string_view name) {
  if (slots_.empty()) return;
  size_t mask = slots_.size() - 1;
  size_t hole = SlotOf(name);
  if (slots_[hole] == kEmpty) return;
  slots_[hole] = kEmpty;
  --size_;
  // Backward-shift deletion: move up every later row of the probe run that may live in the hole.
  for (size_t at = (hole + 1) & mask; slots_[at] != kEmpty; at = (at + 1) & mask) {
    size_t home = Hash(name_of_(slots_[at])) & mask;
    bool between = hole <= at ? (hole < home && home <= at) : (hole < home || home <= at);
    if (between) continue;
    slots_[hole] = slots_[at];
    slots_[at] = kEmpty;
    hole = at;
  }
}

void NameTable::Renumber(std::string_view name, uint32_t row) {
  if (slots_.empty()) return;
  size_t at = SlotOf(name);
  if (slots_[at] != kEmpty) slots_[at] = row;
}

}  // namespace virtckpt::util
