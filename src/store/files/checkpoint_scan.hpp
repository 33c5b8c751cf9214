// The checkpoint files of a domain and what lstat(2) says of each: what decides which index
// entries may be trusted. Thousands of stat calls dominate a command's load, so the scan runs
// beside the rest of the load, on several threads when there are many files.
#pragma once

#include <future>
#include <optional>
#include <string>

#include "util/file_util.hpp"
#include "util/large_alloc.hpp"

namespace virtckpt::store::files {

struct ScannedFile {
  std::string name;                    // without the suffix
  std::optional<util::FileStat> stat;  // nullopt: gone between the listing and the stat
};
using ScannedFiles = util::LargeVector<ScannedFile>;

// Lists `dir`'s files whose names end in `suffix` and stats each (symlinks not followed).
// Throws Error(Io) when the directory cannot be read.
ScannedFiles ScanCheckpointFiles(const std::string& dir, const std::string& suffix);

// The same, started now on another thread; Get() waits for it and rethrows its error.
class CheckpointScan {
 public:
  CheckpointScan(const std::string& dir, const std::string& suffix);
  ScannedFiles Get();

 private:
  std::future<ScannedFiles> result_;
};

}  // namespace virtckpt::store::files
