#include "qcow2/image_probe.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "util/unique_fd.hpp"

namespace virtckpt::qcow2 {

namespace {

constexpr unsigned char kMagic[4] = {'Q', 'F', 'I', 0xfb};
constexpr size_t kSizeOffset = 24;

uint64_t BigEndian64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// A block device's size is not in its inode.
std::optional<uint64_t> RawSize(int fd, const struct stat& st) {
  if (S_ISREG(st.st_mode)) return static_cast<uint64_t>(st.st_size);
  off_t end = lseek(fd, 0, SEEK_END);
  if (end < 0) return std::nullopt;
  return static_cast<uint64_t>(end);
}

std::optional<ImageFacts> ProbeOpen(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) return std::nullopt;
  unsigned char header[kSizeOffset + 8];
  ssize_t n = pread(fd, header, sizeof header, 0);
  if (n < 0) return std::nullopt;
  if (n == static_cast<ssize_t>(sizeof header) && std::equal(kMagic, kMagic + 4, header)) {
    return ImageFacts{"qcow2", BigEndian64(header + kSizeOffset)};
  }
  std::optional<uint64_t> size = RawSize(fd, st);
  if (!size) return std::nullopt;
  return ImageFacts{"raw", *size};
}

const std::string* LocalPath(const conf::DomainDisk& disk) {
  if (disk.type == "file" && !disk.source.file.empty()) return &disk.source.file;
  if (disk.type == "block" && !disk.source.dev.empty()) return &disk.source.dev;
  return nullptr;
}

}  // namespace

std::optional<ImageFacts> ProbeImage(const std::string& path) {
  // O_NONBLOCK: a FIFO in an image's place must not hang the command (it is no image).
  util::UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return std::nullopt;
  return ProbeOpen(fd.get());
}

std::optional<ImageFacts> ProbeDiskImage(const conf::DomainDisk& disk) {
  const std::string* path = LocalPath(disk);
  if (!path) return std::nullopt;
  return ProbeImage(*path);
}

std::string DeclaredFormat(const conf::DomainDisk& disk) {
  return disk.driver_type.empty() ? "raw" : disk.driver_type;
}

bool CanCheckFormat(const conf::DomainDisk& disk) {
  std::string declared = DeclaredFormat(disk);
  return declared == "qcow2" || declared == "raw";
}

bool IsDeclaredFormat(const ImageFacts& facts, const conf::DomainDisk& disk) {
  return CanCheckFormat(disk) && facts.format == DeclaredFormat(disk);
}

}  // namespace virtckpt::qcow2
