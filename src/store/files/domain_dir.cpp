#include "store/files/domain_dir.hpp"

#include <vector>

#include "store/files/file_names.hpp"
#include "util/directory.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"

namespace virtckpt::store::files {

void RemoveLeftovers(const std::string& dir) {
  for (const std::string& folder : {dir, CheckpointDirName(dir)}) {
    std::vector<std::string> leftovers;
    util::ForEachName(folder, [&](std::string_view name) {
      if (IsLeftoverName(name)) leftovers.push_back(PathIn(folder, std::string(name)));
    });
    bool removed = false;
    for (const std::string& path : leftovers) {
      if (util::IsDirectory(path)) continue;
      util::RemoveFile(path);
      removed = true;
    }
    if (removed) util::FsyncDirectory(folder);
  }
}

void RemoveDomainDirectory(const std::string& root, const std::string& name) {
  std::string trash = RemovedDomainDirName(root);
  util::RemoveDirectoryContents(trash);
  try {
    util::RemoveDirectory(trash);
  } catch (const util::Error&) {
    // What stands in the way makes the rename below fail, and that error says so.
  }
  util::RenameDirectory(DomainDirName(root, name), trash);
  util::FsyncDirectory(root);
  for (const std::string& entry : util::ListDirectory(root)) {
    std::string path = PathIn(root, entry);
    if (!IsRemovedDomainDirName(entry) || !util::IsDirectory(path)) continue;
    util::RemoveDirectoryContents(path);
    util::RemoveDirectory(path);
  }
  util::FsyncDirectory(root);
}

}  // namespace virtckpt::store::files
