// virsh's temporary file of an edit and its editor (vshEditWriteToTempFile, vshEditFile,
// vshEditReadBackFile), with virsh's messages.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "util/error.hpp"

namespace virtckpt::cli {

// A document that could not be read back: virsh reports "FILE: failed to read temporary file:
// REASON" (what()), fails the command, and then reports the error libvirt left pending,
// "Failed to open file 'FILE': REASON" (pending()).
class ReadBackError : public util::Error {
 public:
  ReadBackError(const std::string& message, std::string pending)
      : Error(util::ErrorCode::SystemError, message), pending_(std::move(pending)) {}
  const std::string& pending() const { return pending_; }

 private:
  std::string pending_;
};

// $TMPDIR/virtckptXXXXXX.xml (/tmp when TMPDIR is not set), mode 0600, holding the document;
// removed with the object.
class EditFile {
 public:
  // Throws Error(Io) "g_mkstemp_full: failed to create temporary file: REASON", or virsh's
  // messages when it cannot be written.
  explicit EditFile(const std::string& contents);
  ~EditFile() { Remove(); }
  EditFile(const EditFile&) = delete;
  EditFile& operator=(const EditFile&) = delete;

  const std::string& path() const { return path_; }
  void Remove();

  // Runs the editor on the file: $VISUAL if set (even empty), else $EDITOR, else vi; directly
  // when it consists of letters, digits and "-/_.:@" only, else as "sh -c 'EDITOR FILE'", which
  // is refused when the file's name has other characters (Error(InvalidArgument) "FILE:
  // temporary filename contains shell meta or other unacceptable characters (is $TMPDIR
  // wrong?)"). Throws util::RunCommand's errors.
  void RunEditor() const;

  // What the editor left. Throws ReadBackError when the file cannot be opened.
  std::string ReadBack() const;

 private:
  std::string path_;
};

// The command RunEditor runs for `editor` on `path`, as virsh builds it.
std::vector<std::string> EditorCommand(const std::string& editor, const std::string& path);

}  // namespace virtckpt::cli
