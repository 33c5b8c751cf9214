#include "util/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

#include "util/error.hpp"

namespace virtckpt::util {

namespace {

constexpr double kDefaultTimeoutSeconds = 30;

[[noreturn]] void ThrowTimeout() {
  throw Error(ErrorCode::OperationTimeout, "cannot acquire state change lock");
}

// Whether `path` still names the file open as `fd`.
bool StillNamed(int fd, const std::string& path) {
  struct stat held, named;
  if (fstat(fd, &held) < 0 || stat(path.c_str(), &named) < 0) return false;
  return held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

UniqueFd OpenLockFile(const std::string& path, FileLock::Mode mode) {
  int flags = mode == FileLock::Mode::Exclusive            ? O_RDWR | O_CREAT
              : mode == FileLock::Mode::ExclusiveDirectory ? O_RDONLY | O_DIRECTORY
                                                           : O_RDONLY;
  // A directory may be named through a symlink (an export into /tmp/link); a lock file not.
  if (mode != FileLock::Mode::ExclusiveDirectory) flags |= O_NOFOLLOW;
  UniqueFd fd(open(path.c_str(), flags | O_CLOEXEC, 0600));
  if (fd) return fd;
  int err = errno;
  if (err == ENOENT) {
    throw Error(ErrorCode::SystemErrorMissing,
                "Failed to open lock file '" + path + "': " + std::strerror(err));
  }
  throw Error(ErrorCode::SystemError,
              "Failed to open lock file '" + path + "': " + std::strerror(err));
}

}  // namespace

double LockTimeoutSeconds() {
  const char* text = std::getenv("VIRTCKPT_LOCK_TIMEOUT");
  if (!text || !*text) return kDefaultTimeoutSeconds;
  char* end = nullptr;
  errno = 0;
  double seconds = std::strtod(text, &end);
  if (errno != 0 || *end != '\0' || !std::isfinite(seconds) || seconds < 0 || text[0] == '-' ||
      text[0] == '+' || text[0] == ' ') {
    throw Error(ErrorCode::InvalidArg,
                std::string("VIRTCKPT_LOCK_TIMEOUT='") + text + "' is not a number of seconds");
  }
  return seconds;
}

FileLock::FileLock(const std::string& path, Mode mode) {
  // The time waited is the sum of the pauses, not a clock's reading: a clock can be frozen
  // (libfaketime in tests) or set back.
  const auto limit = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::duration<double>(LockTimeoutSeconds()));
  const int op = (mode == Mode::Shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  std::chrono::microseconds waited(0);
  std::chrono::microseconds pause(200);
  for (;;) {
    UniqueFd fd = OpenLockFile(path, mode);
    while (flock(fd.get(), op) < 0) {
      int err = errno;
      if (err == EINTR) continue;
      if (err != EWOULDBLOCK) {
        throw Error(ErrorCode::SystemError, "Failed to lock '" + path + "': " + std::strerror(err));
      }
      if (waited >= limit) ThrowTimeout();
      pause = std::min(pause, limit - waited);
      std::this_thread::sleep_for(pause);
      waited += pause;
      pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(20));
    }
    if (StillNamed(fd.get(), path)) {
      fd_ = std::move(fd);
      return;
    }
    // Removed (the domain was undefined) or replaced while we waited: the lock we hold guards
    // nothing any more.
    fd.reset();
    if (mode != Mode::Exclusive && access(path.c_str(), F_OK) < 0) {
      throw Error(ErrorCode::SystemErrorMissing,
                  "Failed to open lock file '" + path + "': " + std::strerror(ENOENT));
    }
  }
}

}  // namespace virtckpt::util
