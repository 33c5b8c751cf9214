#include "util/random_bytes.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "util/unique_fd.hpp"

namespace virtckpt::util {

bool ReadRandomBytes(unsigned char* out, size_t size) {
  UniqueFd fd(open("/dev/urandom", O_RDONLY | O_CLOEXEC));
  return fd && read(fd.get(), out, size) == static_cast<ssize_t>(size);
}

}  // namespace virtckpt::util
