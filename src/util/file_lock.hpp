// flock(2) on a lock file, held for the lifetime of the object.
#pragma once

#include <string>

namespace virtckpt::util {

class FileLock {
 public:
  enum class Mode { Shared, Exclusive };
  // Blocks until the lock is granted; creates the file (0600) if needed.
  FileLock(const std::string& path, Mode mode);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace virtckpt::util
