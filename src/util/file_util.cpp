#include "util/file_util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <cerrno>
#include <cstring>

#include "util/directory.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace virtckpt::util {
namespace {

std::string Reason(int err) { return std::strerror(err); }

[[noreturn]] void ThrowIo(const std::string& what, const std::string& path, int err) {
  throw Error(ErrorCode::SystemError, what + " '" + path + "': " + Reason(err));
}

std::string DirName(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

void WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowIo("Failed to write file", path, errno);
    }
    done += static_cast<size_t>(n);
  }
}

enum class FileKind { Any, Regular };

[[noreturn]] void ThrowNotRegular(const std::string& path) {
  throw Error(ErrorCode::SystemError, "'" + path + "' is not a regular file");
}

// Reads what is left of `fd` into a buffer sized from `expected`, grown as needed; `name` is
// what the errors call it.
template <typename Buffer>
Buffer ReadAll(int fd, const std::string& name, size_t max_bytes, size_t expected) {
  // One byte more than expected, so that meeting the end needs no second buffer.
  Buffer out(std::min(max_bytes, expected) + 1, '\0');
  size_t used = 0;
  for (;;) {
    if (used > max_bytes) {
      throw Error(ErrorCode::SystemError,
                  name + " is larger than the limit of " + std::to_string(max_bytes) + " bytes");
    }
    if (used == out.size()) out.resize(std::min(max_bytes + 1, used * 2 + 65536));
    ssize_t n = read(fd, &out[used], out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::SystemError, "Failed to read " + name + ": " + Reason(errno));
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  out.resize(used);
  return out;
}

// Reads the file straight into a buffer sized from fstat, grown if the file grows meanwhile.
// FileKind::Regular opens without blocking (a FIFO) or following a symlink, and reads only a
// regular file.
template <typename Buffer>
Buffer ReadInto(const std::string& path, size_t max_bytes, FileKind kind) {
  int flags = O_RDONLY | O_CLOEXEC;
  if (kind == FileKind::Regular) flags |= O_NONBLOCK | O_NOFOLLOW;
  UniqueFd fd(open(path.c_str(), flags));
  if (!fd) {
    if (kind == FileKind::Regular && errno == ELOOP) ThrowNotRegular(path);
    ThrowIo("Failed to open file", path, errno);
  }
  struct stat st;
  bool stated = fstat(fd.get(), &st) == 0;
  if (kind == FileKind::Regular && (!stated || !S_ISREG(st.st_mode))) ThrowNotRegular(path);
  size_t expected = stated && st.st_size > 0 ? static_cast<size_t>(st.st_size) : 0;
  return ReadAll<Buffer>(fd.get(), "file '" + path + "'", max_bytes, expected);
}

constexpr size_t kMaxFile = 64u << 20;

FileStat FromStat(const struct stat& st) {
  FileStat out;
  out.stamp.device = static_cast<uint64_t>(st.st_dev);
  out.stamp.inode = static_cast<uint64_t>(st.st_ino);
  out.stamp.size = static_cast<uint64_t>(st.st_size);
  out.stamp.mtime_ns = static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000u +
                       static_cast<uint64_t>(st.st_mtim.tv_nsec);
  out.stamp.ctime_ns = static_cast<uint64_t>(st.st_ctim.tv_sec) * 1000000000u +
                       static_cast<uint64_t>(st.st_ctim.tv_nsec);
  out.regular = S_ISREG(st.st_mode);
  return out;
}

}  // namespace

std::string ReadFileLimited(const std::string& path, size_t max_bytes) {
  return ReadInto<std::string>(path, max_bytes, FileKind::Regular);
}

std::string ReadStoreFile(const std::string& path) { return ReadFileLimited(path, kMaxFile); }

LargeText ReadLargeFile(const std::string& path, size_t max_bytes) {
  return ReadInto<LargeText>(path, max_bytes, FileKind::Regular);
}

std::string ReadFile(const std::string& path) { return ReadAnyFile(path, kMaxFile); }

std::string ReadAnyFile(const std::string& path, size_t max_bytes) {
  return ReadInto<std::string>(path, max_bytes, FileKind::Any);
}

std::string ReadStandardInput(size_t max_bytes) {
  struct stat st;
  size_t expected = fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0
                        ? static_cast<size_t>(st.st_size)
                        : 0;
  return ReadAll<std::string>(STDIN_FILENO, "standard input", max_bytes, expected);
}

int OpenForReadingError(const std::string& path, bool directory_is_error) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return errno;
  struct stat st;
  if (directory_is_error && fstat(fd.get(), &st) == 0 && S_ISDIR(st.st_mode)) return EISDIR;
  return 0;
}

bool IsBlockDevice(const std::string& path) {
  boost::system::error_code error;
  return boost::filesystem::status(path, error).type() == boost::filesystem::block_file;
}

std::optional<FileStat> StatPath(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) < 0) return std::nullopt;
  return FromStat(st);
}

std::optional<FileStat> StatAt(int dirfd, const std::string& name) {
  struct stat st;
  if (fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) return std::nullopt;
  return FromStat(st);
}

void FsyncDirectory(const std::string& path) {
  UniqueFd fd = OpenDirectory(path);
  if (fsync(fd.get()) < 0) ThrowIo("Failed to sync directory", path, errno);
}

