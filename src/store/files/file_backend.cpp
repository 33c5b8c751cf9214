#include "store/files/file_backend.hpp"

#include <algorithm>
#include <boost/filesystem.hpp>
#include <cerrno>
#include <cstring>
#include <set>

#include "store/files/backup_job_file.hpp"
#include "store/files/bitmap_ops_file.hpp"
#include "store/files/checkpoint_file.hpp"
#include "store/files/checkpoint_scan.hpp"
#include "store/files/completed_job_file.hpp"
#include "store/files/domain_dir.hpp"
#include "store/files/domain_name.hpp"
#include "store/files/file_names.hpp"
#include "store/files/index_file.hpp"
#include "store/files/journal.hpp"
#include "store/files/settings_file.hpp"
#include "store/files/store_format.hpp"
#include "util/directory.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"
#include "util/file_util.hpp"
#include "util/name_table.hpp"
#include "util/unique_fd.hpp"
#include "xml/document.hpp"

namespace virtckpt::store::files {

using util::Error;
using util::ErrorCategory;
using util::ErrorCode;

namespace {

constexpr size_t kMaxCheckpointFile = 16u << 20;
// Attempts of `define` to lock a domain directory that a concurrent `undefine` removes.
constexpr int kDefineAttempts = 100;

[[noreturn]] void NoDomain(const std::string& name) {
  throw Error(ErrorCode::DomainLookupFailed, "failed to get domain '" + name + "'");
}

conf::DomainDef ReadDomainFile(const std::string& path) {
  xml::ParseOptions options;
  options.source = path;
  return conf::DomainDef::FromNode(xml::Document::Parse(util::ReadStoreFile(path), options).Root());
}

// Every file `change` writes or removes, in an order where each prefix is a sound state too;
// `bitmap_ops` are the operations recorded before it.
std::vector<FileChange> ChangedFiles(const Change& change,
                                     const std::vector<BitmapOp>& bitmap_ops) {
  std::vector<FileChange> files;
  if (change.clear_bitmap_ops || !change.bitmap_ops.empty()) {
    std::vector<BitmapOp> ops = change.clear_bitmap_ops ? std::vector<BitmapOp>{} : bitmap_ops;
    ops.insert(ops.end(), change.bitmap_ops.begin(), change.bitmap_ops.end());
    files.push_back({kBitmapOpsFile, FormatBitmapOps(ops)});
  }
  if (change.domain) files.push_back({kDomainFile, change.domain->Format(0, true)});
  if (change.settings) files.push_back({kSettingsFile, FormatSettings(*change.settings)});
  for (const auto& record : change.upserts) {
    const std::string& name = record.def.name;
    if (!conf::IsValidCheckpointName(name)) {
      throw Error(ErrorCode::InvalidArg, "'" + name + "' is not a valid checkpoint name");
    }
    files.push_back({CheckpointEntryName(name), FormatCheckpointFile(record)});
  }
  if (change.set_current) {
    files.push_back({kCurrentFile, change.current
                                       ? std::optional<std::string>(*change.current + "\n")
                                       : std::nullopt});
  }
  for (const auto& name : change.removals) files.push_back({CheckpointEntryName(name), {}});
  if (change.set_job) {
    files.push_back({kJobFile, change.job ? std::optional<std::string>(FormatBackupJob(*change.job))
                                          : std::nullopt});
  }
  if (change.set_completed_job) {
    files.push_back({kCompletedJobFile,
                     change.completed_job
                         ? std::optional<std::string>(FormatCompletedJob(*change.completed_job))
                         : std::nullopt});
  }
  return files;
}

// Whether the domain directory makes a domain. A killed `checkpoint-import` of a new domain may
// have committed its journal before it wrote domain.xml: the journal is carried out first.
bool DomainDirectoryHoldsDomain(const std::string& dir) {
  if (util::PathExists(DomainFileName(dir))) return true;
  if (!util::PathExists(JournalFileName(dir))) return false;
  try {
    util::FileLock lock(LockFileName(dir), util::FileLock::Mode::Exclusive);
    if (util::PathExists(JournalFileName(dir))) {
      util::RemoveFileDurable(IndexFileName(dir));
      ReplayJournal(dir);
    }
  } catch (const Error& e) {
    if (e.category() != ErrorCategory::NotFound) throw;
  }
  return util::PathExists(DomainFileName(dir));
}

// Whether the session may rewrite a stale index: never in a store of an older format, which
// read-only commands read as it is.
enum class IndexRefresh { Allowed, Forbidden };

class FileSession : public DomainSession {
 public:
  FileSession(std::string dir, Access access, IndexRefresh refresh)
      : dir_(std::move(dir)), access_(access) {
    if (access == Access::Write) {
      Lock(util::FileLock::Mode::Exclusive);
    } else if (!TryLockShared()) {
      // No lock file: a store copied without it. Writers create it; so does this reader.
      Lock(util::FileLock::Mode::Exclusive);
    }
    if (util::PathExists(JournalFileName(dir_))) {
      // A command was killed half-way: finish it before anyone reads.
      if (access == Access::Read) Lock(util::FileLock::Mode::Exclusive);
      if (util::PathExists(JournalFileName(dir_))) {
        // The killed command may have replaced files the index still vouches for by inode,
        // and the replay may get such a freed inode back: the index goes first.
        util::RemoveFileDurable(IndexFileName(dir_));
        ReplayJournal(dir_);
      }
    }
    if (!util::PathExists(DomainFileName(dir_))) NoDomain(DomainName());
    if (access == Access::Write) RemoveLeftovers(dir_);
    CheckpointScan scan(CheckpointDir(), kCheckpointSuffix);
    domain_ = ReadDomainFile(DomainFileName(dir_));
    if (util::PathExists(SettingsFileName(dir_))) {
      settings_ =
          ParseSettings(util::ReadStoreFile(SettingsFileName(dir_)), SettingsFileName(dir_));
    }
    if (util::PathExists(CurrentFileName(dir_))) {
      std::string name = util::ReadStoreFile(CurrentFileName(dir_));
      while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
      if (!name.empty()) current_ = name;
    }
    if (util::PathExists(BitmapOpsFileName(dir_))) {
      bitmap_ops_ =
          ParseBitmapOps(util::ReadStoreFile(BitmapOpsFileName(dir_)), BitmapOpsFileName(dir_));
    }
    if (util::PathExists(JobFileName(dir_))) {
      job_ = ParseBackupJob(util::ReadStoreFile(JobFileName(dir_)), JobFileName(dir_));
    }
    LoadCompletedJob();
    LoadCheckpoints(scan.Get());
    if (current_ && !RowOf(*current_)) current_.reset();
    // Readers refresh a stale index too: under the shared lock no writer runs, so every
    // reader would write the same content (best effort: a read-only store just stays slow).
    if (access == Access::Read && refresh == IndexRefresh::Allowed && !stale_.empty()) {
      try {
        WriteIndex();
      } catch (const Error&) {
      }
    }
  }

