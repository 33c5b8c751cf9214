#include "cli/table.hpp"

#include <algorithm>

namespace virtckpt::cli {

namespace {

void AppendRow(const std::vector<std::string>& row, const std::vector<size_t>& widths,
               std::string* out) {
  for (size_t i = 0; i < row.size(); ++i) {
    *out += ' ';
    *out += row[i];
    if (i + 1 < row.size()) out->append(widths[i] - row[i].size() + 2, ' ');
  }
  *out += '\n';
}

}  // namespace

std::string Table::Format(bool quiet) const {
  std::vector<size_t> widths(header_.size(), 0);
  if (!quiet) {
    for (size_t i = 0; i < header_.size(); ++i) widths[i] = header_[i].size();
  }
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  if (!quiet) {
    AppendRow(header_, widths, &out);
    size_t dashes = 0;
    for (size_t w : widths) dashes += w + 3;
    out.append(dashes, '-');
    out += '\n';
  }
  for (const auto& row : rows_) AppendRow(row, widths, &out);
  return out;
}

}  // namespace virtckpt::cli
