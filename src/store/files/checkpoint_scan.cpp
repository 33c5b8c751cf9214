#include "store/files/checkpoint_scan.hpp"

#include <algorithm>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "util/directory.hpp"
#include "util/unique_fd.hpp"

namespace virtckpt::store::files {

namespace {

// Below this many files one thread is as fast as several.
constexpr size_t kFilesPerThread = 2048;
constexpr unsigned kMaxThreads = 4;

ScannedFiles List(const util::UniqueFd& dir, const std::string& path, std::string_view suffix) {
  ScannedFiles files;
  files.reserve(4096);
  util::ForEachName(dir, path, [&](std::string_view file) {
    if (file.size() <= suffix.size() || file.substr(file.size() - suffix.size()) != suffix) return;
    files.push_back({std::string(file.substr(0, file.size() - suffix.size())), std::nullopt});
  });
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
  util::UniqueFd fd = util::OpenDirectory(dir);
  ScannedFiles files = List(fd, dir, suffix);
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
