// virsh's vshTable layout: " cell" per column, columns padded to their widest cell plus two
// spaces (the last column unpadded), a dashed divider under the header. Cells are shown and
// measured as vshTable does (table_cell.hpp).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace virtckpt::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header);
  // One cell per column of the header (missing cells are empty); the cells are copied.
  void AddRow(std::initializer_list<std::string_view> cells) {
    AddRow(cells.begin(), cells.size());
  }
  void AddRow(const std::string_view* cells, size_t count);
  // With `quiet` the header and divider are left out (and do not count for the widths).
  std::string Format(bool quiet) const;

 private:
  std::string_view Cell(size_t index) const;  // the index-th cell of all rows

  std::vector<std::string> header_;
  // The rows' cells one after the other (thousands of rows make no small allocation each).
  std::string text_;
  std::vector<size_t> ends_;         // where each cell ends in text_
  std::vector<size_t> cell_widths_;  // each cell's width on a terminal
  std::vector<size_t> widths_;       // the widest cell of each column in the rows
};

}  // namespace virtckpt::cli