  const conf::DomainDef& domain() const override { return domain_; }
  const DomainSettings& settings() const override { return settings_; }
  const CheckpointSummaries& checkpoints() const override { return summaries_; }
  const util::NameTable* names() const override { return &position_; }
  const std::optional<std::string>& current() const override { return current_; }
  const std::optional<BackupJob>& job() const override { return job_; }
  const std::optional<CompletedJob>& completed_job() const override { return completed_job_; }
  const std::vector<std::string>& warnings() const override { return warnings_; }
  std::vector<std::string> unloadable() const override {
    return std::vector<std::string>(unloadable_.begin(), unloadable_.end());
  }
  const std::vector<BitmapOp>& bitmap_ops() const override { return bitmap_ops_; }

  CheckpointRecord ReadCheckpoint(const std::string& name) override {
    if (!RowOf(name)) {
      throw Error(ErrorCode::NoDomainCheckpoint,
                  "no domain checkpoint with matching name '" + name + "'");
    }
    std::string path = CheckpointPath(name);
    return ParseCheckpointFile(util::ReadFileLimited(path, kMaxCheckpointFile), path);
  }

  void Commit(const Change& change) override {
    if (access_ != Access::Write) {
      throw Error(ErrorCode::InternalError, "commit on a read-only session");
    }
    for (const auto& record : change.upserts) {
      const std::string& name = record.def.name;
      if (unloadable_.count(name)) {
        throw Error(ErrorCode::OperationFailedCorrupt,
                    "checkpoint file '" + CheckpointPath(name) +
                        "' exists but cannot be loaded; move it away first");
      }
    }
    std::vector<FileChange> files = ChangedFiles(change, bitmap_ops_);

    std::vector<std::string> replaced;
    for (const auto& record : change.upserts) replaced.push_back(record.def.name);
    replaced.insert(replaced.end(), change.removals.begin(), change.removals.end());
    std::optional<uint64_t> index_size = ForgetInIndex(replaced);
    try {
      ApplyWithJournal(dir_, files);
    } catch (const Error&) {
      // Without a journal left behind, every file is as it was (the undo links renamed back
      // give the very inodes the index names), and so is the index again.
      if (index_size && !util::PathExists(JournalFileName(dir_))) {
        try {
          util::TruncateFile(IndexFileName(dir_), *index_size);
        } catch (const Error&) {
        }
      }
      throw;
    }

    if (change.bitmap_ops.size() || change.clear_bitmap_ops) {
      if (change.clear_bitmap_ops) bitmap_ops_.clear();
      bitmap_ops_.insert(bitmap_ops_.end(), change.bitmap_ops.begin(), change.bitmap_ops.end());
    }
    if (change.domain) domain_ = *change.domain;
    if (change.settings) settings_ = *change.settings;
    if (change.set_current) current_ = change.current;
    if (change.set_job) job_ = change.job;
    if (change.set_completed_job) completed_job_ = change.completed_job;
    util::UniqueFd checkpoint_dir = util::OpenDirectory(CheckpointDir());
    for (const auto& record : change.upserts) {
      auto stat = util::StatAt(checkpoint_dir.get(), CheckpointBaseName(record.def.name));
      Put(Summarize(record), stat ? stat->stamp : FileStamp{});
      stale_.insert(record.def.name);
    }
    for (const auto& name : change.removals) {
      Drop(name);
      stale_.insert(name);
    }
    UpdateIndex();
  }

