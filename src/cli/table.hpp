// virsh's vshTable layout: " cell" per column, columns padded to their widest cell plus two
// spaces (the last column unpadded), a dashed divider under the header.
#pragma once

#include <string>
#include <vector>

namespace virtckpt::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // With `quiet` the header and divider are left out (and do not count for the widths).
  std::string Format(bool quiet) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace virtckpt::cli
