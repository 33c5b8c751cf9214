#include "util/unique_fd.hpp"

#include <unistd.h>

namespace virtckpt::util {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

}  // namespace virtckpt::util
