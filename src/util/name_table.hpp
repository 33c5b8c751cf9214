// A hash table from names to row numbers for rows that live elsewhere (a vector of records that
// each have a name): it stores only the row numbers and part of each name's hash, so building it
// copies no string and a lookup reads only the one name it finds.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "util/large_alloc.hpp"

namespace virtckpt::util {

class NameTable {
 public:
  // The name of row `row`; it must stay valid for as long as the row is in the table.
  using NameOf = std::function<std::string_view(uint32_t row)>;

  NameTable() = default;
  explicit NameTable(NameOf name_of) : name_of_(std::move(name_of)) {}
  // For a table moved along with its rows: `name_of` reads them where they are now.
  void Rebind(NameOf name_of) { name_of_ = std::move(name_of); }

  // Empties the table and makes room for `rows` rows without growing.
  void Reset(size_t rows);
  std::optional<uint32_t> Find(std::string_view name) const;
  // Adds `row` (its name must not be in the table yet).
  void Insert(uint32_t row);
  // Removes the row named `name`, if any.
  void Erase(std::string_view name);
  // The row named `name` is now row `row`.
  void Renumber(std::string_view name, uint32_t row);
  size_t size() const { return size_; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint32_t row = kEmpty;
    uint32_t hash = 0;  // the high half of the name's hash
  };
  size_t SlotOf(std::string_view name, size_t hash) const;
  void Place(uint32_t row, size_t hash);
  void Grow();

  NameOf name_of_;
  LargeVector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace virtckpt::util
