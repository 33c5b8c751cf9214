#include "qcow2/image_probe.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace virtckpt::qcow2 {

namespace {

constexpr unsigned char kMagic[4] = {'Q', 'F', 'I', 0xfb};
constexpr size_t kSizeOffset = 24;

uint64_t BigEndian64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

std::optional<ImageFacts> ProbeImage(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st;
  unsigned char header[kSizeOffset + 8];
  std::optional<ImageFacts> facts;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    ssize_t n = pread(fd, header, sizeof header, 0);
    if (n == static_cast<ssize_t>(sizeof header) && std::equal(kMagic, kMagic + 4, header)) {
      facts = ImageFacts{"qcow2", BigEndian64(header + kSizeOffset)};
    } else {
      facts = ImageFacts{"raw", static_cast<uint64_t>(st.st_size)};
    }
  }
  close(fd);
  return facts;
}

}  // namespace virtckpt::qcow2