  // Removes the domain and everything of it; refused while it has checkpoints (loadable or
  // not), unless with_checkpoints. Returns the bitmap operations that were still pending.
  std::vector<BitmapOp> Undefine(bool with_checkpoints) {
    size_t count = summaries_.size() + unloadable_.size();
    if (count > 0 && !with_checkpoints) {
      throw Error(ErrorCode::OperationInvalid,
                  "cannot delete inactive domain with " + std::to_string(count) + " checkpoints");
    }
    // domain.xml goes first: from then on the domain no longer exists for any reader.
    util::RemoveFileDurable(DomainFileName(dir_));
    size_t slash = dir_.rfind('/');
    RemoveDomainDirectory(dir_.substr(0, slash), dir_.substr(slash + 1));
    return bitmap_ops_;
  }

 private:
  // Only statistics: a file that does not load is reported and read as no completed job.
  void LoadCompletedJob() {
    std::string path = CompletedJobFileName(dir_);
    if (!util::PathExists(path)) return;
    try {
      completed_job_ = ParseCompletedJob(util::ReadStoreFile(path), path);
    } catch (const Error& e) {
      std::string reason = e.what();
      std::replace(reason.begin(), reason.end(), '\n', ' ');
      while (!reason.empty() && reason.back() == ' ') reason.pop_back();
      warnings_.push_back("statistics of the last backup job of domain '" + domain_.name() +
                          "' skipped: cannot load " + path + ": " + reason);
    }
  }

  std::string CheckpointDir() const { return CheckpointDirName(dir_); }
  std::string CheckpointPath(const std::string& name) const {
    return CheckpointFileName(dir_, name);
  }

  std::string DomainName() const { return dir_.substr(dir_.rfind('/') + 1); }

  // A lock file that is missing means that the domain is gone (undefined meanwhile).
  void Lock(util::FileLock::Mode mode) {
    lock_.reset();
    try {
      lock_ = std::make_unique<util::FileLock>(LockFileName(dir_), mode);
    } catch (const Error& e) {
      if (e.category() == ErrorCategory::NotFound) NoDomain(DomainName());
      throw;
    }
  }

  // False when there is no lock file to share (the domain may still exist).
  bool TryLockShared() {
    try {
      lock_ = std::make_unique<util::FileLock>(LockFileName(dir_), util::FileLock::Mode::Shared);
      return true;
    } catch (const Error& e) {
      if (e.category() != ErrorCategory::NotFound) throw;
      if (!util::PathExists(DomainFileName(dir_))) NoDomain(DomainName());
      return false;
    }
  }

  std::optional<uint32_t> RowOf(const std::string& name) const { return position_.Find(name); }

