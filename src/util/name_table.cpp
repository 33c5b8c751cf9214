#include "util/name_table.hpp"

namespace virtckpt::util {

namespace {

size_t Hash(std::string_view name) { return std::hash<std::string_view>{}(name); }
uint32_t Tag(size_t hash) { return static_cast<uint32_t>(static_cast<uint64_t>(hash) >> 32); }

size_t SlotsFor(size_t rows) {
  size_t slots = 16;
  while (slots < rows * 2) slots *= 2;
  return slots;
}

}  // namespace

void NameTable::Reset(size_t rows) {
  slots_.assign(SlotsFor(rows), Slot{});
  size_ = 0;
}

// The slot holding `name`, or the empty slot where it would go.
size_t NameTable::SlotOf(std::string_view name, size_t hash) const {
  size_t mask = slots_.size() - 1;
  uint32_t tag = Tag(hash);
  for (size_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = slots_[at];
    if (slot.row == kEmpty || (slot.hash == tag && name_of_(slot.row) == name)) return at;
  }
}

std::optional<uint32_t> NameTable::Find(std::string_view name) const {
  if (slots_.empty()) return std::nullopt;
  uint32_t row = slots_[SlotOf(name, Hash(name))].row;
  if (row == kEmpty) return std::nullopt;
  return row;
}

void NameTable::Place(uint32_t row, size_t hash) {
  size_t mask = slots_.size() - 1;
  size_t at = hash & mask;
  while (slots_[at].row != kEmpty) at = (at + 1) & mask;
  slots_[at] = {row, Tag(hash)};
}

void NameTable::Insert(uint32_t row) {
  if (slots_.empty() || (size_ + 1) * 2 > slots_.size()) Grow();
  Place(row, Hash(name_of_(row)));
  ++size_;
}

void NameTable::Grow() {
  LargeVector<Slot> old = std::move(slots_);
  slots_.assign(SlotsFor(size_ + 1), Slot{});
  for (const Slot& slot : old) {
    if (slot.row != kEmpty) Place(slot.row, Hash(name_of_(slot.row)));
  }
}

void NameTable::Erase(std::string_view name) {
  if (slots_.empty()) return;
  size_t mask = slots_.size() - 1;
  size_t hole = SlotOf(name, Hash(name));
  if (slots_[hole].row == kEmpty) return;
  slots_[hole] = Slot{};
  --size_;
  // Backward-shift deletion: move up every later row of the probe run that may live in the hole.
  for (size_t at = (hole + 1) & mask; slots_[at].row != kEmpty; at = (at + 1) & mask) {
    size_t home = Hash(name_of_(slots_[at].row)) & mask;
    bool between = hole <= at ? (hole < home && home <= at) : (hole < home || home <= at);
    if (between) continue;
    slots_[hole] = slots_[at];
    slots_[at] = Slot{};
    hole = at;
  }
}

void NameTable::Renumber(std::string_view name, uint32_t row) {
  if (slots_.empty()) return;
  size_t at = SlotOf(name, Hash(name));
  if (slots_[at].row != kEmpty) slots_[at].row = row;
}

}  // namespace virtckpt::util
