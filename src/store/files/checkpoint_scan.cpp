#include "store/files/checkpoint_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "util/error.hpp"

namespace virtckpt::store::files {

namespace {

// Below this many files one thread is as fast as several.
constexpr size_t kFilesPerThread = 2048;
constexpr unsigned kMaxThreads = 4;

class DirFd {
 public:
  explicit DirFd(const std::string& dir)
      : fd_(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ < 0) {
      throw util::Error(util::ErrorCode::Io,
                        "Failed to open directory '" + dir + "': " + std::strerror(errno));
    }
  }
  ~DirFd() { close(fd_); }
  DirFd(const DirFd&) = delete;
  DirFd& operator=(const DirFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

ScannedFiles List(int dirfd, const std::string& dir, std::string_view suffix) {
  ScannedFiles files;
  files.reserve(4096);
  DIR* d = fdopendir(dup(dirfd));
  if (!d) {
    throw util::Error(util::ErrorCode::Io,
                      "Failed to read directory '" + dir + "': " + std::strerror(errno));
  }
  while (struct dirent* ent = readdir(d)) {
    std::string_view file = ent->d_name;
    if (file.size() <= suffix.size() || file.substr(file.size() - suffix.size()) != suffix)
      continue;
    files.push_back({std::string(file.substr(0, file.size() - suffix.size())), std::nullopt});
  }
  closedir(d);
  return files;
}

void StatRange(int dirfd, std::string_view suffix, ScannedFile* begin, ScannedFile* end) {
  std::string file;
  for (ScannedFile* f = begin; f != end; ++f) {
    file.assign(f->name).append(suffix);
    f->stat = util::StatAt(dirfd, file);
  }
}

}  // namespace

ScannedFiles ScanCheckpointFiles(const std::string& dir, const std::string& suffix) {
  DirFd fd(dir);
  ScannedFiles files = List(fd.get(), dir, suffix);
  size_t threads = std::min<size_t>({kMaxThreads, std::max(1u, std::thread::hardware_concurrency()),
                                     files.size() / kFilesPerThread + 1});
  size_t per_thread = (files.size() + threads - 1) / std::max<size_t>(threads, 1);
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < threads; ++t) {
    ScannedFile* from = files.data() + std::min(files.size(), t * per_thread);
    ScannedFile* to = files.data() + std::min(files.size(), (t + 1) * per_thread);
    try {
      helpers.emplace_back(StatRange, fd.get(), std::string_view(suffix), from, to);
    } catch (const std::system_error&) {
      StatRange(fd.get(), suffix, from, to);  // no thread to be had: do it here
    }
  }
  StatRange(fd.get(), suffix, files.data(), files.data() + std::min(files.size(), per_thread));
  for (auto& helper : helpers) helper.join();
  return files;
}

CheckpointScan::CheckpointScan(const std::string& dir, const std::string& suffix) {
  try {
    result_ = std::async(std::launch::async, ScanCheckpointFiles, dir, suffix);
  } catch (const std::system_error&) {
    result_ = std::async(std::launch::deferred, ScanCheckpointFiles, dir, suffix);
  }
}

ScannedFiles CheckpointScan::Get() { return result_.get(); }

}  // namespace virtckpt::store::files
