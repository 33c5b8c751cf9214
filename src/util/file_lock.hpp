// flock(2) on a lock file, held for the lifetime of the object.
#pragma once

#include <string>

#include "util/unique_fd.hpp"

namespace virtckpt::util {

class FileLock {
 public:
  // ExclusiveDirectory: an exclusive lock on a directory itself (opened read-only, never made),
  // for writers of a directory outside the store (an export directory).
  enum class Mode { Shared, Exclusive, ExclusiveDirectory };
  // Waits at most LockTimeoutSeconds() for the lock, then throws Error(Busy) with libvirt's
  // "Timed out during operation: cannot acquire state change lock". An exclusive lock creates
  // the file (0600) if needed; a shared one only opens it and throws Error(NotFound) when it is
  // missing, and so does a directory's. A lock file that was removed or replaced while this
  // waited is opened again, so two holders of an exclusive lock never coexist.
  FileLock(const std::string& path, Mode mode);

 private:
  UniqueFd fd_;  // closing it releases the lock
};

// $VIRTCKPT_LOCK_TIMEOUT (seconds, fractions allowed), else 30; throws Error(InvalidArgument)
// when it is not a number of seconds.
double LockTimeoutSeconds();

}  // namespace virtckpt::util
