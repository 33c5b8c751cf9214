#include "store/files/domain_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "store/files/journal.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"

namespace virtckpt::store::files {

namespace {

struct Entry {
  std::string name;
  bool directory = false;
};

std::vector<Entry> Entries(const std::string& dir) {
  std::vector<Entry> entries;
  DIR* d = opendir(dir.c_str());
  if (!d) return entries;
  while (struct dirent* ent = readdir(d)) {
    std::string name = ent->d_name;
    if (name == "." || name == "..") continue;
    bool directory = ent->d_type == DT_DIR;
    struct stat st;
    if (ent->d_type == DT_UNKNOWN && lstat((dir + "/" + name).c_str(), &st) == 0) {
      directory = S_ISDIR(st.st_mode);
    }
    entries.push_back({std::move(name), directory});
  }
  closedir(d);
  return entries;
}

[[noreturn]] void ThrowIo(const std::string& what, const std::string& path, int err) {
  throw util::Error(util::ErrorCode::Io, what + " '" + path + "': " + std::strerror(err));
}

void RemoveTree(const std::string& dir) {
  for (const Entry& e : Entries(dir)) {
    std::string path = dir + "/" + e.name;
    if (e.directory) {
      RemoveTree(path);
      if (rmdir(path.c_str()) < 0 && errno != ENOENT)
        ThrowIo("Failed to remove directory", path, errno);
    } else if (unlink(path.c_str()) < 0 && errno != ENOENT) {
      ThrowIo("Failed to remove file", path, errno);
    }
  }
}

}  // namespace

void RemoveLeftovers(const std::string& dir) {
  for (const std::string& folder : {dir, dir + "/checkpoints"}) {
    bool removed = false;
    for (const Entry& e : Entries(folder)) {
      if (e.directory || !(util::IsTempFileName(e.name) || IsUndoLinkName(e.name))) continue;
      std::string path = folder + "/" + e.name;
      if (unlink(path.c_str()) < 0 && errno != ENOENT)
        ThrowIo("Failed to remove file", path, errno);
      removed = true;
    }
    if (removed) util::FsyncDirectory(folder);
  }
}

void RemoveDomainDirectory(const std::string& root, const std::string& name) {
  const std::string trash_prefix = std::string(kReservedNamePrefix) + "undefined.";
  std::string trash = root + "/" + trash_prefix + std::to_string(getpid());
  RemoveTree(trash);
  rmdir(trash.c_str());
  std::string dir = root + "/" + name;
  if (rename(dir.c_str(), trash.c_str()) < 0) ThrowIo("Failed to rename directory", dir, errno);
  util::FsyncDirectory(root);
  for (const Entry& e : Entries(root)) {
    if (!e.directory || e.name.compare(0, trash_prefix.size(), trash_prefix) != 0) continue;
    std::string path = root + "/" + e.name;
    RemoveTree(path);
    if (rmdir(path.c_str()) < 0 && errno != ENOENT)
      ThrowIo("Failed to remove directory", path, errno);
  }
  util::FsyncDirectory(root);
}

}  // namespace virtckpt::store::files
