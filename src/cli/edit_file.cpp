#include "cli/edit_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/child_command.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"

namespace virtckpt::cli {

namespace {

constexpr const char kAcceptedChars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/_.:@";

bool OnlyAccepted(const std::string& text) {
  return text.find_first_not_of(kAcceptedChars) == std::string::npos;
}

[[noreturn]] void Fail(const std::string& message, int error) {
  throw util::Error(util::ErrorCode::SystemError, message + strerror(error));
}

}  // namespace

EditFile::EditFile(const std::string& contents) {
  const char* dir = std::getenv("TMPDIR");
  std::string pattern = std::string(dir ? dir : "/tmp") + "/virtckptXXXXXX.xml";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  int fd = mkostemps(buf.data(), 4, O_CLOEXEC);
  if (fd < 0) Fail("g_mkstemp_full: failed to create temporary file: ", errno);
  path_ = buf.data();
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      close(fd);
      Fail("write: " + path_ + ": failed to write to temporary file: ", error);
    }
    done += static_cast<size_t>(n);
  }
  if (close(fd) < 0) Fail("close: " + path_ + ": failed to write or close temporary file: ", errno);
}

void EditFile::Remove() {
  if (!path_.empty()) unlink(path_.c_str());
  path_.clear();
}

std::vector<std::string> EditorCommand(const std::string& editor, const std::string& path) {
  if (OnlyAccepted(editor)) return {editor, path};
  if (!OnlyAccepted(path)) {
    throw util::Error(util::ErrorCode::SystemError,
                      path +
                          ": temporary filename contains shell meta or other unacceptable "
                          "characters (is $TMPDIR wrong?)");
  }
  return {"sh", "-c", editor + " " + path};
}

void EditFile::RunEditor() const {
  const char* editor = std::getenv("VISUAL");
  if (!editor) editor = std::getenv("EDITOR");
  if (!editor) editor = "vi";
  util::RunCommand(EditorCommand(editor, path_));
}

std::string EditFile::ReadBack() const {
  int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::string reason = strerror(errno);
    throw ReadBackError(path_ + ": failed to read temporary file: " + reason,
                        "Failed to open file '" + path_ + "': " + reason);
  }
  close(fd);
  return util::ReadFile(path_);
}

}  // namespace virtckpt::cli
