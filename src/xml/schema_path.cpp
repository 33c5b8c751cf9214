#include "xml/schema_path.hpp"

#include <boost/filesystem.hpp>
#include <cstdlib>

#include "util/file_util.hpp"
#include "util/strings.hpp"

namespace virtckpt::xml {

namespace {

// Without symlinks, "." or ".."; `path` itself when it does not exist.
std::string RealPath(const std::string& path) {
  boost::system::error_code ec;
  boost::filesystem::path resolved = boost::filesystem::canonical(path, ec);
  return ec ? path : resolved.string();
}

std::string ExecutableDir() {
  boost::system::error_code ec;
  std::string exe = boost::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec || exe.empty()) return "";
  return exe.substr(0, exe.rfind('/'));
}

bool IsInside(const std::string& path, const std::string& dir) {
  return path == dir || util::StartsWith(path, dir + "/");
}

// Steps 2 to 4 of the header's list.
std::string DirForThisBinary() {
  const std::string installed = VIRTCKPT_INSTALLED_SCHEMA_DIR;
  const std::string exe_dir = ExecutableDir();
  if (exe_dir.empty()) return installed;
  const std::string bindir = VIRTCKPT_BINDIR;
  if (exe_dir == RealPath(bindir)) return installed;
  if (exe_dir.size() > bindir.size() &&
      exe_dir.compare(exe_dir.size() - bindir.size(), bindir.size(), bindir) == 0) {
    return exe_dir.substr(0, exe_dir.size() - bindir.size()) + installed;
  }
  if (IsInside(exe_dir, RealPath(VIRTCKPT_BUILD_ROOT))) return VIRTCKPT_SOURCE_SCHEMA_DIR;
  return installed;
}

}  // namespace

std::string SchemaPath(const std::string& file_name) {
  if (const char* dir = std::getenv("VIRTCKPT_SCHEMA_DIR"); dir && *dir) {
    return std::string(dir) + "/" + file_name;
  }
  static const std::string dir = DirForThisBinary();
  return dir + "/" + file_name;
}

std::optional<std::string> LibvirtSchemaPath(const std::string& file_name) {
  if (const char* dir = std::getenv("VIRTCKPT_LIBVIRT_SCHEMA_DIR")) {
    if (!*dir) return std::nullopt;
    return std::string(dir) + "/" + file_name;
  }
  std::string path = std::string(VIRTCKPT_DEFAULT_LIBVIRT_SCHEMA_DIR) + "/" + file_name;
  if (util::OpenForReadingError(path) != 0) return std::nullopt;
  return path;
}

}  // namespace virtckpt::xml
