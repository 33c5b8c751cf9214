// The derived index of a file store: a line per checkpoint with its summary and the stamp
// (what stat(2) said of the file it was read from: device, inode, size, mtime, ctime). Writers
// append lines for what each command changed and rewrite the whole file only now and then; a
// reader takes the last line of each name. The checkpoint files stay the truth: an entry is
// trusted only while its file's stat data are exactly the stamp and the file is older than the
// index (git's rule for "racily clean" entries), else the file is read again; losing the index
// loses nothing.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "store/records.hpp"
#include "util/file_util.hpp"
#include "util/name_table.hpp"

namespace virtckpt::store::files {

// An entry whose file's stamp is NotOlderThan the index's mtime proves nothing: the file may
// have changed in the clock tick in which the index was written, leaving the stamp as recorded.
using FileStamp = util::FileStamp;

struct IndexEntry {
  FileStamp stamp;
  CheckpointSummary summary;
};

// The disk images (source, format, size) an index file names, each under a number of that
// file: a disk line refers to its image by number instead of repeating it.
class IndexImages {
 public:
  IndexImages() = default;
  IndexImages(IndexImages&&) = default;
  IndexImages& operator=(IndexImages&&) = default;
  IndexImages(const IndexImages&) = delete;
  IndexImages& operator=(const IndexImages&) = delete;

  using Key = std::tuple<std::string, std::string, std::optional<uint64_t>>;
  // The number of `key`; a new one is added to `*new_lines` as the line that defines it.
  uint64_t Number(const Key& key, std::string* new_lines);
  void Define(uint64_t number, Key key);
  const Key* Find(uint64_t number) const;
  // Every image by number (a number never defined gives an empty key).
  std::vector<Key> Table() const;

 private:
  std::map<Key, uint64_t> numbers_;
  std::vector<const Key*> by_number_;
};

struct IndexContents {
  // The entries the file holds: for each name, its last line, unless a removal followed it.
  CheckpointSummaries summaries;
  util::LargeVector<FileStamp> stamps;  // of summaries[i]'s file
  // The rows of summaries by name; it reads the names from `summaries` of the object ReadIndex
  // returned, so whoever moves them elsewhere must Rebind it.
  util::NameTable names;
  // Entry and removal lines read: what a rewrite would shrink to summaries.size().
  size_t lines = 0;
  // False when the file ends in a torn or malformed line (what follows it is ignored): a
  // writer must rewrite the file rather than append to it.
  bool clean = true;
  // For appending to this file.
  IndexImages images;
  // The index file's mtime, taken before it was read.
  uint64_t mtime_ns = 0;
};

// Removes row `row`, named `name`, from `summaries`, `stamps` and `names` by moving the last row
// into its place.
void RemoveRow(CheckpointSummaries& summaries, util::LargeVector<FileStamp>& stamps,
               util::NameTable& names, const std::string& name, uint32_t row);

// nullopt when the file is missing or not an index of this version. The entries' disks are
// decoded from the file's text when first asked for.
std::optional<IndexContents> ReadIndex(const std::string& path);
// A whole index file; `images` receives its numbering, for appending to it later.
std::string FormatIndex(const std::vector<IndexEntry>& entries, IndexImages* images);
// The lines to append to a file numbered with `images`: entries, then removals.
std::string FormatIndexLines(const std::vector<IndexEntry>& entries,
                             const std::vector<std::string>& removals, IndexImages* images);

}  // namespace virtckpt::store::files
