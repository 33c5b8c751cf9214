// The derived index of a file store: one line per checkpoint with its summary and the stamp
// (size, mtime, inode) of the file it was read from. An entry whose stamp no longer matches its
// file is stale and is re-read from the file; losing the index loses nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace virtckpt::store {

struct FileStamp {
  uint64_t size = 0;
  uint64_t mtime_ns = 0;
  uint64_t inode = 0;
  bool operator==(const FileStamp& o) const {
    return size == o.size && mtime_ns == o.mtime_ns && inode == o.inode;
  }
  bool operator!=(const FileStamp& o) const { return !(*this == o); }
};

struct IndexEntry {
  FileStamp stamp;
  CheckpointSummary summary;
};

// nullopt when the file is missing or not a well-formed index.
std::optional<std::vector<IndexEntry>> ReadIndex(const std::string& path);
std::string FormatIndex(const std::vector<IndexEntry>& entries);

}  // namespace virtckpt::store
