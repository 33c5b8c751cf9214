#include "util/directory.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "util/error.hpp"

namespace virtckpt::util {

namespace {

namespace fs = boost::filesystem;

[[noreturn]] void ThrowIo(const std::string& what, const std::string& path, int err) {
  throw Error(ErrorCode::SystemError, what + " '" + path + "': " + std::strerror(err));
}

struct CloseDir {
  void operator()(DIR* dir) const { closedir(dir); }
};

void ForEachNameOf(DIR* stream, const std::function<void(std::string_view)>& visit) {
  while (struct dirent* ent = readdir(stream)) {
    std::string_view name = ent->d_name;
    if (name != "." && name != "..") visit(name);
  }
}

}  // namespace

std::vector<std::string> ListDirectory(const std::string& path) {
  std::vector<std::string> names;
  boost::system::error_code ec;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  return names;
}

bool IsDirectory(const std::string& path) {
  boost::system::error_code ec;
  return fs::is_directory(fs::symlink_status(path, ec));
}

UniqueFd OpenDirectory(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) ThrowIo("Failed to open directory", path, errno);
  return fd;
}

void ForEachName(const UniqueFd& dir, const std::string& path,
                 const std::function<void(std::string_view)>& visit) {
  // The stream takes a descriptor of its own: `dir` stays open for the caller.
  UniqueFd own(dup(dir.get()));
  std::unique_ptr<DIR, CloseDir> stream(fdopendir(own.get()));
  if (!stream) ThrowIo("Failed to read directory", path, errno);
  own.release();
  ForEachNameOf(stream.get(), visit);
}

void ForEachName(const std::string& path, const std::function<void(std::string_view)>& visit) {
  std::unique_ptr<DIR, CloseDir> stream(opendir(path.c_str()));
  if (stream) ForEachNameOf(stream.get(), visit);
}

void RemoveDirectoryContents(const std::string& path) {
  for (const std::string& name : ListDirectory(path)) {
    std::string entry = path + "/" + name;
    if (unlink(entry.c_str()) == 0 || errno == ENOENT) continue;
    if (errno != EISDIR) ThrowIo("Failed to remove file", entry, errno);
    RemoveDirectoryContents(entry);
    RemoveDirectory(entry);
  }
}

void RemoveDirectory(const std::string& path) {
  if (rmdir(path.c_str()) < 0 && errno != ENOENT) {
    ThrowIo("Failed to remove directory", path, errno);
  }
}

void RenameDirectory(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) < 0) {
    ThrowIo("Failed to rename directory", from, errno);
  }
}

int ChangeDirectory(const std::string& path) {
  boost::system::error_code error;
  fs::current_path(path, error);
  return error.value();
}

std::optional<std::string> CurrentDirectory(int* error) {
  boost::system::error_code code;
  fs::path dir = fs::current_path(code);
  if (code) {
    *error = code.value();
    return std::nullopt;
  }
  return dir.string();
}

}  // namespace virtckpt::util
