#include "cli/table.hpp"

#include <algorithm>

#include "cli/table_cell.hpp"

namespace virtckpt::cli {

namespace {

// One line: " cell" per column, each but the last padded to its column's width plus two.
// cell_of(i) is the i-th cell's text and width.
template <typename CellOf>
void AppendLine(size_t columns, const CellOf& cell_of, const std::vector<size_t>& widths,
                std::string* out) {
  for (size_t i = 0; i < columns; ++i) {
    auto [cell, width] = cell_of(i);
    *out += ' ';
    *out += cell;
    if (i + 1 < columns) out->append(widths[i] - width + 2, ' ');
  }
  *out += '\n';
}

}  // namespace

Table::Table(std::vector<std::string> header)
    : header_(std::move(header)), widths_(header_.size(), 0) {}

void Table::AddRow(const std::string_view* cells, size_t count) {
  size_t column = 0;
  // Cells beyond the header's columns are a caller's slip, and dropped.
  for (; column < count && column < header_.size(); ++column) {
    std::string_view cell = cells[column];
    size_t width = AppendTableCell(cell, &text_);
    ends_.push_back(text_.size());
    cell_widths_.push_back(width);
    widths_[column] = std::max(widths_[column], width);
  }
  for (; column < header_.size(); ++column) {
    ends_.push_back(text_.size());
    cell_widths_.push_back(0);
  }
}

std::string_view Table::Cell(size_t index) const {
  size_t begin = index == 0 ? 0 : ends_[index - 1];
  return std::string_view(text_).substr(begin, ends_[index] - begin);
}

std::string Table::Format(bool quiet) const {
  size_t columns = header_.size();
  std::vector<size_t> widths = widths_;
  if (!quiet) {
    for (size_t i = 0; i < columns; ++i) widths[i] = std::max(widths[i], header_[i].size());
  }
  size_t rows = columns == 0 ? 0 : ends_.size() / columns;
  size_t line = 1;  // the newline
  for (size_t i = 0; i < columns; ++i) line += 1 + widths[i] + (i + 1 < columns ? 2 : 0);
  std::string out;
  out.reserve((rows + (quiet ? 0 : 2)) * line);
  if (!quiet) {
    AppendLine(
        columns,
        [this](size_t i) { return std::pair(std::string_view(header_[i]), header_[i].size()); },
        widths, &out);
    size_t dashes = 0;
    for (size_t w : widths) dashes += w + 3;
    out.append(dashes, '-');
    out += '\n';
  }
  for (size_t row = 0; row < rows; ++row) {
    AppendLine(
        columns,
        [&](size_t i) {
          size_t index = row * columns + i;
          return std::pair(Cell(index), cell_widths_[index]);
        },
        widths, &out);
  }
  return out;
}

}  // namespace virtckpt::cli
