#include "store/files/journal.hpp"

#include <boost/filesystem.hpp>
#include <set>
#include <string_view>

#include "store/files/file_names.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"
#include "util/strings.hpp"

namespace virtckpt::store::files {

namespace {

constexpr const char* kHeader = "virtckpt-journal 1\n";

[[noreturn]] void Corrupt(const std::string& why) {
  throw util::Error(util::ErrorCode::InternalCorruption, "malformed store journal: " + why);
}

std::string ParentOf(const std::string& path) { return path.substr(0, path.rfind('/')); }

// Only plain relative paths inside the domain directory.
void CheckPath(const std::string& path) {
  bool bad = path.find('\n') != std::string::npos || path.find(' ') != std::string::npos;
  for (const std::string& part : util::Split(path, '/')) {
    bad |= part.empty() || part == "." || part == "..";
  }
  if (bad) Corrupt("bad path '" + path + "'");
}

void Apply(const std::string& dir, const std::vector<FileChange>& changes) {
  for (const auto& change : changes) {
    std::string path = PathIn(dir, change.path);
    if (change.content) {
      util::WriteFileAtomic(path, *change.content);
    } else {
      util::RemoveFileDurable(path);
    }
  }
}

// Removes what may be left of the undo links of `changes`.
void RemoveUndoLinks(const std::string& dir, const std::vector<FileChange>& changes) {
  for (const auto& change : changes) util::TryRemoveFile(UndoLinkName(PathIn(dir, change.path)));
}

// Applies the writes first, keeping each replaced file alive as a hard link (which needs no
// data blocks), then the removals. The journal is on the disk already, so the files need not
// reach it one by one: one flush of the file system makes them all durable before the journal
// goes. If a write or the flush fails (a full disk), the applied ones are undone by renaming
// the links back, and the error is rethrown: the command changed nothing.
void ApplyUndoable(const std::string& dir, const std::vector<FileChange>& changes) {
  std::vector<std::pair<std::string, bool>> applied;  // path, had an old version
  std::set<std::string> written_dirs;
  try {
    for (const auto& change : changes) {
      if (!change.content) continue;
      std::string path = PathIn(dir, change.path);
      std::string undo = UndoLinkName(path);
      util::TryRemoveFile(undo);
      boost::system::error_code ec;
      boost::filesystem::create_hard_link(path, undo, ec);
      bool had_old = !ec;
      // Only a missing file needs no undo link. One that exists but cannot be linked (a full
      // directory on a full disk) must not be replaced: undoing would remove it.
      if (ec && ec != boost::system::errc::no_such_file_or_directory) {
        throw util::Error(util::ErrorCode::SystemError,
                          "Failed to link file '" + path + "' to '" + undo + "': " + ec.message());
      }
      util::ReplaceFile(path, *change.content);
      applied.emplace_back(path, had_old);
      written_dirs.insert(ParentOf(path));
    }
    if (!applied.empty()) util::SyncFileSystem(dir);
    for (const std::string& written : written_dirs) util::FsyncDirectory(written);
  } catch (const util::Error&) {
    for (auto it = applied.rbegin(); it != applied.rend(); ++it) {
      boost::system::error_code ec;
      if (it->second) boost::filesystem::rename(UndoLinkName(it->first), it->first, ec);
      bool undone = it->second ? !ec : util::TryRemoveFile(it->first);
      if (!undone) throw;  // the journal stays: the next command completes the change
    }
    RemoveUndoLinks(dir, changes);
    util::RemoveFileDurable(JournalFileName(dir));
    throw;
  }
  RemoveUndoLinks(dir, changes);
  std::set<std::string> removed_dirs;
  for (const auto& change : changes) {
    if (change.content) continue;
    std::string path = PathIn(dir, change.path);
    if (util::RemoveFile(path)) removed_dirs.insert(ParentOf(path));
  }
  for (const std::string& removed : removed_dirs) util::FsyncDirectory(removed);
}

}  // namespace

std::string FormatJournal(const std::vector<FileChange>& changes) {
  std::string out = kHeader;
  for (const auto& change : changes) {
    CheckPath(change.path);
    if (change.content) {
      out += "W " + change.path + " " + std::to_string(change.content->size()) + "\n";
      out += *change.content;
      out += "\n";
    } else {
      out += "D " + change.path + "\n";
    }
  }
  return out + "E\n";
}

std::vector<FileChange> ParseJournal(const std::string& text) {
  std::string header = kHeader;
  if (text.compare(0, header.size(), header) != 0) Corrupt("no header");
  std::vector<FileChange> changes;
  size_t pos = header.size();
  for (;;) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) Corrupt("truncated");
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (line == "E") break;
    std::vector<std::string> words = util::Split(line, ' ');
    if (words.size() == 2 && words[0] == "D") {
      CheckPath(words[1]);
      changes.push_back({words[1], std::nullopt});
    } else if (words.size() == 3 && words[0] == "W") {
      CheckPath(words[1]);
      std::optional<uint64_t> size = util::ParseUint64(words[2]);
      if (!size || pos + *size + 1 > text.size() || text[pos + *size] != '\n') Corrupt("truncated");
      changes.push_back({words[1], text.substr(pos, *size)});
      pos += *size + 1;
    } else {
      Corrupt("bad line '" + line + "'");
    }
  }
  return changes;
}

void ApplyWithJournal(const std::string& dir, const std::vector<FileChange>& changes) {
  if (changes.empty()) return;
  if (changes.size() == 1) {
    // One file changes atomically on its own.
    Apply(dir, changes);
    return;
  }
  util::WriteFileAtomic(JournalFileName(dir), FormatJournal(changes));
  ApplyUndoable(dir, changes);
  util::RemoveFileDurable(JournalFileName(dir));
}

bool ReplayJournal(const std::string& dir) {
  std::string journal = JournalFileName(dir);
  if (!util::PathExists(journal)) return false;
  std::vector<FileChange> changes = ParseJournal(util::ReadStoreFile(journal));
  Apply(dir, changes);
  RemoveUndoLinks(dir, changes);
  util::RemoveFileDurable(journal);
  return true;
}

}  // namespace virtckpt::store::files
