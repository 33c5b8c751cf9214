#include "cli/edit_file.hpp"

#include <cstdlib>
#include <cstring>

#include "util/child_command.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"
#include "util/temp_file.hpp"

namespace virtckpt::cli {

namespace {

constexpr const char kAcceptedChars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/_.:@";

bool OnlyAccepted(const std::string& text) {
  return text.find_first_not_of(kAcceptedChars) == std::string::npos;
}

}  // namespace

EditFile::EditFile(const std::string& contents) {
  const char* dir = std::getenv("TMPDIR");
  path_ = util::CreateTempFile(dir ? dir : "/tmp", "virtckpt", ".xml", contents);
}

void EditFile::Remove() {
  if (!path_.empty()) util::TryRemoveFile(path_);
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
  if (int error = util::OpenForReadingError(path_, false); error != 0) {
    std::string reason = std::strerror(error);
    throw ReadBackError(path_ + ": failed to read temporary file: " + reason,
                        "Failed to open file '" + path_ + "': " + reason);
  }
  return util::ReadFile(path_);
}

}  // namespace virtckpt::cli
