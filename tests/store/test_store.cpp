// The file store's promises, checked through the store interface (store::OpenBackend on a temp
// directory, store::Catalog, conf::ParseCheckpoint): libvirt's tree rules, file modes, the index
// as a pure cache, files that do not load, domain names, and a dangling `current`.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "conf/checkpoint_def.hpp"
#include "conf/domain_def.hpp"
#include "slurp.hpp"
#include "store/backend.hpp"
#include "store/catalog.hpp"
#include "store/files/checkpoint_file.hpp"
#include "store/files/completed_job_file.hpp"
#include "store/files/domain_name.hpp"
#include "store/files/index_file.hpp"
#include "store/files/journal.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"
#include "util/file_util.hpp"
#include "xml/document.hpp"

namespace {

using namespace virtckpt;
namespace fs = std::filesystem;
using test::TempDir;

// ---------------------------------------------------------------------------------------------
// Helpers

std::string SourceRoot() { return VIRTCKPT_TEST_SOURCE_ROOT; }

// The schemas come from the source tree unless the test environment says otherwise.
const bool kSchemaDirSet = [] {
  setenv("VIRTCKPT_SCHEMA_DIR", (SourceRoot() + "/schemas").c_str(), 0);
  setenv("TZ", "UTC", 0);
  return true;
}();

using test::Slurp;

// Writes in place (same inode), as an editor that does not rename would.
void WriteInPlace(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

// Sets a file's mtime (its ctime becomes now, as with `touch -r`).
void SetMtime(const std::string& path, uint64_t mtime_ns) {
  struct timespec times[2];
  times[0].tv_sec = 0;
  times[0].tv_nsec = UTIME_OMIT;
  times[1].tv_sec = static_cast<time_t>(mtime_ns / 1000000000u);
  times[1].tv_nsec = static_cast<long>(mtime_ns % 1000000000u);
  if (utimensat(AT_FDCWD, path.c_str(), times, 0) != 0) throw std::runtime_error("utimensat");
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t pos = text.find(from);
  if (pos == std::string::npos) throw std::runtime_error("'" + from + "' not found");
  return text.replace(pos, from.size(), to);
}

// A domain definition read without the schema (so that names the schema refuses reach the store).
conf::DomainDef DomainFromXml(const std::string& text) {
  return conf::DomainDef::FromNode(xml::Document::Parse(text).Root());
}

std::string ExampleDomainXml() { return Slurp(SourceRoot() + "/xml-examples/domain-single.xml"); }

conf::DomainDef DomainNamed(const std::string& name) {
  std::string text =
      Replace(ExampleDomainXml(), "<name>single</name>", "<name>" + name + "</name>");
  return DomainFromXml(text);
}

struct FileId {
  std::string bytes;
  ino_t inode = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileId& o) const {
    return bytes == o.bytes && inode == o.inode && mtime_ns == o.mtime_ns;
  }
};

FileId Identify(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return FileId{"<missing>", 0, 0};
  return FileId{Slurp(path), st.st_ino,
                static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep = " ") {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

// Everything an index summary says, in one line (Catch prints it on a mismatch).
std::string Describe(const store::CheckpointSummary& s) {
  std::string out = s.name + " parent=" + s.parent + " time=" + std::to_string(s.creation_time) +
                    " state=" + store::CheckpointStateToString(s.state) + " owner=" + s.owner +
                    " link=" + std::to_string(s.link_seq) +
                    " domain=" + (s.has_domain ? "1" : "0") +
                    " other-bitmaps=" + (s.names_other_bitmaps ? "1" : "0");
  for (const auto& d : s.disks()) {
    out += " [" + d.target + " " + conf::CheckpointTypeToString(d.type) + " " + d.bitmap + " " +
           d.source + " " + d.format + " " +
           (d.virtual_size ? std::to_string(*d.virtual_size) : std::string("-")) + "]";
  }
  return out;
}

// What a checkpoint file says of what the index records, in Describe's form, read from the
// file's XML as docs/store-format.md describes it: libvirt's <domaincheckpoint> and our
// <internal> element with the state, owner, link order and each disk's image.
std::string FileFacts(const std::string& text) {
  const xml::Node root = xml::Document::Parse(text).Root();
  const xml::Node* parent = root.FirstChild("parent");
  const xml::Node* internal = root.FirstChild("internal");
  const xml::Node* disks = root.FirstChild("disks");
  auto attribute = [](const xml::Node* node, const char* name) {
    return node ? node->Attribute(name).value_or("") : std::string();
  };
  const std::string name = root.ChildText("name").value_or("");
  std::string disk_facts;
  bool other_bitmaps = false;
  for (const xml::Node* disk :
       disks ? disks->ChildElements("disk") : std::vector<const xml::Node*>()) {
    const std::string target = attribute(disk, "name");
    const std::string type = disk->Attribute("checkpoint").value_or("default");
    const std::string bitmap = attribute(disk, "bitmap");
    const xml::Node* image = nullptr;
    for (const xml::Node* id :
         internal ? internal->ChildElements("disk") : std::vector<const xml::Node*>()) {
      if (attribute(id, "target") == target) image = id;
    }
    std::string size = image ? image->Attribute("size").value_or("-") : "-";
    disk_facts += " [" + target + " " + type + " " + bitmap + " " + attribute(image, "source") +
                  " " + attribute(image, "format") + " " + size + "]";
    other_bitmaps = other_bitmaps || (type == "bitmap" && !bitmap.empty() && bitmap != name);
  }
  return name + " parent=" + (parent ? parent->ChildText("name").value_or("") : "") +
         " time=" + root.ChildText("creationTime").value_or("") +
         " state=" + attribute(internal, "state") + " owner=" + attribute(internal, "owner") +
         " link=" + attribute(internal, "link") +
         " domain=" + (root.FirstChild("domain") ? "1" : "0") +
         " other-bitmaps=" + (other_bitmaps ? "1" : "0") + disk_facts;
}

constexpr int64_t kEpoch = 1704067200;  // 2024-01-01 00:00:00 UTC

// One store with the domain 'single' (one qcow2 disk, vda) defined.
class Store {
 public:
  Store() : root_(tmp_.path() + "/store"), backend_(store::OpenBackend(root_)) {
    backend_->Define(conf::DomainDef::Parse(ExampleDomainXml()), std::nullopt);
  }

  const std::string& root() const { return root_; }
  const std::string& tmp() const { return tmp_.path(); }
  store::Backend& backend() { return *backend_; }
  std::string dir() const { return root_ + "/single"; }
  std::string file(const std::string& name) const {
    return dir() + "/checkpoints/" + name + ".xml";
  }
  std::string index() const { return dir() + "/index"; }

  std::unique_ptr<store::DomainSession> Open(store::Access access = store::Access::Read) {
    return backend_->Open("single", access);
  }

  void Create(const std::string& name, const std::string& description = "") {
    auto session = Open(store::Access::Write);
    store::Catalog catalog(*session);
    std::string xml = "<domaincheckpoint><name>" + name + "</name>";
    if (!description.empty()) xml += "<description>" + description + "</description>";
    xml += "</domaincheckpoint>";
    std::string created = catalog.Create(conf::ParseCheckpoint(xml, 0), "", now_++);
    CHECK(created == name);
  }

  static std::string RedefineXml(const std::string& name, const std::string& parent,
                                 int64_t time = kEpoch) {
    std::string xml = "<domaincheckpoint><name>" + name + "</name>";
    if (!parent.empty()) xml += "<parent><name>" + parent + "</name></parent>";
    xml += "<creationTime>" + std::to_string(time) + "</creationTime>";
    xml += "<disks><disk name='vda' checkpoint='bitmap' bitmap='" + name + "'/></disks>";
    return xml + "</domaincheckpoint>";
  }

  void Redefine(const std::string& name, const std::string& parent = "") {
    auto session = Open(store::Access::Write);
    store::Catalog catalog(*session);
    catalog.Redefine(conf::ParseCheckpoint(RedefineXml(name, parent), conf::kParseRedefine),
                     std::nullopt);
  }

  void Delete(const std::string& name, store::DeleteMode mode = store::DeleteMode::Single,
              bool metadata_only = true) {
    auto session = Open(store::Access::Write);
    store::Catalog catalog(*session);
    catalog.Delete(name, mode, metadata_only);
  }

  // The tree in topological order ("child<parent"), then the current checkpoint.
  std::string Shape() {
    auto session = Open();
    store::Catalog catalog(*session);
    std::vector<std::string> parts;
    for (const store::CheckpointSummary* c : catalog.tree().Topological()) {
      std::string parent = catalog.tree().ParentOf(c->name);
      parts.push_back(parent.empty() ? c->name : c->name + "<" + parent);
    }
    return Join(parts) + " | current=" + catalog.current().value_or("-");
  }

  std::vector<std::string> Warnings() { return Open()->warnings(); }

  // Every summary (sorted by name), the topological order and current: all a reader sees.
  std::string Everything() {
    auto session = Open();
    std::vector<std::string> lines;
    for (const auto& c : session->checkpoints()) lines.push_back(Describe(c));
    std::sort(lines.begin(), lines.end());
    lines.push_back(Shape());
    for (const auto& w : session->warnings()) lines.push_back("warning: " + w);
    return Join(lines, "\n");
  }

  // What is wrong with the index against the files in checkpoints/ ("" when nothing): it must
  // have an entry for every checkpoint file that loads and for nothing else, record each file's
  // stat data as lstat(2) gives them now, and say of each checkpoint what its file says (read
  // here from the file's XML, not through the store's loader).
  std::string IndexMismatch() {
    std::optional<store::files::IndexContents> contents = store::files::ReadIndex(index());
    if (!contents) return "the index is missing or not an index";
    std::map<std::string, size_t> entries;
    for (size_t i = 0; i < contents->summaries.size(); ++i) {
      entries[contents->summaries[i].name] = i;
    }
    std::vector<std::string> problems;
    const std::set<std::string> names = CheckpointFileNames();
    for (const std::string& name : names) {
      std::string path = file(name);
      bool loads = false;
      try {
        loads = store::files::ParseCheckpointFile(Slurp(path), path).def.name == name;
      } catch (const util::Error&) {
        loads = false;
      }
      auto entry = entries.find(name);
      if (!loads) {
        if (entry != entries.end())
          problems.push_back(name + ": an entry for a file that does not load");
        continue;
      }
      if (entry == entries.end()) {
        problems.push_back(name + ": no entry");
        continue;
      }
      const store::CheckpointSummary& summary = contents->summaries[entry->second];
      std::optional<util::FileStat> st = util::StatPath(path);
      if (!st || st->stamp != contents->stamps[entry->second]) {
        problems.push_back(name + ": the entry's stat data are not the file's");
      }
      std::string says = Describe(summary);
      std::string truth = FileFacts(Slurp(path));
      if (says != truth)
        problems.push_back(name + ": the index says '" + says + "', the file '" + truth + "'");
    }
    for (const auto& entry : entries) {
      if (names.count(entry.first) == 0)
        problems.push_back(entry.first + ": an entry without a file");
    }
    return Join(problems, "\n");
  }

  void CheckIndexHonest() { REQUIRE(IndexMismatch() == ""); }

  // The names of the regular files NAME.xml in checkpoints/, symlinks not followed (leftovers
  // such as NAME.xml.undo are no checkpoint files).
  std::set<std::string> CheckpointFileNames() const {
    std::set<std::string> names;
    for (const fs::directory_entry& e : fs::directory_iterator(dir() + "/checkpoints")) {
      std::string base = e.path().filename().string();
      bool regular = e.symlink_status().type() == fs::file_type::regular;
      if (regular && base.size() > 4 && base.compare(base.size() - 4, 4, ".xml") == 0)
        names.insert(base.substr(0, base.size() - 4));
    }
    return names;
  }

 private:
  TempDir tmp_;
  std::string root_;
  std::unique_ptr<store::Backend> backend_;
  int64_t now_ = kEpoch;
};

// The message and code of the store error `f` throws ("" if it throws nothing).
template <typename F>
std::string ErrorOf(F&& f, util::ErrorCode* code = nullptr) {
  try {
    f();
  } catch (const util::Error& e) {
    if (code) *code = e.code();
    return e.what();
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Tree rules

TEST_CASE("create hangs the new checkpoint under current and makes it current", "[tree]") {
  Store s;
  REQUIRE(s.Shape() == " | current=-");
  s.Create("c1");
  REQUIRE(s.Shape() == "c1 | current=c1");
  s.Create("c2");
  s.Create("c3");
  REQUIRE(s.Shape() == "c1 c2<c1 c3<c2 | current=c3");
  REQUIRE(Slurp(s.dir() + "/current") == "c3\n");
  util::ErrorCode code{};
  REQUIRE(ErrorOf([&] { s.Create("c2"); }, &code) ==
          "operation failed: domain moment c2 already exists");
  REQUIRE(code == util::ErrorCode::OperationFailed);
  REQUIRE(s.Shape() == "c1 c2<c1 c3<c2 | current=c3");
}

TEST_CASE("redefine moves current only when its parent is current or there is none", "[tree]") {
  Store s;
  s.Redefine("r1");  // no current: becomes current
  REQUIRE(s.Shape() == "r1 | current=r1");
  s.Redefine("r2", "r1");  // parent is current: becomes current
  REQUIRE(s.Shape() == "r1 r2<r1 | current=r2");
  s.Redefine("r3", "r1");  // parent is not current: current stays; newest sibling first
  REQUIRE(s.Shape() == "r1 r3<r1 r2<r1 | current=r2");
  s.Redefine("r4");  // a second root while there is a current: current stays
  REQUIRE(s.Shape() == "r4 r1 r3<r1 r2<r1 | current=r2");
  s.Redefine("r5", "r3");
  REQUIRE(s.Shape() == "r4 r1 r3<r1 r5<r3 r2<r1 | current=r2");
  // Redefining an existing checkpoint keeps its children and re-links it at the front.
  s.Redefine("r2", "r1");
  REQUIRE(s.Shape() == "r4 r1 r2<r1 r3<r1 r5<r3 | current=r2");
  s.Redefine("r3", "r1");
  REQUIRE(s.Shape() == "r4 r1 r3<r1 r5<r3 r2<r1 | current=r2");
  // Redefine can move a checkpoint with its subtree under the current one.
  s.Redefine("r3", "r2");
  REQUIRE(s.Shape() == "r4 r1 r2<r1 r3<r2 r5<r3 | current=r3");
  // The next create hangs under current.
  s.Create("c1");
  REQUIRE(s.Shape() == "r4 r1 r2<r1 r3<r2 c1<r3 r5<r3 | current=c1");

  SECTION("refused redefines change nothing") {
    std::string before = s.Everything();
    REQUIRE(ErrorOf([&] { s.Redefine("x", "nope"); }) ==
            "invalid argument: parent nope for moment x not found");
    REQUIRE(ErrorOf([&] { s.Redefine("x", "x"); }) ==
            "invalid argument: cannot set moment x as its own parent");
    // virsh names the checkpoint on the way up whose parent is the redefined one.
    REQUIRE(ErrorOf([&] { s.Redefine("r1", "r5"); }) ==
            "invalid argument: parent r2 would create cycle to r1");
    REQUIRE(ErrorOf([&] { s.Redefine("r3", "r5"); }) ==
            "invalid argument: parent r5 would create cycle to r3");
    REQUIRE(s.Everything() == before);
  }
}

TEST_CASE("delete re-parents children and moves current as libvirt does", "[tree]") {
  Store s;
  for (const char* n : {"c1", "c2", "c3", "c4", "c5"}) s.Create(n);

  SECTION("middle") {
    s.Delete("c3");
    REQUIRE(s.Shape() == "c1 c2<c1 c4<c2 c5<c4 | current=c5");
    REQUIRE(!util::PathExists(s.file("c3")));
    auto session = s.Open();
    REQUIRE(session->ReadCheckpoint("c4").def.parent == "c2");
  }
  SECTION("root") {
    s.Delete("c1");
    REQUIRE(s.Shape() == "c2 c3<c2 c4<c3 c5<c4 | current=c5");
    auto session = s.Open();
    REQUIRE(session->ReadCheckpoint("c2").def.parent == "");
  }
  SECTION("leaf that is current: current moves to its parent, the next create hangs there") {
    s.Delete("c5");
    REQUIRE(s.Shape() == "c1 c2<c1 c3<c2 c4<c3 | current=c4");
    s.Create("c6");
    REQUIRE(s.Shape() == "c1 c2<c1 c3<c2 c4<c3 c6<c4 | current=c6");
  }
  SECTION("leaf that is not current") {
    s.Redefine("x", "c2");
    s.Delete("x");
    REQUIRE(s.Shape() == "c1 c2<c1 c3<c2 c4<c3 c5<c4 | current=c5");
  }
  SECTION("current with children: current moves to its parent, children follow") {
    s.Redefine("x", "c1");
    s.Redefine("y", "x");
    s.Redefine("x", "c5");  // x (with y) moves under current c5 and becomes current
    REQUIRE(s.Shape() == "c1 c2<c1 c3<c2 c4<c3 c5<c4 x<c5 y<x | current=x");
    s.Delete("x");
    REQUIRE(s.Shape() == "c1 c2<c1 c3<c2 c4<c3 c5<c4 y<c5 | current=c5");
  }
  SECTION("the only checkpoint: current becomes none") {
    s.Delete("c5", store::DeleteMode::WithChildren);
    s.Delete("c1", store::DeleteMode::WithChildren);
    REQUIRE(s.Shape() == " | current=-");
    REQUIRE(!util::PathExists(s.dir() + "/current"));
    REQUIRE(fs::is_empty(s.dir() + "/checkpoints"));
    s.Create("n1");
    REQUIRE(s.Shape() == "n1 | current=n1");
  }
  SECTION("--children with current inside: current moves to the parent") {
    s.Delete("c3", store::DeleteMode::WithChildren);
    REQUIRE(s.Shape() == "c1 c2<c1 | current=c2");
    for (const char* n : {"c3", "c4", "c5"}) REQUIRE(!util::PathExists(s.file(n)));
  }
  SECTION("--children of the root: nothing left") {
    s.Delete("c1", store::DeleteMode::WithChildren);
    REQUIRE(s.Shape() == " | current=-");
  }
  SECTION("--children with current outside: current stays") {
    s.Redefine("x", "c1");
    s.Redefine("y", "x");
    s.Delete("x", store::DeleteMode::WithChildren);
    REQUIRE(s.Shape() == "c1 c2<c1 c3<c2 c4<c3 c5<c4 | current=c5");
  }
  SECTION("--children-only with current inside: current moves to the named checkpoint") {
    s.Delete("c2", store::DeleteMode::ChildrenOnly);
    REQUIRE(s.Shape() == "c1 c2<c1 | current=c2");
    s.Create("c6");
    REQUIRE(s.Shape() == "c1 c2<c1 c6<c2 | current=c6");
  }
  SECTION("--children-only on a leaf is a no-op") {
    std::string before = s.Everything();
    FileId c5 = Identify(s.file("c5"));
    s.Delete("c5", store::DeleteMode::ChildrenOnly);
    REQUIRE(s.Everything() == before);
    REQUIRE(Identify(s.file("c5")) == c5);
  }
  SECTION("--children-only with current outside: current stays") {
    s.Redefine("x", "c1");
    s.Redefine("y", "x");
    s.Redefine("z", "y");
    s.Delete("x", store::DeleteMode::ChildrenOnly);
    REQUIRE(s.Shape() == "c1 x<c1 c2<c1 c3<c2 c4<c3 c5<c4 | current=c5");
  }
  SECTION("a missing checkpoint") {
    std::string before = s.Everything();
    util::ErrorCode code{};
    REQUIRE(ErrorOf([&] { s.Delete("nope"); }, &code) ==
            "Domain checkpoint not found: no domain checkpoint with matching name 'nope'");
    REQUIRE(code == util::ErrorCode::NoDomainCheckpoint);
    REQUIRE(s.Everything() == before);
  }
}

TEST_CASE("siblings are listed newest-linked first, also after re-parenting", "[tree]") {
  Store s;
  s.Redefine("R");
  s.Redefine("x1", "R");
  s.Redefine("x2", "R");
  s.Redefine("y1", "x1");
  s.Redefine("y2", "x1");
  s.Redefine("z", "y1");
  // Redefines: R (no current), x1 (parent R is current), x2 (R no longer current), y1 (under
  // current x1), y2 (x1 no longer current), z (under current y1).
  REQUIRE(s.Shape() == "R x2<R x1<R y2<x1 y1<x1 z<y1 | current=z");
  {
    auto session = s.Open();
    store::Catalog catalog(*session);
    std::vector<std::string> kids;
    for (auto* c : catalog.tree().Children("x1")) kids.push_back(c->name);
    REQUIRE(Join(kids) == "y2 y1");
  }
  // x1's children move in front of their new siblings, in their own order, subtrees kept.
  s.Delete("x1");
  REQUIRE(s.Shape() == "R y2<R y1<R z<y1 x2<R | current=z");
  // The order is stored, not recomputed: a fresh session (and a lost index) agree.
  std::remove(s.index().c_str());
  REQUIRE(s.Shape() == "R y2<R y1<R z<y1 x2<R | current=z");

  SECTION("deleting a root with children makes them the newest roots") {
    s.Redefine("S");
    REQUIRE(s.Shape() == "S R y2<R y1<R z<y1 x2<R | current=z");
    s.Delete("R");
    REQUIRE(s.Shape() == "y2 y1 z<y1 x2 S | current=z");
    s.Redefine("y1");  // a redefine re-links at the front, among roots too
    REQUIRE(s.Shape() == "y1 z<y1 y2 x2 S | current=z");
  }
  SECTION("a delete that re-parents twice keeps the order each time") {
    s.Delete("y1");
    REQUIRE(s.Shape() == "R z<R y2<R x2<R | current=z");
  }
}

// ---------------------------------------------------------------------------------------------
// File modes

TEST_CASE("files are 0600 and directories 0700, whatever the umask", "[files]") {
  mode_t old_umask = umask(0);
  {
    Store s;
    for (int i = 0; i < 40; ++i) s.Create("c" + std::to_string(i));  // enough to write the index
    s.Redefine("x", "c3");
    s.Delete("c5", store::DeleteMode::Single, /*metadata_only=*/false);  // records bitmap ops
    s.Delete("c30", store::DeleteMode::WithChildren, false);
    s.backend().Define(conf::DomainDef::Parse(ExampleDomainXml()), std::nullopt);
    REQUIRE(util::PathExists(s.index()));
    REQUIRE(util::PathExists(s.dir() + "/bitmap-ops.xml"));
    REQUIRE(util::PathExists(s.dir() + "/lock"));
    REQUIRE(util::PathExists(s.dir() + "/current"));
    REQUIRE(util::PathExists(s.dir() + "/settings.xml"));

    std::vector<std::string> wrong;
    size_t files = 0;
    auto check = [&](const fs::path& p) {
      struct stat st;
      REQUIRE(lstat(p.c_str(), &st) == 0);
      mode_t perm = st.st_mode & 07777;
      if (S_ISDIR(st.st_mode)) {
        if (perm != 0700) wrong.push_back(p.string() + " dir " + std::to_string(perm));
      } else if (S_ISREG(st.st_mode)) {
        ++files;
        if (perm != 0600) wrong.push_back(p.string() + " file " + std::to_string(perm));
      } else {
        wrong.push_back(p.string() + " is neither a file nor a directory");
      }
    };
    check(s.root());
    for (const auto& entry : fs::recursive_directory_iterator(s.root())) check(entry.path());
    umask(old_umask);
    REQUIRE(Join(wrong, "\n") == "");
    // 29 of c0..c39 and x; domain.xml, settings.xml, current, index, lock, bitmap-ops.xml; the
    // store's format file.
    REQUIRE(files == 30 + 6 + 1);
  }
  umask(old_umask);
}

// ---------------------------------------------------------------------------------------------
// The index is a pure cache

namespace {

// 40 creates (so that the writer writes an index), then some redefines and deletes.
void Populate(Store& s) {
  for (int i = 1; i <= 40; ++i)
    s.Create("c" + std::to_string(i), "description " + std::to_string(i));
  s.Redefine("s1", "c10");
  s.Redefine("s2", "c10");
  s.Redefine("t1", "s1");
  s.Delete("c20");
  s.Delete("s1");
  s.Delete("c38", store::DeleteMode::WithChildren);
}

}  // namespace

TEST_CASE("the index is a pure cache", "[index]") {
  Store s;
  Populate(s);
  REQUIRE(util::PathExists(s.index()));
  REQUIRE(store::files::ReadIndex(s.index()).has_value());
  s.CheckIndexHonest();
  const std::string truth = s.Everything();
  REQUIRE(s.Shape().find("c10<c9 t1<c10 s2<c10 c11<c10") != std::string::npos);
  REQUIRE(s.Shape().find("c37<c36 | current=c37") != std::string::npos);
  const std::string index_text = Slurp(s.index());

  // Each damage is undone by putting the original index back (its stamps still match).
  std::string garbage;
  for (int i = 0; i < 5000; ++i) garbage += static_cast<char>((i * 7919) % 256);
  std::string not_a_number = index_text;
  {
    size_t tab = not_a_number.find("\tc1\t");
    REQUIRE(tab != std::string::npos);
    size_t line = not_a_number.rfind('\n', tab) + 1;
    not_a_number.replace(line, 2, "E\tx");  // the size field becomes "x<size>"
  }
  const std::vector<std::pair<std::string, std::string>> damages = {
      {"empty", ""},
      {"cut inside the header", index_text.substr(0, 5)},
      {"header only", "virtckpt-index 3\n"},
      {"cut in the middle of a line", index_text.substr(0, index_text.size() / 2)},
      {"cut at a line boundary",
       index_text.substr(0, index_text.find('\n', index_text.size() / 2) + 1)},
      {"last byte missing", index_text.substr(0, index_text.size() - 1)},
      {"garbage", garbage},
      {"a right header and garbage lines", "virtckpt-index 3\nE\tx\ty\n\x01\x02\n"},
      {"a field that is not a number", not_a_number},
      {"another version", Replace(index_text, "virtckpt-index 3", "virtckpt-index 9")},
  };
  for (const auto& [what, text] : damages) {
    INFO(what);
    util::WriteFileAtomic(s.index(), text);
    REQUIRE(s.Everything() == truth);
    util::WriteFileAtomic(s.index(), index_text);
    REQUIRE(s.Everything() == truth);
  }
  {
    INFO("a directory in its place");
    REQUIRE(std::remove(s.index().c_str()) == 0);
    REQUIRE(mkdir(s.index().c_str(), 0700) == 0);
    REQUIRE(s.Everything() == truth);
    REQUIRE(rmdir(s.index().c_str()) == 0);
    util::WriteFileAtomic(s.index(), index_text);
  }
  {
    INFO("deleted");
    REQUIRE(std::remove(s.index().c_str()) == 0);
    REQUIRE(s.Everything() == truth);
    util::WriteFileAtomic(s.index(), index_text);
  }

  SECTION("writers after a lost index give the same results as with it") {
    auto writes = [](Store& t) {
      t.Create("n1");
      t.Delete("c2");
      t.Redefine("n2", "c5");
      t.Delete("c9", store::DeleteMode::WithChildren);
    };
    writes(s);
    const std::string after = s.Everything();
    // n1 went under c37 and then with c9's subtree; current moved to c9's parent.
    REQUIRE(s.Shape() == "c1 c3<c1 c4<c3 c5<c4 n2<c5 c6<c5 c7<c6 c8<c7 | current=c8");
    s.CheckIndexHonest();
    std::remove(s.index().c_str());
    REQUIRE(s.Everything() == after);
    // The same history with the index destroyed before the writes.
    Store t;
    Populate(t);
    util::WriteFileAtomic(t.index(), garbage);
    writes(t);
    t.CheckIndexHonest();
    std::remove(t.index().c_str());
    REQUIRE(t.Everything() == after);
  }
  SECTION("an entry whose file is gone is not listed") {
    REQUIRE(index_text.find("\tc36\t") != std::string::npos);
    REQUIRE(std::remove(s.file("c36").c_str()) == 0);
    std::string shape = s.Shape();
    REQUIRE(shape.find("c36") == std::string::npos);
    REQUIRE(shape.rfind("c37 c1 c2<c1 ", 0) == 0);  // c37 is an orphan now: a root
    REQUIRE(shape.find(" c35<c34 | current=c37") != std::string::npos);
  }
}

TEST_CASE("the honesty check finds an index that is stale or lies", "[index]") {
  Store s;
  for (int i = 1; i <= 3; ++i)
    s.Create("c" + std::to_string(i), "description " + std::to_string(i));
  REQUIRE(util::PathExists(s.index()));
  REQUIRE(s.IndexMismatch() == "");
  const std::string index_text = Slurp(s.index());
  const std::string c2_time = std::to_string(kEpoch + 1);
  const std::string c3_time = std::to_string(kEpoch + 2);
  const std::string c2 = FileFacts(Slurp(s.file("c2")));
  const std::string c3 = FileFacts(Slurp(s.file("c3")));
  // Changes the last line of a name (an entry may have been appended twice), the one that counts.
  auto lie = [&](const std::string& from, const std::string& to) {
    size_t pos = index_text.rfind(from);
    REQUIRE(pos != std::string::npos);
    util::WriteFileAtomic(s.index(), std::string(index_text).replace(pos, from.size(), to));
  };
  auto said = [](const std::string& name, const std::string& index, const std::string& file) {
    return name + ": the index says '" + index + "', the file '" + file + "'";
  };

  SECTION("another creation time") {
    lie("\tc3\tc2\t" + c3_time + "\t", "\tc3\tc2\t42\t");
    REQUIRE(s.IndexMismatch() == said("c3", Replace(c3, " time=" + c3_time, " time=42"), c3));
  }
  SECTION("another parent") {
    lie("\tc3\tc2\t", "\tc3\tc1\t");
    REQUIRE(s.IndexMismatch() == said("c3", Replace(c3, " parent=c2 ", " parent=c1 "), c3));
  }
  SECTION("another state and owner") {
    lie("\tc2\tc1\t" + c2_time + "\tcommitted\t\t",
        "\tc2\tc1\t" + c2_time + "\tpending\tnightly\t");
    REQUIRE(
        s.IndexMismatch() ==
        said("c2", Replace(c2, " state=committed owner= ", " state=pending owner=nightly "), c2));
  }
  SECTION("another bitmap") {
    lie("\tvda\tbitmap\tc2\t", "\tvda\tbitmap\tc1\t");
    REQUIRE(s.IndexMismatch() == said("c2", Replace(c2, " bitmap c2 ", " bitmap c1 "), c2));
  }
  SECTION("a file changed behind its back") {
    util::WriteFileAtomic(s.file("c2"), Replace(Slurp(s.file("c2")), "description 2", "by hand"));
    REQUIRE(s.IndexMismatch() == "c2: the entry's stat data are not the file's");
  }
  SECTION("a file it has no entry for") {
    util::WriteFileAtomic(s.file("extra"),
                          Replace(Slurp(s.file("c3")), "<name>c3</name>", "<name>extra</name>"));
    REQUIRE(s.IndexMismatch() == "extra: no entry");
  }
  SECTION("an entry whose file is gone") {
    REQUIRE(std::remove(s.file("c1").c_str()) == 0);
    REQUIRE(s.IndexMismatch() == "c1: an entry without a file");
  }
  SECTION("an entry for a file that does not load") {
    util::WriteFileAtomic(s.file("c3"), "garbage\n");
    REQUIRE(s.IndexMismatch() == "c3: an entry for a file that does not load");
  }
  SECTION("no index") {
    REQUIRE(std::remove(s.index().c_str()) == 0);
    REQUIRE(s.IndexMismatch() == "the index is missing or not an index");
  }
  SECTION("the original index again") {
    lie("\tc3\tc2\t", "\tc3\tc1\t");
    util::WriteFileAtomic(s.index(), index_text);
    REQUIRE(s.IndexMismatch() == "");
  }
}

TEST_CASE("a checkpoint file changed behind the index's back is seen", "[index]") {
  Store s;
  Populate(s);
  REQUIRE(util::PathExists(s.index()));
  const std::string index_text = Slurp(s.index());
  for (const char* name : {"\tc7\t", "\tc8\t", "\tc9\t"}) {
    REQUIRE(index_text.find(name) != std::string::npos);
  }

  // Another description (the file API: temp file and rename).
  std::string text = Slurp(s.file("c7"));
  util::WriteFileAtomic(s.file("c7"), Replace(text, "<description>description 7</description>",
                                              "<description>changed by hand</description>"));
  {
    auto session = s.Open();
    REQUIRE(session->warnings().empty());
    REQUIRE(session->ReadCheckpoint("c7").def.description == "changed by hand");
  }
  // Another parent and creation time.
  {
    auto session = s.Open();
    store::CheckpointRecord record = session->ReadCheckpoint("c8");
    session.reset();
    record.def.parent = "c1";
    record.def.creation_time = 42;
    util::WriteFileAtomic(s.file("c8"), store::files::FormatCheckpointFile(record));
  }
  std::string shape = s.Shape();
  INFO(shape);
  REQUIRE(shape.rfind("c1 c8<c1 c9<c8 c10<c9 ", 0) == 0);
  REQUIRE(shape.find(" c37<c36 c2<c1 c3<c2 c4<c3 c5<c4 c6<c5 c7<c6 | current=c37") !=
          std::string::npos);
  {
    auto session = s.Open();
    for (const auto& c : session->checkpoints()) {
      if (c.name == "c8") REQUIRE(c.creation_time == 42);
    }
  }
  // A new file next to the indexed ones.
  util::WriteFileAtomic(s.file("extra"),
                        Replace(Slurp(s.file("c9")), "<name>c9</name>", "<name>extra</name>"));
  REQUIRE(s.Shape().find(" c37<c36 extra<c8 c2<c1 ") != std::string::npos);
  // The next writer rewrites the index honestly.
  s.Create("after");
  s.CheckIndexHonest();
  REQUIRE(s.Warnings().empty());
}

TEST_CASE("writers append to the index and compact it now and then", "[index]") {
  Store s;
  Populate(s);
  auto tail_after = [&s](const std::string& before) {
    std::string now = Slurp(s.index());
    REQUIRE(now.compare(0, before.size(), before) == 0);
    return now.substr(before.size());
  };
  std::string text = Slurp(s.index());
  s.Create("n1");
  std::string tail = tail_after(text);
  REQUIRE(std::count(tail.begin(), tail.end(), '\n') == 1);
  REQUIRE(tail.rfind("E\t", 0) == 0);
  REQUIRE(tail.find("\tn1\tc37\t") != std::string::npos);

  text = Slurp(s.index());
  s.Delete("c2");  // c3 moves under c1
  tail = tail_after(text);
  // First the entries of the files about to change go, then the new entry comes.
  REQUIRE(tail.rfind("R\tc3\nR\tc2\nE\t", 0) == 0);
  REQUIRE(tail.find("\tc3\tc1\t") != std::string::npos);
  // n1, written in the same clock tick as the index line that vouches for it, may have been
  // read again and its entry appended again; nothing else.
  size_t entries = static_cast<size_t>(std::count(tail.begin(), tail.end(), '\n')) - 2;
  bool n1_again = tail.find("\tn1\tc37\t") != std::string::npos;
  REQUIRE(entries == (n1_again ? 2u : 1u));
  s.CheckIndexHonest();

  {
    INFO("a torn last line: ignored by readers, and the next writer rewrites the index");
    const std::string truth = s.Everything();
    text = Slurp(s.index());
    util::WriteFileAtomic(s.index(), text + "E\t12");
    REQUIRE(s.Everything() == truth);
    auto contents = store::files::ReadIndex(s.index());
    REQUIRE(contents.has_value());
    REQUIRE(!contents->clean);
    s.Create("n2");
    contents = store::files::ReadIndex(s.index());
    REQUIRE(contents->clean);
    REQUIRE(contents->lines == contents->summaries.size());
    s.CheckIndexHonest();
  }
  {
    INFO("the index never grows past twice its entries plus 64 lines");
    size_t most = 0;
    bool compacted = false;
    for (int i = 0; i < 300; ++i) {
      s.Redefine("r", "c1");
      auto contents = store::files::ReadIndex(s.index());
      REQUIRE(contents.has_value());
      REQUIRE(contents->lines <= 2 * contents->summaries.size() + 64);
      compacted = compacted || contents->lines < most;
      most = std::max(most, contents->lines);
    }
    REQUIRE(compacted);
    s.CheckIndexHonest();
  }
}

TEST_CASE("a file replaced after the index was written is read again", "[index]") {
  Store s;
  for (int i = 1; i <= 33; ++i) s.Create("c" + std::to_string(i));
  REQUIRE(util::PathExists(s.index()));
  const std::string old_time = "<creationTime>" + std::to_string(kEpoch + 32) + "</creationTime>";
  auto creation_of_c33 = [&s] {
    auto session = s.Open();
    for (const auto& c : session->checkpoints()) {
      if (c.name == "c33") return c.creation_time;
    }
    return int64_t{-1};
  };
  const std::string text = Slurp(s.file("c33"));
  {
    INFO("replaced by rename, same size, within the same clock tick");
    const std::string new_time = "<creationTime>" + std::to_string(kEpoch + 77) + "</creationTime>";
    util::WriteFileAtomic(s.file("c33"), Replace(text, old_time, new_time));
    REQUIRE(creation_of_c33() == kEpoch + 77);
  }
  {
    INFO("rewritten in place (same inode, same size), its mtime put back");
    s.Create("c34");  // the index is written after c33 was replaced
    std::optional<util::FileStat> before = util::StatPath(s.file("c33"));
    REQUIRE(before);
    const std::string new_time = "<creationTime>" + std::to_string(kEpoch + 88) + "</creationTime>";
    WriteInPlace(s.file("c33"), Replace(text, old_time, new_time));
    SetMtime(s.file("c33"), before->stamp.mtime_ns);
    std::optional<util::FileStat> after = util::StatPath(s.file("c33"));
    REQUIRE((after->stamp.inode == before->stamp.inode && after->stamp.size == before->stamp.size &&
             after->stamp.mtime_ns == before->stamp.mtime_ns));
    REQUIRE(creation_of_c33() == kEpoch + 88);
  }
}

TEST_CASE("an index entry no older than its file proves nothing (racily clean)", "[index]") {
  Store s;
  for (int i = 1; i <= 5; ++i) s.Create("c" + std::to_string(i));
  s.Open();  // the reader leaves an index that vouches for every file
  auto creation_of_c5 = [&s] {
    auto session = s.Open();
    for (const auto& c : session->checkpoints()) {
      if (c.name == "c5") return c.creation_time;
    }
    return int64_t{-1};
  };
  const int64_t truth = creation_of_c5();
  // An index whose entry for c5 has the file's very stamp but lies about its creation time,
  // as one written in the clock tick in which c5 was changed in place would.
  std::string text = Slurp(s.index());
  const std::string field = "\tc5\tc4\t" + std::to_string(truth) + "\t";
  const std::string lying = Replace(text, field, "\tc5\tc4\t42\t");
  const uint64_t file_time = util::StatPath(s.file("c5"))->stamp.mtime_ns;
  auto plant = [&](uint64_t index_time) {
    util::WriteFileAtomic(s.index(), lying);
    SetMtime(s.index(), index_time);
  };
  plant(file_time);
  REQUIRE(creation_of_c5() == truth);
  plant(file_time + 1000000000u);  // a second later: the index is trusted, and so is its lie
  REQUIRE(creation_of_c5() == 42);
}

TEST_CASE("a journal left by a killed command is replayed without the index", "[index]") {
  // The killed command may have replaced a file already, freeing the inode the index names for
  // it; the replayed file may get that inode back. So the index must go before the replay.
  Store s;
  for (int i = 1; i <= 40; ++i) s.Create("c" + std::to_string(i));
  const std::string c5 = Slurp(s.file("c5"));
  const std::string moved = Replace(c5, "<name>c4</name>", "<name>c2</name>");
  REQUIRE(moved != c5);
  util::WriteFileAtomic(s.file("c5"), moved);  // what the killed command did already
  util::WriteFileAtomic(s.dir() + "/journal",
                        store::files::FormatJournal(
                            {{"checkpoints/c5.xml", moved}, {"checkpoints/c4.xml", std::nullopt}}));
  const std::string shape = s.Shape();
  INFO(shape);
  REQUIRE(shape.find(" c5<c2 ") != std::string::npos);
  REQUIRE(shape.find(" c3<c2 ") != std::string::npos);
  REQUIRE(shape.find(" c4<c3 ") == std::string::npos);
  REQUIRE(!util::PathExists(s.dir() + "/journal"));
  REQUIRE(!util::PathExists(s.file("c4")));
  // The reader that replayed found every file unindexed and wrote the index afresh.
  auto contents = store::files::ReadIndex(s.index());
  REQUIRE(contents.has_value());
  REQUIRE(contents->lines == 39);
  s.CheckIndexHonest();
}

// ---------------------------------------------------------------------------------------------
// Files that do not load

namespace {

// Plants unloadable files next to a small tree c1 <- c2 <- c3; returns their identities.
std::map<std::string, FileId> PlantBadFiles(Store& s) {
  s.Create("c1");
  s.Create("c2");
  s.Create("c3");
  std::string good = Slurp(s.file("c2"));
  std::map<std::string, std::string> bad = {
      {"garbage", "garbage\n"},
      {"empty", ""},
      {"torn", good.substr(0, good.size() / 2)},
      {"schema", "<domaincheckpoint><bogus/></domaincheckpoint>\n"},
      {"other", Replace(good, "<name>c2</name>", "<name>c9</name>")},
  };
  std::map<std::string, FileId> ids;
  for (const auto& [name, content] : bad) {
    util::WriteFileAtomic(s.file(name), content);
    ids[name] = Identify(s.file(name));
  }
  return ids;
}

std::string Prefix(const Store& s, const std::string& name) {
  return "checkpoint '" + name + "' of domain 'single' skipped: cannot load " + s.file(name) + ": ";
}

}  // namespace

TEST_CASE("a file that does not load is reported, skipped, and never touched", "[bad]") {
  Store s;
  std::map<std::string, FileId> ids = PlantBadFiles(s);
  const std::string schema = SourceRoot() + "/schemas/checkpointfile.rng";

  std::vector<std::string> expected = {
      Prefix(s, "other") + "it names checkpoint 'c9'",
      Prefix(s, "schema") +
          "XML document failed to validate against schema: Unable to validate doc against " +
          schema +
          " Expecting an element internal, got nothing Invalid sequence in interleave Element "
          "domaincheckpoint failed to validate content",
      // virsh prints the same "(null)" context line for an empty document.
      Prefix(s, "empty") + s.file("empty") + ":1: Document is empty (null) ^",
      Prefix(s, "garbage") + s.file("garbage") + ":1: Start tag expected, '<' not found garbage ^",
      Prefix(s, "torn") + s.file("torn") +
          ":20: Specification mandates value for attribute offs     <clock offs "
          "---------------^",
  };
  std::vector<std::string> warnings = s.Warnings();
  std::sort(warnings.begin(), warnings.end());
  std::sort(expected.begin(), expected.end());
  REQUIRE(Join(warnings, "\n") == Join(expected, "\n"));
  REQUIRE(s.Shape() == "c1 c2<c1 c3<c2 | current=c3");

  // Later write commands never delete or rewrite them.
  s.Create("c4");
  s.Redefine("r1", "c1");
  s.Redefine("c2", "c1");
  s.Delete("c2");
  s.Delete("c1", store::DeleteMode::ChildrenOnly, false);
  for (int i = 0; i < 40; ++i) s.Create("n" + std::to_string(i));  // writes the index
  s.Delete("n0", store::DeleteMode::WithChildren, false);
  s.backend().Define(conf::DomainDef::Parse(ExampleDomainXml()), std::nullopt);
  {
    auto session = s.Open(store::Access::Write);
    store::Catalog catalog(*session);
    catalog.ClearBitmapOps();
  }
  REQUIRE(s.Shape() == "c1 | current=c1");
  for (const auto& [name, id] : ids) {
    INFO(name);
    REQUIRE(Identify(s.file(name)) == id);
  }
  warnings = s.Warnings();
  std::sort(warnings.begin(), warnings.end());
  REQUIRE(Join(warnings, "\n") == Join(expected, "\n"));
  // Nor are they in the index, which has every file that loads.
  s.CheckIndexHonest();
}

TEST_CASE("a file that does not load is skipped when it is the current one", "[bad]") {
  Store s;
  PlantBadFiles(s);
  util::WriteFileAtomic(s.dir() + "/current", "garbage\n");
  REQUIRE(s.Shape() == "c1 c2<c1 c3<c2 | current=-");
  s.Create("c4");
  REQUIRE(s.Shape() == "c4 c1 c2<c1 c3<c2 | current=c4");
}

TEST_CASE("a file that was indexed and then broke is reported", "[bad]") {
  Store s;
  for (int i = 1; i <= 40; ++i) s.Create("c" + std::to_string(i));
  REQUIRE(Slurp(s.index()).find("\tc7\t") != std::string::npos);
  util::WriteFileAtomic(s.file("c7"), "garbage\n");
  REQUIRE(s.Warnings() ==
          std::vector<std::string>{Prefix(s, "c7") + s.file("c7") +
                                   ":1: Start tag expected, '<' not found garbage ^"});
  // Its child is an orphan, listed as a root; the rest is intact.
  std::string shape = s.Shape();
  REQUIRE(shape.rfind("c8 c9<c8 c10<c9 ", 0) == 0);
  REQUIRE(shape.find(" c40<c39 c1 c2<c1 c3<c2 c4<c3 c5<c4 c6<c5 | current=c40") !=
          std::string::npos);
  REQUIRE(shape.find("c7") == std::string::npos);
}

// The file of a checkpoint that did not load still takes its name: a create or redefine of that
// name must fail rather than replace the file (it may be a newer format, or repairable by hand).
TEST_CASE("a create never overwrites a file that does not load", "[bad][overwrite]") {
  Store s;
  std::map<std::string, FileId> ids = PlantBadFiles(s);
  const std::string before = s.Shape();
  for (const auto& [name, id] : ids) {
    INFO("checkpoint-create-as single " << name);
    CHECK_THROWS_AS(s.Create(name), util::Error);
    CHECK(Identify(s.file(name)) == id);
  }
  CHECK(s.Shape() == before);
}

TEST_CASE("a redefine never overwrites a file that does not load", "[bad][overwrite]") {
  Store s;
  std::map<std::string, FileId> ids = PlantBadFiles(s);
  const std::string before = s.Shape();
  for (const auto& [name, id] : ids) {
    INFO("checkpoint-create single --redefine of " << Store::RedefineXml(name, "c1"));
    CHECK_THROWS_AS(s.Redefine(name, "c1"), util::Error);
    CHECK(Identify(s.file(name)) == id);
  }
  CHECK(s.Shape() == before);
}

// ---------------------------------------------------------------------------------------------
// Store roots and URIs

TEST_CASE("a store that does not exist is read as empty or as an error, and made by a define",
          "[root]") {
  TempDir tmp;
  std::string root = tmp.path() + "/store";
  auto named = store::OpenBackend(root);
  REQUIRE_FALSE(named->Exists());
  util::ErrorCode code{};
  const std::string missing =
      "the store directory '" + root +
      "' does not exist (a command that writes, such as define, creates it)";
  REQUIRE(ErrorOf([&] { named->ListDomains(); }, &code) == missing);
  REQUIRE(code == util::ErrorCode::NoConnect);
  REQUIRE(ErrorOf([&] { named->ResolveDomain("vm"); }) == missing);
  REQUIRE(ErrorOf([&] { named->Open("vm", store::Access::Read); }) == missing);
  REQUIRE(ErrorOf([&] { named->Undefine("vm", true); }) == missing);
  auto default_store = store::OpenBackend(root, store::MissingRoot::Empty);
  REQUIRE(default_store->ListDomains().empty());
  REQUIRE_FALSE(default_store->ResolveDomain("vm"));
  REQUIRE(ErrorOf([&] { default_store->Open("vm", store::Access::Write); }) ==
          "failed to get domain 'vm'");
  REQUIRE_FALSE(fs::exists(root));

  named->Define(DomainNamed("vm"), std::nullopt);
  REQUIRE(named->Exists());
  REQUIRE(named->ListDomains() == std::vector<std::string>{"vm"});

  util::WriteFileAtomic(tmp.path() + "/file", "x");
  REQUIRE(ErrorOf([&] { store::OpenBackend(tmp.path() + "/file"); }, &code) ==
          "the store '" + tmp.path() + "/file' is not a directory");
  REQUIRE(code == util::ErrorCode::NoConnect);
}

TEST_CASE("a URI that names no store is refused, never taken as a directory", "[root]") {
  TempDir tmp;
  fs::path old_cwd = fs::current_path();
  fs::current_path(tmp.path());
  for (const char* uri :
       {"qemu:///system", "test:///default", "xen://host/", "qemu:", "a+b.c-d:x"}) {
    util::ErrorCode code{};
    REQUIRE(ErrorOf([&] { store::OpenBackend(uri); }, &code) ==
            "unsupported URI '" + std::string(uri) +
                "': virtckpt connects to a store directory (a path) or to a postgresql:// or "
                "postgres:// URI");
    REQUIRE(code == util::ErrorCode::NoConnect);
  }
  for (const char* path : {"./qemu:", "/srv/a:b", "1a:b", "dir", "a_b:c"}) {
    REQUIRE_FALSE(store::LooksLikeUri(path));
  }
  fs::current_path(old_cwd);
  REQUIRE(fs::is_empty(tmp.path()));
}

// ---------------------------------------------------------------------------------------------
// Domain names

TEST_CASE("domain names that cannot be a directory are refused", "[names]") {
  TempDir tmp;
  auto backend = store::OpenBackend(tmp.path() + "/store", store::MissingRoot::Empty);
  auto define = [&](const std::string& name) {
    return ErrorOf([&] { backend->Define(DomainNamed(name), std::nullopt); });
  };
  std::string x256(256, 'x');
  REQUIRE(define(".") == "invalid argument: domain name '.' is not allowed");
  REQUIRE(define("..") == "invalid argument: domain name '..' is not allowed");
  REQUIRE(define("a/b") == "invalid argument: domain name 'a/b' must not contain '/'");
  REQUIRE(define("/") == "invalid argument: domain name '/' must not contain '/'");
  REQUIRE(define(x256) == "invalid argument: domain name '" + std::string(64, 'x') +
                              "...' is longer than 255 bytes");
  for (const char* reserved : {".virtckpt-format", ".virtckpt-undefined.12"}) {
    REQUIRE(define(reserved) == std::string("invalid argument: domain name '") + reserved +
                                    "' is reserved: names beginning with '.virtckpt-' belong to "
                                    "the store");
  }
  util::ErrorCode code{};
  ErrorOf([&] { backend->Define(DomainNamed(".."), std::nullopt); }, &code);
  REQUIRE(code == util::ErrorCode::InvalidArg);
  REQUIRE(ErrorOf([&] { store::files::CheckDomainName(""); }) ==
          "invalid argument: domain name '' must not be empty");
  ErrorOf([&] { store::files::CheckDomainName(std::string("a\0b", 3)); }, &code);
  REQUIRE(code == util::ErrorCode::InvalidArg);

  // Nothing was created for them, not even the root.
  REQUIRE(Join([&] {
            std::vector<std::string> names;
            for (const auto& e : fs::directory_iterator(tmp.path()))
              names.push_back(e.path().filename());
            return names;
          }()) == "");
  REQUIRE(!fs::exists(tmp.path() + "/store"));
  REQUIRE(backend->ListDomains().empty());

  // Opening them is "no such domain", never a path outside the store.
  for (const std::string& name : {std::string("."), std::string(".."), std::string("a/b"), x256,
                                  std::string("../store"), std::string("")}) {
    INFO(name);
    REQUIRE(ErrorOf([&] { backend->Open(name, store::Access::Read); }, &code) ==
            "failed to get domain '" + name + "'");
    REQUIRE(code == util::ErrorCode::DomainLookupFailed);
    REQUIRE(ErrorOf([&] { backend->Undefine(name, true); }) ==
            "failed to get domain '" + name + "'");
    REQUIRE(!backend->ResolveDomain(name));
  }

  // 255 bytes is fine.
  std::string x255(255, 'x');
  REQUIRE(define(x255) == "");
  REQUIRE(backend->ListDomains() == std::vector<std::string>{x255});
  REQUIRE(backend->Open(x255, store::Access::Read)->domain().name() == x255);
}

// ---------------------------------------------------------------------------------------------
// current

TEST_CASE("a current naming a missing checkpoint is treated as none", "[current]") {
  Store s;
  s.Create("c1");
  s.Create("c2");

  SECTION("a name that never existed") { util::WriteFileAtomic(s.dir() + "/current", "ghost\n"); }
  SECTION("without a newline") { util::WriteFileAtomic(s.dir() + "/current", "ghost"); }
  SECTION("a checkpoint whose file was removed behind the store's back") {
    s.Create("c3");
    REQUIRE(std::remove(s.file("c3").c_str()) == 0);
  }
  SECTION("empty") { util::WriteFileAtomic(s.dir() + "/current", ""); }
  REQUIRE(s.Shape() == "c1 c2<c1 | current=-");
  REQUIRE(s.Warnings().empty());
  s.Create("n1");  // no current: a new root
  REQUIRE(s.Shape() == "n1 c1 c2<c1 | current=n1");
  REQUIRE(Slurp(s.dir() + "/current") == "n1\n");
}

TEST_CASE("a redefine without current makes the redefined checkpoint current", "[current]") {
  Store s;
  s.Create("c1");
  s.Create("c2");
  util::WriteFileAtomic(s.dir() + "/current", "ghost\n");
  s.Redefine("r1", "c1");
  REQUIRE(s.Shape() == "c1 r1<c1 c2<c1 | current=r1");
}

// ---------------------------------------------------------------------------------------------
// Leftovers of killed writers, locks, undefine, the store's format

TEST_CASE("temp files of killed writers are never loaded and go with the next write",
          "[leftovers]") {
  Store s;
  s.Create("c1");
  s.Create("c2");
  const std::string truth = s.Everything();
  const std::string c2 = Slurp(s.file("c2"));
  const std::vector<std::string> leftovers = {
      s.file("c1") + ".tmp4242",        s.file("c9") + ".tmp17",
      s.file("c2") + ".undo",           s.dir() + "/current.tmp99",
      s.dir() + "/index.tmp123",        s.dir() + "/journal.tmp5",
      s.dir() + "/domain.xml.tmp77",    s.dir() + "/settings.xml.undo",
      s.dir() + "/bitmap-ops.xml.tmp8",
  };
  for (const auto& path : leftovers) util::WriteFileAtomic(path, Replace(c2, "c2", "c7"));
  REQUIRE(s.Everything() == truth);
  for (const auto& path : leftovers) REQUIRE(util::PathExists(path));  // readers leave them
  s.Create("c3");
  for (const auto& path : leftovers) {
    INFO(path);
    REQUIRE(!util::PathExists(path));
  }
  // A checkpoint whose name looks like a temp file is no temp file.
  s.Create("c4.tmp12");
  s.Create("c5");
  REQUIRE(util::PathExists(s.file("c4.tmp12")));
  REQUIRE(s.Shape() == "c1 c2<c1 c3<c2 c4.tmp12<c3 c5<c4.tmp12 | current=c5");
}

TEST_CASE("a FIFO, a directory or a symlink in a checkpoint's place is skipped", "[bad]") {
  Store s;
  s.Create("c1");
  s.Create("c2");
  s.Create("c3");
  REQUIRE(std::remove(s.file("c2").c_str()) == 0);
  REQUIRE(mkfifo(s.file("c2").c_str(), 0600) == 0);
  REQUIRE(mkdir(s.file("d1").c_str(), 0700) == 0);
  REQUIRE(symlink(s.file("c1").c_str(), s.file("l1").c_str()) == 0);
  auto warnings = s.Warnings();
  std::sort(warnings.begin(), warnings.end());
  REQUIRE(Join(warnings, "\n") == "checkpoint 'c2' of domain 'single' skipped: cannot load " +
                                      s.file("c2") +
                                      ": it is not a regular file\n"
                                      "checkpoint 'd1' of domain 'single' skipped: cannot load " +
                                      s.file("d1") +
                                      ": it is not a regular file\n"
                                      "checkpoint 'l1' of domain 'single' skipped: cannot load " +
                                      s.file("l1") + ": it is not a regular file");
  REQUIRE(s.Shape() == "c3 c1 | current=c3");  // c3's parent is gone: it is a root
}

namespace {

// Sets an environment variable for the scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("a lock that is not granted in time fails with libvirt's error", "[lock]") {
  Store s;
  s.Create("c1");
  const std::string before = s.Everything();
  util::FileLock held(s.dir() + "/lock", util::FileLock::Mode::Exclusive);
  ScopedEnv timeout("VIRTCKPT_LOCK_TIMEOUT", "0.2");
  const std::string message = "Timed out during operation: cannot acquire state change lock";
  util::ErrorCode code{};
  REQUIRE(ErrorOf([&] { s.Open(store::Access::Write); }, &code) == message);
  REQUIRE(code == util::ErrorCode::OperationTimeout);
  REQUIRE(ErrorOf([&] { s.Open(store::Access::Read); }) == message);
  REQUIRE(ErrorOf([&] { s.backend().Define(DomainNamed("single"), std::nullopt); }) == message);
  {
    ScopedEnv bad("VIRTCKPT_LOCK_TIMEOUT", "soon");
    REQUIRE(ErrorOf([&] { s.Open(store::Access::Read); }) ==
            "invalid argument: VIRTCKPT_LOCK_TIMEOUT='soon' is not a number of seconds");
  }
}

TEST_CASE("a lock file removed while a writer waits never lets two writers in", "[lock]") {
  TempDir tmp;
  const std::string path = tmp.path() + "/lock";
  auto first = std::make_unique<util::FileLock>(path, util::FileLock::Mode::Exclusive);
  std::unique_ptr<util::FileLock> second;
  std::thread waiter(
      [&] { second = std::make_unique<util::FileLock>(path, util::FileLock::Mode::Exclusive); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(unlink(path.c_str()) == 0);  // as undefine does, while holding the lock
  first.reset();
  waiter.join();
  REQUIRE(util::PathExists(path));  // the waiter locked a file that the path names again
  ScopedEnv timeout("VIRTCKPT_LOCK_TIMEOUT", "0");
  REQUIRE(ErrorOf([&] { util::FileLock third(path, util::FileLock::Mode::Exclusive); }) ==
          "Timed out during operation: cannot acquire state change lock");
}

TEST_CASE("undefine removes everything of the domain", "[undefine]") {
  Store s;
  s.Create("c1");
  s.Create("c2");
  s.Delete("c2", store::DeleteMode::Single, false);  // records bitmap operations
  util::WriteFileAtomic(s.file("c1") + ".tmp4242", "left by a killed writer");
  REQUIRE(ErrorOf([&] { s.backend().Undefine("single", false); }) ==
          "Requested operation is not valid: cannot delete inactive domain with 1 checkpoints");
  REQUIRE(util::PathExists(s.file("c1")));
  std::vector<store::BitmapOp> dropped = s.backend().Undefine("single", true);
  REQUIRE(dropped.size() == 1);
  REQUIRE(dropped[0].kind == store::BitmapOp::Kind::Remove);
  REQUIRE(dropped[0].bitmap == "c2");
  REQUIRE(!util::PathExists(s.dir()));
  REQUIRE(s.backend().ListDomains().empty());
  // Defined again, it starts empty.
  s.backend().Define(conf::DomainDef::Parse(ExampleDomainXml()), std::nullopt);
  REQUIRE(s.Shape() == " | current=-");
}

TEST_CASE("undefine's check sees the domain under the writer lock and can refuse", "[undefine]") {
  Store s;
  s.Create("c1");
  std::string lock = s.dir() + "/lock";
  REQUIRE(ErrorOf([&] {
            s.backend().Undefine("single", true, [&](store::DomainSession& session) {
              REQUIRE(session.checkpoints().size() == 1);
              ScopedEnv timeout("VIRTCKPT_LOCK_TIMEOUT", "0");
              REQUIRE(ErrorOf([&] {
                        util::FileLock other(lock, util::FileLock::Mode::Exclusive);
                      }) == "Timed out during operation: cannot acquire state change lock");
              throw util::Error(util::ErrorCode::OperationInvalid, "refused");
            });
          }) == "Requested operation is not valid: refused");
  REQUIRE(util::PathExists(s.file("c1")));
  REQUIRE(s.backend().ListDomains() == std::vector<std::string>{"single"});
}

TEST_CASE("a store of a newer format is refused; an older one is upgraded by a writer",
          "[format]") {
  TempDir tmp;
  const std::string root = tmp.path() + "/store";
  {
    auto backend = store::OpenBackend(root);
    backend->Define(conf::DomainDef::Parse(ExampleDomainXml()), std::nullopt);
  }
  const std::string format_file = root + "/.virtckpt-format";
  REQUIRE(Slurp(format_file) == "virtckpt-store-format 3\n");
  util::ErrorCode code{};
  {
    INFO("newer");
    util::WriteFileAtomic(format_file, "virtckpt-store-format 4\n");
    REQUIRE(ErrorOf([&] { store::OpenBackend(root); }, &code) ==
            "unsupported configuration: the store '" + root +
                "' has format version 4, newer than this virtckpt supports (3); use a newer "
                "virtckpt");
    REQUIRE(code == util::ErrorCode::ConfigUnsupportedFormat);
    REQUIRE(Slurp(format_file) == "virtckpt-store-format 4\n");
  }
  {
    INFO("malformed");
    util::WriteFileAtomic(format_file, "virtckpt-store-format two\n");
    REQUIRE(ErrorOf([&] { store::OpenBackend(root); }) ==
            "internal error: malformed store format file '" + format_file + "'");
  }
  {
    INFO("version 2: upgraded by the first write, its index kept");
    const std::string index = root + "/single/index";
    const std::string index_content = "virtckpt-index 3\n";
    util::WriteFileAtomic(index, index_content);
    util::WriteFileAtomic(format_file, "virtckpt-store-format 2\n");
    auto backend = store::OpenBackend(root);
    REQUIRE(backend->Open("single", store::Access::Read)->checkpoints().empty());
    REQUIRE(Slurp(format_file) == "virtckpt-store-format 2\n");
    backend->Open("single", store::Access::Write);
    REQUIRE(Slurp(format_file) == "virtckpt-store-format 3\n");
    REQUIRE(Slurp(index) == index_content);
  }
  {
    INFO("older: no format file, an index of the old format");
    REQUIRE(std::remove(format_file.c_str()) == 0);
    const std::string index = root + "/single/index";
    const std::string old_index = "virtckpt-index 2\nE\t1\t2\t3\tc9\t\t0\tcommitted\t\t1\t0\t0\n";
    util::WriteFileAtomic(index, old_index);
    const FileId index_before = Identify(index);
    auto backend = store::OpenBackend(root);
    REQUIRE(backend->Open("single", store::Access::Read)->checkpoints().empty());
    REQUIRE(Identify(index) == index_before);  // read as it is
    REQUIRE(!util::PathExists(format_file));
    backend->Open("single", store::Access::Write);
    REQUIRE(Slurp(format_file) == "virtckpt-store-format 3\n");
    REQUIRE(!util::PathExists(index));
  }
}

}  // namespace

TEST_CASE("the backup job that ended last is kept in last-job.xml until it is forgotten", "[job]") {
  Store s;
  s.Create("c1");
  std::string path = s.dir() + "/last-job.xml";
  auto end_job = [&](const std::string& name, bool commit, int64_t started, int64_t ended) {
    auto session = s.Open(store::Access::Write);
    store::Catalog catalog(*session);
    store::BackupJob job;
    job.checkpoint = name;
    job.since = "c1";
    job.started = started;
    catalog.BeginBackup(
        conf::ParseCheckpoint("<domaincheckpoint><name>" + name + "</name></domaincheckpoint>", 0),
        job, "");
    REQUIRE(!util::PathExists(path));  // a job that begins forgets the last one's statistics
    commit ? catalog.CommitBackup(ended) : catalog.AbortBackup(ended);
  };
  end_job("c2", true, 1704067200, 1704067230);
  REQUIRE(Slurp(path) ==
          "<completedjob outcome='committed' checkpoint='c2' since='c1' started='1704067200' "
          "ended='1704067230'/>\n");
  store::CompletedJob committed{"c2", "c1", 1704067200, 1704067230,
                                store::CompletedJob::Outcome::Committed};
  REQUIRE(s.Open()->completed_job() == committed);
  REQUIRE(store::files::FormatCompletedJob(store::files::ParseCompletedJob(Slurp(path), path)) ==
          Slurp(path));

  end_job("c3", false, 1704067300, 1704067301);
  store::CompletedJob aborted{"c3", "c1", 1704067300, 1704067301,
                              store::CompletedJob::Outcome::Aborted};
  REQUIRE(s.Open()->completed_job() == aborted);
  {
    auto session = s.Open(store::Access::Write);
    store::Catalog(*session).ForgetCompletedJob();
  }
  REQUIRE(!util::PathExists(path));
  REQUIRE(!s.Open()->completed_job());

  // Only statistics: a damaged file is reported and read as none.
  util::WriteFileAtomic(path, "<completedjob outcome='lost' started='1' ended='2'/>\n");
  auto session = s.Open();
  REQUIRE(!session->completed_job());
  REQUIRE(session->warnings().size() == 1);
  REQUIRE(session->warnings()[0].find("statistics of the last backup job of domain 'single' "
                                      "skipped: cannot load " +
                                      path + ": ") == 0);
  session.reset();
  {
    auto writer = s.Open(store::Access::Write);
    store::Catalog(*writer).ForgetCompletedJob();
  }
  REQUIRE(!util::PathExists(path));
  REQUIRE(s.Warnings().empty());
}

TEST_CASE("an owner that the files could not keep as given is refused", "[tree]") {
  Store s;
  for (const std::string owner :
       {"a\x01"
        "b",
        "a\tb", "a\nb", "\x7f", "\xc2\x85", "\xff", "\xc3", "\xed\xa0\x80"}) {
    INFO("owner " << owner);
    auto session = s.Open(store::Access::Write);
    store::Catalog catalog(*session);
    util::ErrorCode code{};
    REQUIRE(
        ErrorOf(
            [&] {
              catalog.Create(
                  conf::ParseCheckpoint("<domaincheckpoint><name>c1</name></domaincheckpoint>", 0),
                  owner, kEpoch);
            },
            &code) == "invalid argument: an owner must be UTF-8 text without control characters");
    REQUIRE(code == util::ErrorCode::InvalidArg);
    REQUIRE(ErrorOf([&] {
              catalog.Redefine(
                  conf::ParseCheckpoint(Store::RedefineXml("c1", ""), conf::kParseRedefine), owner);
            }) == "invalid argument: an owner must be UTF-8 text without control characters");
  }
  REQUIRE(s.Everything() == " | current=-");
  auto session = s.Open(store::Access::Write);
  store::Catalog catalog(*session);
  catalog.Create(conf::ParseCheckpoint("<domaincheckpoint><name>c1</name></domaincheckpoint>", 0),
                 "nightly é☃ \xf0\x9f\x92\xbe", kEpoch);
  REQUIRE(catalog.tree().Find("c1")->owner == "nightly é☃ \xf0\x9f\x92\xbe");
}

// ---------------------------------------------------------------------------------------------
// Backend::Create (checkpoint-import of a new domain): one unit, and a failure leaves nothing

// Every name under `root` with its type, mode and bytes, one a line ("" when it does not exist).
std::string TreeOf(const std::string& root) {
  std::error_code ec;
  if (!fs::exists(root, ec)) return "";
  std::vector<std::string> lines;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
    struct stat st;
    REQUIRE(lstat(entry.path().c_str(), &st) == 0);
    std::string line = fs::relative(entry.path(), root).string() + " " +
                       (S_ISDIR(st.st_mode) ? "d" : "f") + " " + std::to_string(st.st_mode & 07777);
    if (S_ISREG(st.st_mode)) line += " " + Slurp(entry.path().string());
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return Join(lines, "\n");
}

// A new domain's change: c1 <- c2 (or a checkpoint named `bad` after them), current c2.
store::Change NewDomainChange(const std::string& bad = "") {
  store::Change change;
  std::vector<std::pair<std::string, std::string>> checkpoints = {{"c1", ""}, {"c2", "c1"}};
  uint64_t link = 0;
  for (const auto& [name, parent] : checkpoints) {
    store::CheckpointRecord record;
    record.def = conf::ParseCheckpoint(Store::RedefineXml(name, parent), conf::kParseRedefine);
    record.meta.link_seq = ++link;
    change.upserts.push_back(std::move(record));
  }
  if (!bad.empty()) {
    change.upserts.push_back(change.upserts.back());
    change.upserts.back().def.name = bad;
  }
  change.set_current = true;
  change.current = "c2";
  return change;
}

TEST_CASE("Create makes the domain with its checkpoints and current, as one unit", "[create]") {
  Store s;
  store::DomainSettings settings;
  settings.granularity = 131072;
  s.backend().Create(DomainNamed("fresh"), settings, NewDomainChange());
  REQUIRE(s.backend().ListDomains() == std::vector<std::string>{"fresh", "single"});
  auto session = s.backend().Open("fresh", store::Access::Read);
  store::Catalog catalog(*session);
  REQUIRE(catalog.tree().ParentOf("c2") == "c1");
  REQUIRE(catalog.current() == std::optional<std::string>("c2"));
  REQUIRE(catalog.settings().granularity == 131072);
  REQUIRE(fs::exists(s.root() + "/fresh/domain.xml"));
  REQUIRE(!fs::exists(s.root() + "/fresh/journal"));
}

TEST_CASE("a Create that fails leaves the store as it was", "[create]") {
  SECTION("in a store with another domain") {
    Store s;
    std::string before = TreeOf(s.root());
    util::ErrorCode code{};
    REQUIRE(ErrorOf([&] { s.backend().Create(DomainNamed("fresh"), {}, NewDomainChange("a b")); },
                    &code) == "invalid argument: 'a b' is not a valid checkpoint name");
    REQUIRE(code == util::ErrorCode::InvalidArg);
    REQUIRE(TreeOf(s.root()) == before);
    REQUIRE(s.backend().ListDomains() == std::vector<std::string>{"single"});
    REQUIRE(!s.backend().HasDomain("fresh"));
  }
  SECTION("in a store that did not exist: no store either") {
    TempDir tmp;
    std::string root = tmp.path() + "/store";
    auto backend = store::OpenBackend(root, store::MissingRoot::Empty);
    REQUIRE(!ErrorOf([&] {
               backend->Create(DomainNamed("fresh"), {}, NewDomainChange("a b"));
             }).empty());
    REQUIRE(!fs::exists(root));
    REQUIRE(!backend->Exists());
    REQUIRE(backend->ListDomains().empty());
    // And the next Create makes it after all.
    backend->Create(DomainNamed("fresh"), {}, NewDomainChange());
    REQUIRE(backend->ListDomains() == std::vector<std::string>{"fresh"});
  }
  SECTION("a directory of that name that is no domain keeps what it held") {
    Store s;
    fs::create_directories(s.root() + "/fresh/checkpoints");
    { std::ofstream(s.root() + "/fresh/notes.txt") << "someone else's\n"; }
    std::string before = TreeOf(s.root());
    REQUIRE(!ErrorOf([&] {
               s.backend().Create(DomainNamed("fresh"), {}, NewDomainChange("a b"));
             }).empty());
    // The lock file it made goes again; what was there stays.
    REQUIRE(TreeOf(s.root()) == before);
    REQUIRE(s.backend().ListDomains() == std::vector<std::string>{"single"});
  }
  SECTION("a domain that exists is refused and kept") {
    Store s;
    s.Create("x1");
    std::string before = TreeOf(s.root());
    util::ErrorCode code{};
    REQUIRE(ErrorOf([&] { s.backend().Create(DomainNamed("single"), {}, NewDomainChange()); },
                    &code) == "operation failed: domain 'single' already exists");
    REQUIRE(code == util::ErrorCode::OperationFailed);
    REQUIRE(TreeOf(s.root()) == before);
    REQUIRE(s.Shape() == "x1 | current=x1");
  }
}

TEST_CASE("a Create killed after its journal is carried out by the next reader", "[create]") {
  // What a kill -9 after the journal's rename leaves: the journal, none of its files; the
  // domain exists for the next reader, with all of it (domain.xml, written last, included).
  Store s;
  std::string dir = s.root() + "/fresh";
  fs::create_directories(dir + "/checkpoints");
  { std::ofstream(dir + "/lock"); }
  std::vector<store::files::FileChange> files = {
      {"settings.xml", std::string("<settings>\n  <bitmaps model='cumulative' mode='external' "
                                   "granularity='65536'/>\n</settings>\n")},
      {"checkpoints/c1.xml", store::files::FormatCheckpointFile(NewDomainChange().upserts[0])},
      {"current", std::string("c1\n")},
      {"domain.xml", DomainNamed("fresh").Format(0, true)}};
  { std::ofstream(dir + "/journal") << store::files::FormatJournal(files); }
  REQUIRE(s.backend().ListDomains() == std::vector<std::string>{"fresh", "single"});
  REQUIRE(!fs::exists(dir + "/journal"));
  auto session = s.backend().Open("fresh", store::Access::Read);
  REQUIRE(session->checkpoints().size() == 1);
  REQUIRE(session->current() == std::optional<std::string>("c1"));
}
