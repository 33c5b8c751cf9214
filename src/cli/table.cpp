#include "cli/table.hpp"

#include <algorithm>

namespace virtckpt::cli {

namespace {

// One line: " cell" per column, each but the last padded to its column's width plus two.
template <typename CellOf>
void AppendLine(size_t columns, const CellOf& cell_of, const std::vector<size_t>& widths,
                std::string* out) {
  for (size_t i = 0; i < columns; ++i) {
    std::string_view cell = cell_of(i);
    *out += ' ';
    *out += cell;
    if (i + 1 < columns) out->append(widths[i] - cell.size() + 2, ' ');
  }
  *out += '\n';
}

}  // namespace

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
        columns, [this](size_t i) { return std::string_view(header_[i]); }, widths, &out);
    size_t dashes = 0;
    for (size_t w : widths) dashes += w + 3;
    out.append(dashes, '-');
    out += '\n';
  }
  for (size_t row = 0; row < rows; ++row) {
    AppendLine(
        columns, [&](size_t i) { return Cell(row * columns + i); }, widths, &out);
  }
  return out;
}

}  // namespace virtckpt::cli