  // Adds or replaces a summary.
  void Put(CheckpointSummary summary, FileStamp stamp) {
    if (auto row = RowOf(summary.name)) {
      summaries_[*row] = std::move(summary);
      stamps_[*row] = stamp;
      return;
    }
    summaries_.push_back(std::move(summary));
    stamps_.push_back(stamp);
    position_.Insert(static_cast<uint32_t>(summaries_.size() - 1));
  }

  void Drop(const std::string& name) {
    auto row = RowOf(name);
    if (!row) return;
    RemoveRow(summaries_, stamps_, position_, name, *row);
  }

  // An index entry is taken as it is while its file's stat data are exactly its stamp and the
  // file is older than the index; any other file is read.
  void LoadCheckpoints(ScannedFiles files) {
    uint64_t index_time = 0;
    if (std::optional<IndexContents> index = ReadIndex(IndexFileName(dir_))) {
      summaries_ = std::move(index->summaries);
      stamps_ = std::move(index->stamps);
      images_ = std::move(index->images);
      index_lines_ = index->lines;
      index_appendable_ = index->clean;
      index_trusted_ = true;
      index_time = index->mtime_ns;
      position_ = std::move(index->names);
    } else {
      position_.Reset(0);
    }
    position_.Rebind([this](uint32_t row) -> std::string_view { return summaries_[row].name; });
    std::vector<bool> present(summaries_.size(), false);
    for (const ScannedFile& scanned : files) {
      if (!scanned.stat) continue;  // removed meanwhile by someone who ignores the lock
      const std::string& name = scanned.name;
      const util::FileStat& stat = *scanned.stat;
      const FileStamp& stamp = stat.stamp;
      std::optional<uint32_t> row = RowOf(name);
      if (row && stat.regular && stamps_[*row] == stamp && !stamp.NotOlderThan(index_time)) {
        present[*row] = true;
        continue;
      }
      stale_.insert(name);
      std::string path = CheckpointPath(name);
      std::optional<CheckpointSummary> summary =
          stat.regular ? LoadFile(name, path) : Skip(name, path, "it is not a regular file");
      if (summary) {
        Put(std::move(*summary), stamp);
        present.resize(summaries_.size(), false);
        present[*RowOf(name)] = true;
      }
    }
    for (size_t row = present.size(); row-- > 0;) {
      if (present[row]) continue;
      stale_.insert(summaries_[row].name);
      Drop(std::string(summaries_[row].name));
    }
  }

  // The summary of one checkpoint file, or nullopt (and a warning) when it does not load.
  std::optional<CheckpointSummary> LoadFile(const std::string& name, const std::string& path) {
    try {
      CheckpointRecord record =
          ParseCheckpointFile(util::ReadFileLimited(path, kMaxCheckpointFile), path);
      if (record.def.name != name) {
        throw Error(ErrorCode::CorruptFile, "it names checkpoint '" + record.def.name + "'");
      }
      return Summarize(record);
    } catch (const Error& e) {
      return Skip(name, path, e.what());
    }
  }

  // Records that a checkpoint file does not load: a warning, and it is never overwritten.
  std::nullopt_t Skip(const std::string& name, const std::string& path, std::string reason) {
    unloadable_.insert(name);
    std::replace(reason.begin(), reason.end(), '\n', ' ');
    while (!reason.empty() && reason.back() == ' ') reason.pop_back();
    warnings_.push_back("checkpoint '" + name + "' of domain '" + domain_.name() +
                        "' skipped: cannot load " + path + ": " + reason);
    return std::nullopt;
  }

  // Before checkpoint files are replaced or removed, the index stops vouching for them: a
  // replaced file's inode is freed, and a later file of the same name may get it back while
  // the index still holds the old entry (a command killed between its writes and its index
  // lines, then replayed or followed by another). Where the index was already wrong about a
  // name, the 'R' line must reach the disk before the file changes; otherwise the old entry's
  // inode is still in use, and no new file can get it. Returns the index's size before the
  // lines, if they were appended. A failure to append fails the command, which then has
  // changed nothing.
  std::optional<uint64_t> ForgetInIndex(const std::vector<std::string>& names) {
    std::vector<std::string> vouched;  // the names the index may hold
    for (const std::string& name : names) {
      if (RowOf(name) || stale_.count(name)) vouched.push_back(name);
    }
    if (!index_trusted_ || vouched.empty()) return std::nullopt;
    if (!index_appendable_) {
      // A torn index: without an index every file is read.
      util::RemoveFileDurable(IndexFileName(dir_));
      index_trusted_ = false;
      return std::nullopt;
    }
    bool sync = std::any_of(vouched.begin(), vouched.end(),
                            [this](const std::string& name) { return stale_.count(name) > 0; });
    uint64_t size =
        util::AppendFile(IndexFileName(dir_), FormatIndexLines({}, vouched, &images_), sync);
    index_lines_ += vouched.size();
    forgotten_.insert(vouched.begin(), vouched.end());
    return size;
  }