constexpr const char* kTempInfix = ".tmp";

std::string TempFileName(const std::string& path) {
  return path + kTempInfix + std::to_string(getpid());
}

void WriteFileAtomic(const std::string& path, const std::string& contents, unsigned mode) {
  std::string dir = DirName(path);
  std::string tmp = TempFileName(path);
  UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) ThrowIo("Failed to create file", tmp, errno);
  try {
    WriteAll(fd.get(), contents, tmp);
    if (fsync(fd.get()) < 0) ThrowIo("Failed to sync file", tmp, errno);
    if (close(fd.release()) < 0) ThrowIo("Failed to close file", tmp, errno);
    if (rename(tmp.c_str(), path.c_str()) < 0) ThrowIo("Failed to rename file", tmp, errno);
  } catch (...) {
    unlink(tmp.c_str());
    throw;
  }
  FsyncDirectory(dir);
}

void ReplaceFile(const std::string& path, const std::string& contents, unsigned mode) {
  std::string tmp = TempFileName(path);
  UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) ThrowIo("Failed to create file", tmp, errno);
  try {
    WriteAll(fd.get(), contents, tmp);
    if (close(fd.release()) < 0) ThrowIo("Failed to close file", tmp, errno);
    if (rename(tmp.c_str(), path.c_str()) < 0) ThrowIo("Failed to rename file", tmp, errno);
  } catch (...) {
    unlink(tmp.c_str());
    throw;
  }
}

void SyncFileSystem(const std::string& path) {
  UniqueFd fd = OpenDirectory(path);
  if (syncfs(fd.get()) < 0) ThrowIo("Failed to sync the file system of", path, errno);
}

void WriteFilesAtomic(const std::vector<std::pair<std::string, std::string>>& files,
                      unsigned mode) {
  std::vector<std::string> temps;
  std::vector<std::string> dirs;
  auto remove_temps = [&temps] {
    for (const std::string& tmp : temps) unlink(tmp.c_str());
  };
  try {
    for (const auto& [path, contents] : files) {
      std::string tmp = TempFileName(path);
      UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
      if (!fd) ThrowIo("Failed to create file", tmp, errno);
      temps.push_back(tmp);
      WriteAll(fd.get(), contents, tmp);
      if (close(fd.release()) < 0) ThrowIo("Failed to close file", tmp, errno);
      std::string dir = DirName(path);
      if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
    }
    // One flush of each file system instead of one per file.
    for (const std::string& dir : dirs) SyncFileSystem(dir);
    for (size_t i = 0; i < files.size(); ++i) {
      if (rename(temps[i].c_str(), files[i].first.c_str()) < 0) {
        ThrowIo("Failed to rename file", temps[i], errno);
      }
    }
  } catch (...) {
    remove_temps();
    throw;
  }
  for (const std::string& dir : dirs) FsyncDirectory(dir);
}

bool IsTempFileName(std::string_view name) {
  size_t infix = name.rfind(kTempInfix);
  if (infix == std::string_view::npos || infix == 0) return false;
  size_t digits = infix + std::strlen(kTempInfix);
  return digits < name.size() &&
         std::all_of(name.begin() + static_cast<std::ptrdiff_t>(digits), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

bool RemoveFile(const std::string& path) {
  if (unlink(path.c_str()) == 0) return true;
  if (errno != ENOENT) ThrowIo("Failed to remove file", path, errno);
  return false;
}

bool TryRemoveFile(const std::string& path) { return unlink(path.c_str()) == 0; }

void RemoveFileDurable(const std::string& path) {
  if (RemoveFile(path)) FsyncDirectory(DirName(path));
}

uint64_t AppendFile(const std::string& path, const std::string& data, bool sync) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (!fd) ThrowIo("Failed to open file", path, errno);
  off_t size = lseek(fd.get(), 0, SEEK_END);
  if (size < 0) ThrowIo("Failed to seek in file", path, errno);
  try {
    WriteAll(fd.get(), data, path);
  } catch (const Error&) {
    (void)!ftruncate(fd.get(), size);
    throw;
  }
  if (sync && fdatasync(fd.get()) < 0) ThrowIo("Failed to sync file", path, errno);
  return static_cast<uint64_t>(size);
}

void TruncateFile(const std::string& path, uint64_t size) {
  if (truncate(path.c_str(), static_cast<off_t>(size)) < 0) {
    ThrowIo("Failed to truncate file", path, errno);
  }
}

void MakeDirectories(const std::string& path, unsigned mode) {
  if (path.empty()) return;
  boost::system::error_code ec;
  boost::filesystem::file_status status = boost::filesystem::status(path, ec);
  if (boost::filesystem::exists(status)) {
    if (!boost::filesystem::is_directory(status)) {
      ThrowIo("Failed to create directory", path, ENOTDIR);
    }
    return;
  }
  std::string parent = DirName(path);
  if (parent != path) MakeDirectories(parent, mode);
  if (mkdir(path.c_str(), mode) < 0 && errno != EEXIST) {
    ThrowIo("Failed to create directory", path, errno);
  }
}

bool PathExists(const std::string& path) {
  boost::system::error_code ec;
  return boost::filesystem::exists(path, ec);
}

}  // namespace virtckpt::util
