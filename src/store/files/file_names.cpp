#include "store/files/file_names.hpp"

#include <unistd.h>

#include <string_view>

#include "util/file_util.hpp"
#include "util/strings.hpp"

namespace virtckpt::store::files {

namespace {

// In the root, after kReservedNamePrefix.
constexpr const char* kStoreFormatFile = "format";
constexpr const char* kRemovedDomainDir = "undefined.";
// In a domain directory, beside the names of the header.
constexpr const char* kJournalFile = "journal";
constexpr const char* kIndexFile = "index";
constexpr const char* kLockFile = "lock";
constexpr const char* kCheckpointDir = "checkpoints";
constexpr std::string_view kUndoSuffix = ".undo";

}  // namespace

std::string PathIn(const std::string& dir, const std::string& name) { return dir + "/" + name; }

std::string StoreFormatFileName(const std::string& root) {
  return PathIn(root, kReservedNamePrefix + std::string(kStoreFormatFile));
}

std::string DomainDirName(const std::string& root, const std::string& domain) {
  return PathIn(root, domain);
}

std::string RemovedDomainDirName(const std::string& root) {
  return PathIn(root,
                kReservedNamePrefix + std::string(kRemovedDomainDir) + std::to_string(getpid()));
}

bool IsRemovedDomainDirName(const std::string& name) {
  return util::StartsWith(name, kReservedNamePrefix + std::string(kRemovedDomainDir));
}

std::string CheckpointEntryName(const std::string& checkpoint) {
  return PathIn(kCheckpointDir, CheckpointBaseName(checkpoint));
}

std::string DomainFileName(const std::string& dir) { return PathIn(dir, kDomainFile); }
std::string SettingsFileName(const std::string& dir) { return PathIn(dir, kSettingsFile); }
std::string CurrentFileName(const std::string& dir) { return PathIn(dir, kCurrentFile); }
std::string BitmapOpsFileName(const std::string& dir) { return PathIn(dir, kBitmapOpsFile); }
std::string JobFileName(const std::string& dir) { return PathIn(dir, kJobFile); }
std::string CompletedJobFileName(const std::string& dir) { return PathIn(dir, kCompletedJobFile); }
std::string JournalFileName(const std::string& dir) { return PathIn(dir, kJournalFile); }
std::string IndexFileName(const std::string& dir) { return PathIn(dir, kIndexFile); }
std::string LockFileName(const std::string& dir) { return PathIn(dir, kLockFile); }
std::string CheckpointDirName(const std::string& dir) { return PathIn(dir, kCheckpointDir); }

std::string CheckpointFileName(const std::string& dir, const std::string& checkpoint) {
  return PathIn(dir, CheckpointEntryName(checkpoint));
}

std::string CheckpointBaseName(const std::string& checkpoint) {
  return checkpoint + kCheckpointSuffix;
}

std::string UndoLinkName(const std::string& path) { return path + std::string(kUndoSuffix); }

bool IsUndoLinkName(std::string_view name) {
  return name.size() > kUndoSuffix.size() &&
         name.compare(name.size() - kUndoSuffix.size(), kUndoSuffix.size(), kUndoSuffix) == 0;
}

bool IsLeftoverName(std::string_view name) {
  return util::IsTempFileName(name) || IsUndoLinkName(name);
}

}  // namespace virtckpt::store::files
