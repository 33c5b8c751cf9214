#include "util/temp_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "util/error.hpp"

namespace virtckpt::util {

namespace {

[[noreturn]] void Fail(const std::string& message, int error) {
  throw Error(ErrorCode::SystemError, message + std::strerror(error));
}

}  // namespace

std::string CreateTempFile(const std::string& dir, const std::string& prefix,
                           const std::string& suffix, const std::string& contents) {
  std::string pattern = dir + "/" + prefix + "XXXXXX" + suffix;
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  int fd = mkostemps(buf.data(), static_cast<int>(suffix.size()), O_CLOEXEC);
  if (fd < 0) Fail("g_mkstemp_full: failed to create temporary file: ", errno);
  std::string path = buf.data();
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      close(fd);
      unlink(path.c_str());
      Fail("write: " + path + ": failed to write to temporary file: ", error);
    }
    done += static_cast<size_t>(n);
  }
  if (close(fd) < 0) {
    int error = errno;
    unlink(path.c_str());
    Fail("close: " + path + ": failed to write or close temporary file: ", error);
  }
  return path;
}

}  // namespace virtckpt::util