  // After a commit: appends what changed (and what was found stale) to the index, or rewrites
  // it when appending would leave it torn or too long. The index is derived: a failure here
  // only leaves it stale, which the next load notices.
  void UpdateIndex() {
    try {
      if (!index_appendable_ || index_lines_ + stale_.size() > 2 * summaries_.size() + 64) {
        WriteIndex();
        return;
      }
      std::vector<IndexEntry> entries;
      std::vector<std::string> removals;
      for (const std::string& name : stale_) {
        if (auto row = RowOf(name)) {
          entries.push_back({stamps_[*row], summaries_[*row]});
        } else if (!forgotten_.count(name)) {
          removals.push_back(name);
        }
      }
      std::string lines = FormatIndexLines(entries, removals, &images_);
      index_appendable_ = false;  // until the lines are all written
      util::AppendFile(IndexFileName(dir_), lines);
      index_appendable_ = true;
      index_lines_ += entries.size() + removals.size();
      stale_.clear();
      forgotten_.clear();
    } catch (const Error&) {
    }
  }

  void WriteIndex() {
    std::vector<IndexEntry> entries;
    entries.reserve(summaries_.size());
    for (size_t i = 0; i < summaries_.size(); ++i) entries.push_back({stamps_[i], summaries_[i]});
    IndexImages images;
    util::WriteFileAtomic(IndexFileName(dir_), FormatIndex(entries, &images));
    images_ = std::move(images);
    index_lines_ = summaries_.size();
    index_appendable_ = true;
    index_trusted_ = true;
    stale_.clear();
    forgotten_.clear();
  }

  std::string dir_;
  Access access_;
  std::unique_ptr<util::FileLock> lock_;
  conf::DomainDef domain_;
  DomainSettings settings_;
  std::optional<std::string> current_;
  std::optional<BackupJob> job_;
  std::optional<CompletedJob> completed_job_;
  // The loaded checkpoints: summaries_[i] was read from a file with stamps_[i].
  CheckpointSummaries summaries_;
  util::LargeVector<FileStamp> stamps_;
  util::NameTable position_;  // the rows of summaries_ by name
  // The index file: the image numbers of its lines, how many lines it has, whether a line
  // may be appended to it (it exists and ends cleanly), and whether its entries are trusted.
  IndexImages images_;
  size_t index_lines_ = 0;
  bool index_appendable_ = false;
  bool index_trusted_ = false;
  // Checkpoints whose index line is missing or wrong (files read, gone, or just written).
  std::set<std::string> stale_;
  // Checkpoints whose entries this session removed from the index before changing their files.
  std::set<std::string> forgotten_;
  // Files that exist but did not load: never overwritten.
  std::set<std::string> unloadable_;
  std::vector<std::string> warnings_;
  std::vector<BitmapOp> bitmap_ops_;
};

class FileBackend : public Backend {
 public:
  FileBackend(std::string root, MissingRoot missing)
      : root_(std::move(root)),
        missing_(missing),
        exists_(RootExists(root_)),
        format_(exists_ ? ReadStoreFormat(root_) : kStoreFormatVersion) {}

  bool Exists() const override { return exists_; }

