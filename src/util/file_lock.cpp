#include "util/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace virtckpt::util {

FileLock::FileLock(const std::string& path, Mode mode) {
  int flags = mode == Mode::Exclusive ? O_RDWR | O_CREAT : O_RDONLY;
  fd_ = open(path.c_str(), flags | O_CLOEXEC, 0600);
  if (fd_ < 0 && mode == Mode::Shared && errno == ENOENT) {
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  }
  if (fd_ < 0) {
    throw Error(ErrorCode::Io, "Failed to open lock file '" + path + "': " + std::strerror(errno));
  }
  int op = mode == Mode::Exclusive ? LOCK_EX : LOCK_SH;
  while (flock(fd_, op) < 0) {
    if (errno == EINTR) continue;
    int err = errno;
    close(fd_);
    throw Error(ErrorCode::Io, "Failed to lock '" + path + "': " + std::strerror(err));
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace virtckpt::util
