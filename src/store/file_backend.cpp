#include "store/file_backend.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include "store/bitmap_ops_file.hpp"
#include "store/checkpoint_file.hpp"
#include "store/domain_name.hpp"
#include "store/index_file.hpp"
#include "store/journal.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"
#include "util/file_util.hpp"
#include "util/name_table.hpp"
#include "util/strings.hpp"
#include "xml/document.hpp"

namespace virtckpt::store {

using util::Error;
using util::ErrorCode;

namespace {

constexpr size_t kMaxCheckpointFile = 16u << 20;
// A reader rewrites the index once this many entries disagree with their files.
constexpr size_t kMaxStaleEntries = 32;
constexpr const char* kSuffix = ".xml";

[[noreturn]] void NoDomain(const std::string& name) {
  throw Error(ErrorCode::NotFound, "failed to get domain '" + name + "'");
}

std::optional<FileStamp> StampAt(int dirfd, const std::string& file) {
  struct stat st;
  if (fstatat(dirfd, file.c_str(), &st, 0) < 0) return std::nullopt;
  FileStamp stamp;
  stamp.size = static_cast<uint64_t>(st.st_size);
  stamp.mtime_ns = static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000u +
                   static_cast<uint64_t>(st.st_mtim.tv_nsec);
  stamp.inode = static_cast<uint64_t>(st.st_ino);
  return stamp;
}

std::vector<std::string> ListDirectory(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = opendir(path.c_str());
  if (!dir) return names;
  while (struct dirent* ent = readdir(dir)) {
    std::string name = ent->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  closedir(dir);
  return names;
}

// 32 lower-case hex digits, or nullopt when `text` is no uuid (libvirt accepts any case and
// dashes anywhere).
std::optional<std::string> NormalizeUuid(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '-') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (out.size() != 32) return std::nullopt;
  return out;
}

conf::DomainDef ReadDomainFile(const std::string& path) {
  xml::ParseOptions options;
  options.source = path;
  return conf::DomainDef::FromNode(xml::Document::Parse(util::ReadFile(path), options).Root());
}

// Checkpoint files by name (without the suffix) and inode (0 when the directory does not say).
using CheckpointFiles = util::LargeVector<std::pair<std::string, uint64_t>>;

class FileSession : public DomainSession {
 public:
  FileSession(std::string dir, Access access) : dir_(std::move(dir)), access_(access) {
    Lock(access == Access::Write ? util::FileLock::Mode::Exclusive : util::FileLock::Mode::Shared);
    if (util::PathExists(dir_ + "/journal")) {
      // A command was killed half-way: finish it before anyone reads.
      if (access == Access::Read) Lock(util::FileLock::Mode::Exclusive);
      if (util::PathExists(dir_ + "/journal")) {
        // The killed command may have replaced files the index still vouches for by inode,
        // and the replay may get such a freed inode back: the index goes first.
        util::RemoveFileDurable(dir_ + "/index");
        ReplayJournal(dir_);
      }
    }
    if (!util::PathExists(dir_ + "/domain.xml")) {
      NoDomain(dir_.substr(dir_.rfind('/') + 1));
    }
    domain_ = ReadDomainFile(dir_ + "/domain.xml");
    if (util::PathExists(dir_ + "/settings.xml")) {
      settings_ = ParseSettings(util::ReadFile(dir_ + "/settings.xml"), dir_ + "/settings.xml");
    }
    if (util::PathExists(dir_ + "/current")) {
      std::string name = util::ReadFile(dir_ + "/current");
      while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
      if (!name.empty()) current_ = name;
    }
    if (util::PathExists(dir_ + "/bitmap-ops.xml")) {
      bitmap_ops_ =
          ParseBitmapOps(util::ReadFile(dir_ + "/bitmap-ops.xml"), dir_ + "/bitmap-ops.xml");
    }
    LoadCheckpoints();
    if (current_ && !RowOf(*current_)) current_.reset();
    // Readers refresh a stale index too: under the shared lock no writer runs, so every
    // reader would write the same content (best effort: a read-only store just stays slow).
    if (access == Access::Read && stale_.size() > kMaxStaleEntries) {
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
  const std::vector<std::string>& warnings() const override { return warnings_; }
  const std::vector<BitmapOp>& bitmap_ops() const override { return bitmap_ops_; }

  CheckpointRecord ReadCheckpoint(const std::string& name) override {
    if (!RowOf(name)) {
      throw Error(
          ErrorCode::NotFound,
          "Domain checkpoint not found: no domain checkpoint with matching name '" + name + "'");
    }
    std::string path = CheckpointPath(name);
    return ParseCheckpointFile(util::ReadFileLimited(path, kMaxCheckpointFile), path);
  }

  void Commit(const Change& change) override {
    if (access_ != Access::Write) {
      throw Error(ErrorCode::Internal, "internal error: commit on a read-only session");
    }
    // Every file the command changes, in an order where each prefix is a sound state too.
    std::vector<FileChange> files;
    if (change.clear_bitmap_ops || !change.bitmap_ops.empty()) {
      std::vector<BitmapOp> ops = change.clear_bitmap_ops ? std::vector<BitmapOp>{} : bitmap_ops_;
      ops.insert(ops.end(), change.bitmap_ops.begin(), change.bitmap_ops.end());
      files.push_back({"bitmap-ops.xml", FormatBitmapOps(ops)});
    }
    if (change.domain) files.push_back({"domain.xml", change.domain->Format(0, true)});
    if (change.settings) files.push_back({"settings.xml", FormatSettings(*change.settings)});
    for (const auto& record : change.upserts) {
      const std::string& name = record.def.name;
      if (!conf::IsValidCheckpointName(name)) {
        throw Error(ErrorCode::InvalidArgument,
                    "invalid argument: '" + name + "' is not a valid checkpoint name");
      }
      if (unloadable_.count(name)) {
        throw Error(ErrorCode::Corruption, "operation failed: checkpoint file '" +
                                               CheckpointPath(name) +
                                               "' exists but cannot be loaded; move it away first");
      }
      files.push_back({"checkpoints/" + name + kSuffix, FormatCheckpointFile(record)});
    }
    if (change.set_current) {
      files.push_back({"current", change.current
                                      ? std::optional<std::string>(*change.current + "\n")
                                      : std::nullopt});
    }
    for (const auto& name : change.removals) files.push_back({"checkpoints/" + name + kSuffix, {}});

    std::vector<std::string> replaced;
    for (const auto& record : change.upserts) replaced.push_back(record.def.name);
    replaced.insert(replaced.end(), change.removals.begin(), change.removals.end());
    std::optional<uint64_t> index_size = ForgetInIndex(replaced);
    try {
      ApplyWithJournal(dir_, files);
    } catch (const Error&) {
      // Without a journal left behind, every file is as it was (the undo links renamed back
      // give the very inodes the index names), and so is the index again.
      if (index_size && !util::PathExists(dir_ + "/journal")) {
        try {
          util::TruncateFile(dir_ + "/index", *index_size);
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
    int dirfd = OpenCheckpointDir();
    for (const auto& record : change.upserts) {
      auto stamp = StampAt(dirfd, record.def.name + kSuffix);
      Put(Summarize(record), stamp.value_or(FileStamp{}));
      stale_.insert(record.def.name);
    }
    close(dirfd);
    for (const auto& name : change.removals) {
      Drop(name);
      stale_.insert(name);
    }
    UpdateIndex();
  }

 private:
  std::string CheckpointDir() const { return dir_ + "/checkpoints"; }
  std::string CheckpointPath(const std::string& name) const {
    return CheckpointDir() + "/" + name + kSuffix;
  }

  void Lock(util::FileLock::Mode mode) {
    lock_.reset();
    lock_ = std::make_unique<util::FileLock>(dir_ + "/lock", mode);
  }

  int OpenCheckpointDir() const {
    int fd = open(CheckpointDir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      throw Error(ErrorCode::Io,
                  "Failed to open directory '" + CheckpointDir() + "': " + std::strerror(errno));
    }
    return fd;
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
    uint32_t last = static_cast<uint32_t>(summaries_.size() - 1);
    position_.Erase(name);
    if (*row != last) {
      position_.Renumber(summaries_[last].name, *row);
      summaries_[*row] = std::move(summaries_[last]);
      stamps_[*row] = stamps_[last];
    }
    summaries_.pop_back();
    stamps_.pop_back();
  }

  // The index's entries are taken as they are for every file whose directory entry still has
  // the inode they recorded (every write replaces a file by a new one); any other file is read.
  void LoadCheckpoints() {
    int dirfd = OpenCheckpointDir();
    CheckpointFiles files;
    try {
      files = ListCheckpointFiles(dirfd);
    } catch (...) {
      close(dirfd);
      throw;
    }
    if (std::optional<IndexContents> index = ReadIndex(dir_ + "/index")) {
      summaries_ = std::move(index->summaries);
      stamps_ = std::move(index->stamps);
      images_ = std::move(index->images);
      index_lines_ = index->lines;
      index_appendable_ = index->clean;
      index_trusted_ = true;
      position_ = std::move(index->names);
    } else {
      position_.Reset(0);
    }
    position_.Rebind([this](uint32_t row) -> std::string_view { return summaries_[row].name; });
    std::vector<bool> present(summaries_.size(), false);
    for (const auto& [name, inode] : files) {
      std::optional<uint32_t> row = RowOf(name);
      if (row && inode != 0 && stamps_[*row].inode == inode) {
        present[*row] = true;
        continue;
      }
      // Another inode, or a file system whose directory entries do not tell the inode.
      std::string file = name + kSuffix;
      auto stamp = StampAt(dirfd, file);
      if (!stamp) continue;
      if (row && stamps_[*row] == *stamp) {
        present[*row] = true;
        continue;
      }
      stale_.insert(name);
      if (std::optional<CheckpointSummary> summary = LoadFile(name, file)) {
        Put(std::move(*summary), *stamp);
        present.resize(summaries_.size(), false);
        present[*RowOf(name)] = true;
      }
    }
    close(dirfd);
    for (size_t row = present.size(); row-- > 0;) {
      if (present[row]) continue;
      stale_.insert(summaries_[row].name);
      Drop(std::string(summaries_[row].name));
    }
  }

  // The checkpoint files of the directory: each one's name (without the suffix) and inode.
  CheckpointFiles ListCheckpointFiles(int dirfd) const {
    CheckpointFiles files;
    files.reserve(4096);
    DIR* dir = fdopendir(dup(dirfd));
    if (!dir) {
      throw Error(ErrorCode::Io,
                  "Failed to read directory '" + CheckpointDir() + "': " + std::strerror(errno));
    }
    const size_t suffix = std::strlen(kSuffix);
    while (struct dirent* ent = readdir(dir)) {
      std::string_view file = ent->d_name;
      if (file.size() <= suffix || file.substr(file.size() - suffix) != kSuffix) continue;
      files.emplace_back(std::string(file.substr(0, file.size() - suffix)),
                         static_cast<uint64_t>(ent->d_ino));
    }
    closedir(dir);
    return files;
  }

  // The summary of one checkpoint file, or nullopt (and a warning) when it does not load.
  std::optional<CheckpointSummary> LoadFile(const std::string& name, const std::string& file) {
    std::string path = CheckpointDir() + "/" + file;
    try {
      CheckpointRecord record =
          ParseCheckpointFile(util::ReadFileLimited(path, kMaxCheckpointFile), path);
      if (record.def.name != name) {
        throw Error(ErrorCode::Corruption, "it names checkpoint '" + record.def.name + "'");
      }
      return Summarize(record);
    } catch (const Error& e) {
      unloadable_.insert(name);
      std::string reason = e.what();
      std::replace(reason.begin(), reason.end(), '\n', ' ');
      while (!reason.empty() && reason.back() == ' ') reason.pop_back();
      warnings_.push_back("checkpoint '" + name + "' of domain '" + domain_.name() +
                          "' skipped: cannot load " + path + ": " + reason);
      return std::nullopt;
    }
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
      util::RemoveFileDurable(dir_ + "/index");
      index_trusted_ = false;
      return std::nullopt;
    }
    bool sync = std::any_of(vouched.begin(), vouched.end(),
                            [this](const std::string& name) { return stale_.count(name) > 0; });
    uint64_t size =
        util::AppendFile(dir_ + "/index", FormatIndexLines({}, vouched, &images_), sync);
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
      util::AppendFile(dir_ + "/index", lines);
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
    util::WriteFileAtomic(dir_ + "/index", FormatIndex(entries, &images));
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
  explicit FileBackend(std::string root) : root_(std::move(root)) {}

  std::vector<std::string> ListDomains() override {
    std::vector<std::string> names;
    for (const std::string& name : ListDirectory(root_)) {
      if (IsUsableDomainName(name) && util::PathExists(DomainDir(name) + "/domain.xml")) {
        names.push_back(name);
      }
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::optional<std::string> ResolveDomain(const std::string& name_or_uuid) override {
    if (IsUsableDomainName(name_or_uuid) &&
        util::PathExists(DomainDir(name_or_uuid) + "/domain.xml")) {
      return name_or_uuid;
    }
    std::optional<std::string> wanted = NormalizeUuid(name_or_uuid);
    if (!wanted) return std::nullopt;
    for (const std::string& name : ListDomains()) {
      try {
        if (NormalizeUuid(ReadDomainFile(DomainDir(name) + "/domain.xml").uuid()) == wanted) {
          return name;
        }
      } catch (const Error&) {
      }
    }
    return std::nullopt;
  }

  std::unique_ptr<DomainSession> Open(const std::string& name, Access access) override {
    if (!IsUsableDomainName(name) || !util::PathExists(DomainDir(name) + "/domain.xml")) {
      NoDomain(name);
    }
    return std::make_unique<FileSession>(DomainDir(name), access);
  }

  bool Define(const conf::DomainDef& def, const std::optional<DomainSettings>& settings) override {
    CheckDomainName(def.name());
    std::string dir = DomainDir(def.name());
    util::MakeDirectories(dir + "/checkpoints", 0700);
    util::FileLock lock(dir + "/lock", util::FileLock::Mode::Exclusive);
    bool is_new = !util::PathExists(dir + "/domain.xml");
    if (settings || !util::PathExists(dir + "/settings.xml")) {
      util::WriteFileAtomic(dir + "/settings.xml",
                            FormatSettings(settings.value_or(DomainSettings{})));
    }
    util::WriteFileAtomic(dir + "/domain.xml", def.Format(0, true));
    return is_new;
  }

  void Undefine(const std::string& name) override {
    if (!IsUsableDomainName(name) || !util::PathExists(DomainDir(name) + "/domain.xml")) {
      NoDomain(name);
    }
    std::string dir = DomainDir(name);
    util::FileLock lock(dir + "/lock", util::FileLock::Mode::Exclusive);
    // domain.xml goes first: from then on the domain no longer exists for any reader.
    util::RemoveFileDurable(dir + "/domain.xml");
    for (const std::string& file : ListDirectory(dir + "/checkpoints")) {
      util::RemoveFileDurable(dir + "/checkpoints/" + file);
    }
    rmdir((dir + "/checkpoints").c_str());
    for (const char* file :
         {"/settings.xml", "/current", "/index", "/bitmap-ops.xml", "/journal"}) {
      util::RemoveFileDurable(dir + file);
    }
  }

 private:
  std::string DomainDir(const std::string& name) const { return root_ + "/" + name; }

  std::string root_;
};

}  // namespace

std::unique_ptr<Backend> OpenFileBackend(const std::string& root) {
  util::MakeDirectories(root, 0700);
  return std::make_unique<FileBackend>(root);
}

}  // namespace virtckpt::store