  std::vector<std::string> ListDomains() override {
    if (!exists_) return NoStore<std::vector<std::string>>();
    std::vector<std::string> names;
    for (std::string& name : util::ListDirectory(root_)) {
      if (IsUsableDomainName(name) && DomainDirectoryHoldsDomain(DomainDir(name))) {
        names.push_back(std::move(name));
      }
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  bool HasDomain(const std::string& name) override {
    if (!exists_) return NoStore<bool>();
    return IsUsableDomainName(name) && DomainDirectoryHoldsDomain(DomainDir(name));
  }

  std::optional<std::string> DomainWithUuid(const std::string& uuid) override {
    if (!exists_) return NoStore<std::optional<std::string>>();
    for (const std::string& name : ListDomains()) {
      try {
        if (ReadDomainFile(DomainFileName(DomainDir(name))).uuid() == uuid) return name;
      } catch (const Error&) {
      }
    }
    return std::nullopt;
  }

  std::unique_ptr<DomainSession> Open(const std::string& name, Access access) override {
    if (!exists_) NoStore<void>();
    if (!IsUsableDomainName(name) || !DomainDirectoryHoldsDomain(DomainDir(name))) {
      NoDomain(name);
    }
    if (access == Access::Write) Upgrade();
    return std::make_unique<FileSession>(
        DomainDir(name), access,
        format_ == kStoreFormatVersion ? IndexRefresh::Allowed : IndexRefresh::Forbidden);
  }

  bool Define(const conf::DomainDef& def, const std::optional<DomainSettings>& settings) override {
    CheckDomainName(def.name());
    if (!exists_) {
      util::MakeDirectories(root_, 0700);
      exists_ = true;
      format_ = 1;
    }
    Upgrade();
    std::string dir = DomainDir(def.name());
    std::unique_ptr<util::FileLock> lock = LockNewOrExisting(dir);
    if (util::PathExists(JournalFileName(dir))) {
      util::RemoveFileDurable(IndexFileName(dir));
      ReplayJournal(dir);
    }
    RemoveLeftovers(dir);
    bool is_new = !util::PathExists(DomainFileName(dir));
    if (settings || !util::PathExists(SettingsFileName(dir))) {
      util::WriteFileAtomic(SettingsFileName(dir),
                            FormatSettings(settings.value_or(DomainSettings{})));
    }
    util::WriteFileAtomic(DomainFileName(dir), def.Format(0, true));
    return is_new;
  }

  void Create(const conf::DomainDef& def, const DomainSettings& settings,
              const Change& change) override {
    CheckDomainName(def.name());
    std::string dir = DomainDir(def.name());
    // What this call makes, taken away again when it fails: a failed import leaves the store
    // as it was, not an empty domain directory (nor a store where there was none).
    Made made;
    made.root = !exists_;
    made.dir = made.root || !util::PathExists(dir);
    made.folder = made.dir || !util::PathExists(CheckpointDirName(dir));
    made.lock = made.dir || !util::PathExists(LockFileName(dir));
    std::unique_ptr<util::FileLock> lock;
    try {
      if (!exists_) {
        util::MakeDirectories(root_, 0700);
        exists_ = true;
        format_ = 1;
      }
      Upgrade();
      lock = LockNewOrExisting(dir);
      if (util::PathExists(JournalFileName(dir))) {
        util::RemoveFileDurable(IndexFileName(dir));
        ReplayJournal(dir);
      }
      RemoveLeftovers(dir);
      if (util::PathExists(DomainFileName(dir))) {
        throw Error(ErrorCode::OperationFailed, "domain '" + def.name() + "' already exists");
      }
      Change whole = change;
      whole.domain.reset();
      whole.settings = settings;
      std::vector<FileChange> files = ChangedFiles(whole, {});
      // domain.xml last: until the whole change is in place there is no domain, even for those
      // who read without the lock (list); a journal committed before domain.xml makes the
      // domain, and DomainDirectoryHoldsDomain carries it out first. A failed write takes
      // every file back, domain.xml never having been there.
      files.push_back(FileChange{kDomainFile, def.Format(0, true)});
      ApplyWithJournal(dir, files);
    } catch (const Error&) {
      // Unless the domain exists (or a journal left behind will make it), nothing of it stays.
      if (!util::PathExists(DomainFileName(dir)) && !util::PathExists(JournalFileName(dir))) {
        Unmake(dir, made);
      }
      throw;
    }
  }

  std::vector<BitmapOp> Undefine(const std::string& name, bool with_checkpoints,
                                 const std::function<void(DomainSession&)>& check) override {
    if (!exists_) NoStore<void>();
    if (!IsUsableDomainName(name) || !DomainDirectoryHoldsDomain(DomainDir(name))) {
      NoDomain(name);
    }
    Upgrade();
    FileSession session(DomainDir(name), Access::Write, IndexRefresh::Allowed);
    check(session);
    return session.Undefine(with_checkpoints);
  }

 private:
  std::string DomainDir(const std::string& name) const { return DomainDirName(root_, name); }

  // What Create made before it failed.
  struct Made {
    bool root = false;    // the store directory (and its format file)
    bool dir = false;     // the domain directory
    bool folder = false;  // its checkpoints/
    bool lock = false;    // its lock file
  };

  // Takes away what a failed Create made, best effort: only empty directories are removed, so
  // that nothing another process put there meanwhile is lost. The lock file goes while it is
  // still held: a process that waited on it finds that the path no longer names it and starts
  // over (as after undefine).
  void Unmake(const std::string& dir, const Made& made) {
    if (made.lock) util::TryRemoveFile(LockFileName(dir));
    try {
      if (made.folder) util::RemoveDirectory(CheckpointDirName(dir));
      if (made.dir) {
        util::RemoveDirectory(dir);
        util::FsyncDirectory(root_);
      } else if (made.folder || made.lock) {
        util::FsyncDirectory(dir);
      }
      if (made.root) {
        std::vector<std::string> names = util::ListDirectory(root_);
        std::string format = StoreFormatFileName(root_);
        if (names.empty() || (names.size() == 1 && PathIn(root_, names[0]) == format)) {
          util::RemoveFile(format);
          util::RemoveDirectory(root_);
          exists_ = false;
        }
      }
    } catch (const Error&) {
      // Not empty (someone else's files, a temporary file that could not be removed): left as
      // it is; no domain.xml, so it is no domain.
    }
  }

  // The writer lock of a domain directory, made if needed; an `undefine` may remove the
  // directory between its creation and the lock.
  static std::unique_ptr<util::FileLock> LockNewOrExisting(const std::string& dir) {
    for (int attempt = 1;; ++attempt) {
      util::MakeDirectories(CheckpointDirName(dir), 0700);
      try {
        auto lock =
            std::make_unique<util::FileLock>(LockFileName(dir), util::FileLock::Mode::Exclusive);
        util::MakeDirectories(CheckpointDirName(dir), 0700);
        return lock;
      } catch (const Error& e) {
        if (e.category() != ErrorCategory::NotFound || attempt == kDefineAttempts) throw;
      }
    }
  }

  // Brings a store of an older format to the current one before the first write: version 1
  // had an index format that this program no longer reads, so each domain's old index goes
  // (under the domain's lock; the next command rebuilds it from the files). Version 3 added
  // DOMAIN/job.xml, which a version 2 store has none of: it needs nothing but the version file.
  void Upgrade() {
    if (format_ == kStoreFormatVersion) return;
    if (format_ < 2) RemoveOldIndexes();
    WriteStoreFormat(root_);
    format_ = kStoreFormatVersion;
  }

  void RemoveOldIndexes() {
    for (const std::string& name : ListDomains()) {
      std::string dir = DomainDir(name);
      try {
        util::FileLock lock(LockFileName(dir), util::FileLock::Mode::Exclusive);
        util::RemoveFileDurable(IndexFileName(dir));
      } catch (const Error& e) {
        if (e.category() != ErrorCategory::NotFound) throw;  // else undefined meanwhile
      }
    }
  }

  // Whether the store directory exists; a store that does not is made by its first write.
  static bool RootExists(const std::string& root) {
    boost::system::error_code ec;
    boost::filesystem::file_status status = boost::filesystem::status(root, ec);
    if (ec) {
      if (ec.value() == ENOENT) return false;
      throw Error(ErrorCode::NoConnect,
                  "cannot open the store '" + root + "': " + std::strerror(ec.value()));
    }
    if (!boost::filesystem::is_directory(status)) {
      throw Error(ErrorCode::NoConnect, "the store '" + root + "' is not a directory");
    }
    return true;
  }

  // What a read finds in a store that does not exist yet: nothing, or an error naming it.
  template <typename T>
  T NoStore() const {
    if (missing_ == MissingRoot::Error) {
      throw Error(ErrorCode::NoConnect, "the store directory '" + root_ +
                                            "' does not exist (a command that writes, " +
                                            "such as define, creates it)");
    }
    if constexpr (!std::is_void_v<T>) return T{};
  }

  std::string root_;
  MissingRoot missing_;
  bool exists_;
  int format_;
};

}  // namespace

std::unique_ptr<Backend> OpenFileBackend(const std::string& root, MissingRoot missing) {
  return std::make_unique<FileBackend>(root, missing);
}

}  // namespace virtckpt::store::files
