// The names of the file store's files, every one of them made here (docs/store-format.md says
// what each holds). A path is the directory as given, '/' and the name: paths appear in
// messages, so they are never normalised.
#pragma once

#include <string>
#include <string_view>

namespace virtckpt::store::files {

// DIR/NAME: a name found in DIR or recorded relative to it (a journal's), as a path.
std::string PathIn(const std::string& dir, const std::string& name);

// In the store's root.

// Names in the root that begin with this are the store's own; no domain may have one.
constexpr const char* kReservedNamePrefix = ".virtckpt-";
// ROOT/.virtckpt-format
std::string StoreFormatFileName(const std::string& root);
// ROOT/DOMAIN
std::string DomainDirName(const std::string& root, const std::string& domain);
// ROOT/.virtckpt-undefined.PID: a domain directory that this process's undefine renamed away and
// removes.
std::string RemovedDomainDirName(const std::string& root);
// Whether `name` (in the root) is such a directory of any process.
bool IsRemovedDomainDirName(const std::string& name);

// In a domain directory DIR, by the names relative to it that a journal records.

constexpr const char* kDomainFile = "domain.xml";
constexpr const char* kSettingsFile = "settings.xml";
constexpr const char* kCurrentFile = "current";
constexpr const char* kBitmapOpsFile = "bitmap-ops.xml";
constexpr const char* kJobFile = "job.xml";
constexpr const char* kCompletedJobFile = "last-job.xml";
// checkpoints/NAME.xml
std::string CheckpointEntryName(const std::string& checkpoint);

// ... and by path.

std::string DomainFileName(const std::string& dir);
std::string SettingsFileName(const std::string& dir);
std::string CurrentFileName(const std::string& dir);
std::string BitmapOpsFileName(const std::string& dir);
std::string JobFileName(const std::string& dir);
std::string CompletedJobFileName(const std::string& dir);
std::string JournalFileName(const std::string& dir);
std::string IndexFileName(const std::string& dir);
std::string LockFileName(const std::string& dir);
// DIR/checkpoints
std::string CheckpointDirName(const std::string& dir);
// DIR/checkpoints/NAME.xml
std::string CheckpointFileName(const std::string& dir, const std::string& checkpoint);

// In DIR/checkpoints: NAME.xml is checkpoint NAME; no other name is loaded.
constexpr const char* kCheckpointSuffix = ".xml";
std::string CheckpointBaseName(const std::string& checkpoint);

// Beside any file PATH: PATH.undo, the old version kept while a journal is applied.
std::string UndoLinkName(const std::string& path);
bool IsUndoLinkName(std::string_view name);
// Temporary files (util::TempFileName) and undo links: what killed writers leave in DIR and in
// DIR/checkpoints.
bool IsLeftoverName(std::string_view name);

}  // namespace virtckpt::store::files
