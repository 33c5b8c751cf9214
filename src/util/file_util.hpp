// Whole-file reads and crash-safe whole-file writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/large_alloc.hpp"

namespace virtckpt::util {

// Reads a file into memory; throws Error(Io) with "Failed to open file 'PATH': REASON" as virsh
// says.
std::string ReadFile(const std::string& path);
// The same for any kind of file (a FIFO too), up to max_bytes (larger ones throw Error(Io)).
std::string ReadAnyFile(const std::string& path, size_t max_bytes);
// Reads standard input to its end, up to max_bytes; throws Error(Io) "Failed to read standard
// input: REASON".
std::string ReadStandardInput(size_t max_bytes);

// Reads a file of the store: only a regular file (a FIFO, a device, a directory or a symlink in
// its place throws Error(Io) "'PATH' is not a regular file" without blocking), at most
// max_bytes (larger files throw Error(Io)).
std::string ReadFileLimited(const std::string& path, size_t max_bytes);
std::string ReadStoreFile(const std::string& path);
// The same, into memory meant for a big file (see large_alloc.hpp).
LargeText ReadLargeFile(const std::string& path, size_t max_bytes);

// 0 when `path` opens for reading (and, with directory_is_error, is no directory), else why not
// (an errno value).
int OpenForReadingError(const std::string& path, bool directory_is_error = true);

// Whether `path`, symlinks followed, is a block device.
bool IsBlockDevice(const std::string& path);

// What lstat(2) says of a file that changes whenever the file does.
struct FileStamp {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  uint64_t mtime_ns = 0;
  uint64_t ctime_ns = 0;
  bool operator==(const FileStamp& o) const {
    return device == o.device && inode == o.inode && size == o.size && mtime_ns == o.mtime_ns &&
           ctime_ns == o.ctime_ns;
  }
  bool operator!=(const FileStamp& o) const { return !(*this == o); }
  // Changed at or after `time_ns`: a change made in the same clock tick as something written
  // at `time_ns` may leave the stamp as it was.
  bool NotOlderThan(uint64_t time_ns) const { return mtime_ns >= time_ns || ctime_ns >= time_ns; }
};

struct FileStat {
  FileStamp stamp;
  bool regular = false;
};
// nullopt when there is no such file. Symlinks are not followed.
std::optional<FileStat> StatPath(const std::string& path);
std::optional<FileStat> StatAt(int dirfd, const std::string& name);

// Writes contents to path through a temporary file in the same directory: write, fsync, rename,
// fsync of the directory. Readers see the old or the new file, never a mix.
void WriteFileAtomic(const std::string& path, const std::string& contents, unsigned mode = 0600);

// Writes a temporary file and renames it to `path`, without waiting for the disk: readers see
// the old or the new file, but only SyncFileSystem makes the new one durable.
void ReplaceFile(const std::string& path, const std::string& contents, unsigned mode = 0600);
// syncfs(2) of the file system that holds the directory `path`.
void SyncFileSystem(const std::string& path);
// WriteFileAtomic for many files at once: each is written to its temporary file, then every
// file system involved is flushed once, then each is renamed into place. Each file is replaced
// whole; a failure leaves some replaced and the others as they were.
void WriteFilesAtomic(const std::vector<std::pair<std::string, std::string>>& files,
                      unsigned mode = 0600);
// WriteFileAtomic's temporary file for `path` in this process: PATH.tmpPID.
std::string TempFileName(const std::string& path);
// Whether `name` is one of WriteFileAtomic's temporary files (NAME.tmpPID): one that a killed
// writer left behind, unless that writer still runs.
bool IsTempFileName(std::string_view name);

// Removes a file; false when there was none. Throws Error(Io) "Failed to remove file 'PATH':
// REASON".
bool RemoveFile(const std::string& path);
// Removes a file if it can, whatever stands in the way; whether it did.
bool TryRemoveFile(const std::string& path);
// Removes path and fsyncs its directory; a missing file is not an error.
void RemoveFileDurable(const std::string& path);

// Appends data to an existing file, all or nothing: a failed write is cut off again. With sync,
// waits until the data has reached the disk. Returns the size the file had before.
uint64_t AppendFile(const std::string& path, const std::string& data, bool sync = false);

// Cuts a file back to size bytes.
void TruncateFile(const std::string& path, uint64_t size);

// Creates a directory (and parents) with the given mode; existing directories are fine.
void MakeDirectories(const std::string& path, unsigned mode = 0700);

void FsyncDirectory(const std::string& path);

bool PathExists(const std::string& path);

}  // namespace virtckpt::util
