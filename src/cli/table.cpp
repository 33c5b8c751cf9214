#include "cli/table.hpp"

#include <algorithm>

namespace virtckpt::cli {

Table::Table(std::vector<std::string> header)
    : header_(std::move(header)), widths_(header_.size(), 0) {}

void Table::AddRow(std::initializer_list<std::string_view> cells) {
  size_t column = 0;
  for (std::string_view cell : cells) {
    if (column == header_.size()) break;  // more cells than columns: a caller's slip
    text_ += cell;
    ends_.push_back(text_.size());
    widths_[column] = std::max(widths_[column], cell.size());
    ++column;
  }
  for (; column < header_.size(); ++column) ends_.push_back(text_.size());
}

void Table::AppendRow(size_t first_cell, const std::vector<size_t>& widths,
                      std::string* out) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    size_t cell = first_cell + i;
    size_t begin = cell == 0 ? 0 : ends_[cell - 1];
    size_t size = ends_[cell] - begin;
    *out += ' ';
    out->append(text_, begin, size);
    if (i + 1 < header_.size()) out->append(widths[i] - size + 2, ' ');
  }
  *out += '\n';
}

std::string Table::Format(bool quiet) const {
  std::vector<size_t> widths = widths_;
  if (!quiet) {
    for (size_t i = 0; i < header_.size(); ++i) widths[i] = std::max(widths[i], header_[i].size());
  }
  size_t columns = header_.size();
  size_t rows = columns == 0 ? 0 : ends_.size() / columns;
  size_t line = 1;  // the newline
  for (size_t i = 0; i < columns; ++i) line += 1 + widths[i] + (i + 1 < columns ? 2 : 0);
  std::string out;
  out.reserve((rows + (quiet ? 0 : 2)) * line);
  if (!quiet) {
    for (size_t i = 0; i < columns; ++i) {
      out += ' ';
      out += header_[i];
      if (i + 1 < columns) out.append(widths[i] - header_[i].size() + 2, ' ');
    }
    out += '\n';
    size_t dashes = 0;
    for (size_t w : widths) dashes += w + 3;
    out.append(dashes, '-');
    out += '\n';
  }
  for (size_t row = 0; row < rows; ++row) AppendRow(row * columns, widths, &out);
  return out;
}

}  // namespace virtckpt::cli
