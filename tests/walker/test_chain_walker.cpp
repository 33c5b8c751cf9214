// The chain walker on synthetic checkpoint trees: backup::PlanBackup called directly with
// store::CheckpointSummary vectors and a conf::DomainDef parsed from XML text. One TEST_CASE per
// reason code, both bitmap models, branches, several reasons on one disk; every sentence is
// compared word for word.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backup/chain_walker.hpp"
#include "backup/domain_backup_xml.hpp"
#include "backup/plan.hpp"
#include "backup/reason.hpp"
#include "conf/domain_def.hpp"
#include "qcow2/image_probe.hpp"
#include "store/checkpoint_tree.hpp"
#include "store/records.hpp"
#include "store/settings.hpp"
#include "util/error.hpp"

namespace {

using virtckpt::backup::BackupPlan;
using virtckpt::backup::DiskMode;
using virtckpt::backup::DiskPlan;
using virtckpt::backup::Reason;
using virtckpt::conf::CheckpointType;
using virtckpt::conf::DomainDef;
using virtckpt::qcow2::ImageFacts;
using virtckpt::store::BitmapModel;
using virtckpt::store::CheckpointState;
using virtckpt::store::CheckpointSummaries;
using virtckpt::store::CheckpointSummary;
using virtckpt::store::CheckpointTree;

constexpr uint64_t kGiB = 1073741824;

// ---- domain definitions from XML text ----

std::string BusOf(const std::string& target) {
  if (target.rfind("vd", 0) == 0) return "virtio";
  if (target.rfind("sd", 0) == 0) return "sata";
  if (target.rfind("fd", 0) == 0) return "fdc";
  return "ide";
}

// A <disk> element. An empty `source` makes a drive without a medium; an empty `format` leaves
// out the driver type.
std::string DiskXml(const std::string& target, const std::string& source,
                    const std::string& format = "qcow2", const std::string& device = "disk",
                    bool readonly = false, const std::string& type = "file") {
  std::string xml = "    <disk type='" + type + "' device='" + device + "'>\n";
  xml += format.empty() ? "      <driver name='qemu'/>\n"
                        : "      <driver name='qemu' type='" + format + "'/>\n";
  if (!source.empty()) {
    xml +=
        "      <source " + std::string(type == "block" ? "dev" : "file") + "='" + source + "'/>\n";
  }
  xml += "      <target dev='" + target + "' bus='" + BusOf(target) + "'/>\n";
  if (readonly) xml += "      <readonly/>\n";
  xml += "    </disk>\n";
  return xml;
}

DomainDef Domain(const std::string& disks) {
  std::string xml =
      "<domain type='test'>\n"
      "  <name>walker</name>\n"
      "  <uuid>3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c</uuid>\n"
      "  <memory unit='KiB'>1048576</memory>\n"
      "  <os>\n"
      "    <type arch='x86_64'>hvm</type>\n"
      "  </os>\n"
      "  <devices>\n" +
      disks +
      "  </devices>\n"
      "</domain>\n";
  return DomainDef::Parse(xml, "(test domain)");
}

// ---- synthetic checkpoints ----

using Disk = CheckpointSummary::Disk;

// A disk recorded with checkpoint='bitmap'; the bitmap defaults to the checkpoint's name.
Disk Bitmap(const std::string& target, const std::string& source,
            std::optional<uint64_t> size = std::nullopt, const std::string& format = "qcow2",
            const std::string& bitmap = "") {
  Disk d;
  d.target = target;
  d.type = CheckpointType::Bitmap;
  d.bitmap = bitmap;
  d.source = source;
  d.format = format;
  d.virtual_size = size;
  return d;
}

// A disk recorded with checkpoint='no'.
Disk No(const std::string& target, const std::string& source, const std::string& format = "qcow2",
        std::optional<uint64_t> size = std::nullopt) {
  Disk d;
  d.target = target;
  d.type = CheckpointType::No;
  d.source = source;
  d.format = format;
  d.virtual_size = size;
  return d;
}

class Store {
 public:
  // Adds a checkpoint linked after every earlier one; a bitmap disk without a bitmap name gets
  // the checkpoint's name, as libvirt's default.
  Store& Add(const std::string& name, const std::string& parent, std::vector<Disk> disks,
             CheckpointState state = CheckpointState::Committed) {
    CheckpointSummary c;
    c.name = name;
    c.parent = parent;
    c.creation_time = 1704067200 + static_cast<int64_t>(checkpoints_.size());
    c.state = state;
    c.link_seq = checkpoints_.size() + 1;
    c.has_domain = true;
    for (auto& d : disks) {
      if (d.type == CheckpointType::Bitmap && d.bitmap.empty()) d.bitmap = name;
    }
    c.set_disks(std::move(disks));
    checkpoints_.push_back(std::move(c));
    return *this;
  }
  const CheckpointSummaries& checkpoints() const { return checkpoints_; }

 private:
  CheckpointSummaries checkpoints_;
};

struct Options {
  BitmapModel model = BitmapModel::Cumulative;
  // The images this host reads now, by target: qcow2 images of these virtual sizes, and images
  // with other facts. A target in neither cannot be read.
  std::map<std::string, uint64_t> sizes;
  std::map<std::string, ImageFacts> images;
  // The walker is given no way to read images.
  bool no_image_reader = false;
};

BackupPlan Plan(const Store& store, const DomainDef& domain, std::optional<std::string> current,
                std::optional<std::string> since, const Options& options = {}) {
  CheckpointTree tree(store.checkpoints());
  virtckpt::store::DomainSettings settings;
  settings.model = options.model;
  virtckpt::backup::WalkInput input{domain,           tree,   std::move(current), settings,
                                    std::move(since), nullptr};
  if (!options.no_image_reader) {
    input.read_image =
        [options](const virtckpt::conf::DomainDisk& disk) -> std::optional<ImageFacts> {
      if (auto it = options.images.find(disk.target_dev); it != options.images.end()) {
        return it->second;
      }
      if (auto it = options.sizes.find(disk.target_dev); it != options.sizes.end()) {
        return ImageFacts{"qcow2", it->second};
      }
      return std::nullopt;
    };
  }
  return virtckpt::backup::PlanBackup(input);
}

const DiskPlan& DiskOf(const BackupPlan& plan, const std::string& target) {
  for (const auto& d : plan.disks) {
    if (d.target == target) return d;
  }
  FAIL("no disk " << target << " in the plan");
  throw;  // not reached
}

std::vector<std::string> Codes(const DiskPlan& disk) {
  std::vector<std::string> codes;
  for (Reason r : disk.reasons) codes.push_back(virtckpt::backup::ReasonToString(r));
  return codes;
}

std::vector<std::string> Targets(const BackupPlan& plan) {
  std::vector<std::string> targets;
  for (const auto& d : plan.disks) targets.push_back(d.target);
  return targets;
}

using Strings = std::vector<std::string>;

void RequireIncremental(const BackupPlan& plan, const std::string& target, const Strings& bitmaps) {
  INFO("disk " << target);
  const DiskPlan& d = DiskOf(plan, target);
  CHECK(virtckpt::backup::DiskModeToString(d.mode) == std::string("incremental"));
  CHECK(d.bitmaps == bitmaps);
  CHECK(d.reasons.empty());
  CHECK(d.messages.empty());
}

// `messages`: the sentence of each code, in the same order.
void RequireFull(const BackupPlan& plan, const std::string& target, const Strings& codes,
                 const Strings& messages) {
  INFO("disk " << target);
  const DiskPlan& d = DiskOf(plan, target);
  CHECK(virtckpt::backup::DiskModeToString(d.mode) == std::string("full"));
  CHECK(d.bitmaps.empty());
  CHECK(Codes(d) == codes);
  CHECK(d.messages == messages);
}

void RequireNone(const BackupPlan& plan, const std::string& target, const Strings& codes,
                 const Strings& messages) {
  INFO("disk " << target);
  const DiskPlan& d = DiskOf(plan, target);
  CHECK(virtckpt::backup::DiskModeToString(d.mode) == std::string("none"));
  CHECK(d.bitmaps.empty());
  CHECK(Codes(d) == codes);
  CHECK(d.messages == messages);
}

// vda and vdb, qcow2, in every checkpoint c1 -> c2 -> c3 (current c3).
const char* kVda = "/img/vda.qcow2";
const char* kVdb = "/img/vdb.qcow2";

DomainDef TwoDisks() { return Domain(DiskXml("vda", kVda) + DiskXml("vdb", kVdb)); }

Store Linear3() {
  Store s;
  s.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
  s.Add("c2", "c1", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
  s.Add("c3", "c2", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
  return s;
}

}  // namespace

TEST_CASE("reason names: one table, canonical order, both ways", "[reason]") {
  const Strings names = {
      "no_checkpoint",      "not_ancestor",       "disk_added_after", "disk_removed_between",
      "checkpoint_no",      "identity_changed",   "resized",          "image_format_mismatch",
      "not_bitmap_capable", "pending_checkpoint", "bitmap_shared",    "bitmap_missing",
      "bitmap_in_use",      "bitmap_disabled",    "chain_gap",        "bitmaps_invalid"};
  REQUIRE(static_cast<size_t>(virtckpt::backup::kLastReason) + 1 == names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    auto reason = virtckpt::backup::ReasonFromString(names[i]);
    REQUIRE(reason);
    CHECK(static_cast<size_t>(*reason) == i);
    CHECK(virtckpt::backup::ReasonToString(*reason) == names[i]);
  }
  CHECK_FALSE(virtckpt::backup::ReasonFromString("hotplugged_after"));
  CHECK_FALSE(virtckpt::backup::ReasonFromString("unknown_checkpoint"));
  CHECK_FALSE(virtckpt::backup::ReasonFromString("image_unavailable"));
  CHECK_FALSE(virtckpt::backup::ReasonFromString("Resized"));
  CHECK_FALSE(virtckpt::backup::ReasonFromString(""));
}

TEST_CASE("note names: one table, both ways", "[reason][note]") {
  auto note = virtckpt::backup::NoteFromString("image_unavailable");
  REQUIRE(note);
  CHECK(*note == virtckpt::backup::Note::ImageUnavailable);
  CHECK(virtckpt::backup::NoteToString(*note) == std::string("image_unavailable"));
  CHECK_FALSE(virtckpt::backup::NoteFromString("image_format_mismatch"));
  CHECK_FALSE(virtckpt::backup::NoteFromString(""));
}

TEST_CASE("no_checkpoint: without --since every disk is full", "[reason][no_checkpoint]") {
  DomainDef domain = Domain(DiskXml("vda", kVda) + DiskXml("vdc", "/img/vdc.raw", "raw") +
                            DiskXml("sdb", "", "raw", "cdrom", true));
  const std::string kMessage = "no checkpoint to start from: a full backup is needed";

  SECTION("with checkpoints") {
    Store s = Linear3();
    BackupPlan plan = Plan(s, domain, "c3", std::nullopt);
    CHECK_FALSE(plan.since);
    REQUIRE(plan.current);
    CHECK(*plan.current == "c3");
    CHECK(plan.path.empty());
    CHECK(Targets(plan) == Strings{"vda", "vdc", "sdb"});
    RequireFull(plan, "vda", {"no_checkpoint"}, {kMessage});
    RequireFull(plan, "vdc", {"no_checkpoint", "not_bitmap_capable"},
                {kMessage, "disk vdc is raw, not qcow2: it cannot hold a bitmap"});
    RequireNone(plan, "sdb", {"no_checkpoint", "not_bitmap_capable"},
                {kMessage, "disk sdb has no medium"});
  }
  SECTION("without any checkpoint") {
    Store s;
    BackupPlan plan = Plan(s, domain, std::nullopt, std::nullopt);
    CHECK_FALSE(plan.current);
    CHECK(plan.path.empty());
    RequireFull(plan, "vda", {"no_checkpoint"}, {kMessage});
  }
  SECTION("in the delta model") {
    Store s = Linear3();
    Options o;
    o.model = BitmapModel::Delta;
    BackupPlan plan = Plan(s, domain, "c3", std::nullopt, o);
    CHECK(plan.model == BitmapModel::Delta);
    RequireFull(plan, "vda", {"no_checkpoint"}, {kMessage});
  }
}

// libvirt's error, never a plan of full disks.
void RequireNoSuchCheckpoint(const Store& store, const DomainDef& domain,
                             std::optional<std::string> current, const std::string& since,
                             BitmapModel model = BitmapModel::Cumulative) {
  INFO("since " << since);
  Options o;
  o.model = model;
  try {
    Plan(store, domain, std::move(current), since, o);
    FAIL("no error");
  } catch (const virtckpt::util::Error& e) {
    CHECK(e.category() == virtckpt::util::ErrorCategory::NotFound);
    CHECK(std::string(e.what()) ==
          "Domain checkpoint not found: no domain checkpoint with matching name '" + since + "'");
  }
}

TEST_CASE("an unknown X is an error", "[unknown]") {
  Store s = Linear3();
  DomainDef domain = Domain(DiskXml("vda", kVda) + DiskXml("sdb", "", "raw", "cdrom", true));
  RequireNoSuchCheckpoint(s, domain, "c3", "zz");
  RequireNoSuchCheckpoint(s, domain, "c3", "zz", BitmapModel::Delta);
  SECTION("names are case-sensitive") { RequireNoSuchCheckpoint(s, domain, "c3", "C1"); }
  SECTION("with no checkpoint at all") {
    Store empty;
    RequireNoSuchCheckpoint(empty, domain, std::nullopt, "c1");
  }
  SECTION("the error comes before every other reason") {
    Store pending;
    pending.Add("c1", "", {Bitmap("vda", kVda)}, CheckpointState::Pending);
    RequireNoSuchCheckpoint(pending, domain, "c1", "c0");
    RequireNoSuchCheckpoint(s, domain, std::nullopt, "c0");
  }
}

TEST_CASE("not_ancestor: X on another branch", "[reason][not_ancestor][branch]") {
  // c1 -> c2 -> c3 (current), and b1 -> b2 redefined under c1.
  Store s = Linear3();
  s.Add("b1", "c1", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
  s.Add("b2", "b1", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
  DomainDef domain = TwoDisks();

  for (const char* since : {"b1", "b2"}) {
    BackupPlan plan = Plan(s, domain, "c3", std::string(since));
    CHECK(plan.path.empty());
    std::string message = std::string("checkpoint '") + since +
                          "' is not on the path from a root to the current checkpoint 'c3'";
    RequireFull(plan, "vda", {"not_ancestor"}, {message});
    RequireFull(plan, "vdb", {"not_ancestor"}, {message});
  }
  SECTION("a descendant of the current checkpoint is not an ancestor") {
    BackupPlan plan = Plan(s, domain, "c2", std::string("c3"));
    RequireFull(plan, "vda", {"not_ancestor"},
                {"checkpoint 'c3' is not on the path from a root to the current checkpoint 'c2'"});
  }
  SECTION("another root") {
    s.Add("r1", "", {Bitmap("vda", kVda)});
    BackupPlan plan = Plan(s, domain, "c3", std::string("r1"));
    RequireFull(plan, "vda", {"not_ancestor"},
                {"checkpoint 'r1' is not on the path from a root to the current checkpoint 'c3'"});
  }
  SECTION("no current checkpoint") {
    BackupPlan plan = Plan(s, domain, std::nullopt, std::string("c1"));
    RequireFull(plan, "vda", {"not_ancestor"},
                {"checkpoint 'c1' is not on the path from a root to the current checkpoint "
                 "(there is none)"});
  }
  SECTION("the common ancestor and the current branch still work") {
    BackupPlan plan = Plan(s, domain, "c3", std::string("c1"));
    CHECK(plan.path == Strings{"c1", "c2", "c3"});
    RequireIncremental(plan, "vda", {"c1"});
    BackupPlan other = Plan(s, domain, "b2", std::string("c1"));
    CHECK(other.path == Strings{"c1", "b1", "b2"});
    RequireIncremental(other, "vdb", {"c1"});
    BackupPlan from_c2 = Plan(s, domain, "b2", std::string("c2"));
    RequireFull(from_c2, "vda", {"not_ancestor"},
                {"checkpoint 'c2' is not on the path from a root to the current checkpoint 'b2'"});
  }
}

TEST_CASE("disk_added_after: a disk hot-plugged after X", "[reason][disk_added_after]") {
  // vdb attached after c1, then c2 taken with it.
  Store s;
  s.Add("c1", "", {Bitmap("vda", kVda)});
  DomainDef domain = TwoDisks();

  SECTION("before any later checkpoint") {
    BackupPlan plan = Plan(s, domain, "c1", std::string("c1"));
    CHECK(plan.path == Strings{"c1"});
    RequireIncremental(plan, "vda", {"c1"});
    RequireFull(plan, "vdb", {"disk_added_after"},
                {"disk vdb did not exist at checkpoint 'c1': it was added later"});
  }
  SECTION("then a new checkpoint") {
    s.Add("c2", "c1", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    BackupPlan plan = Plan(s, domain, "c2", std::string("c1"));
    RequireIncremental(plan, "vda", {"c1"});
    RequireFull(plan, "vdb", {"disk_added_after"},
                {"disk vdb did not exist at checkpoint 'c1': it was added later"});
    BackupPlan since_c2 = Plan(s, domain, "c2", std::string("c2"));
    RequireIncremental(since_c2, "vda", {"c2"});
    RequireIncremental(since_c2, "vdb", {"c2"});

    Options delta;
    delta.model = BitmapModel::Delta;
    BackupPlan d = Plan(s, domain, "c2", std::string("c1"), delta);
    RequireIncremental(d, "vda", {"c1", "c2"});
    RequireFull(d, "vdb", {"disk_added_after"},
                {"disk vdb did not exist at checkpoint 'c1': it was added later"});
  }
  SECTION("absent at X and at every later checkpoint: only disk_added_after") {
    s.Add("c2", "c1", {Bitmap("vda", kVda)});
    s.Add("c3", "c2", {Bitmap("vda", kVda)});
    BackupPlan plan = Plan(s, domain, "c3", std::string("c1"));
    RequireFull(plan, "vdb", {"disk_added_after"},
                {"disk vdb did not exist at checkpoint 'c1': it was added later"});
  }
}

TEST_CASE("disk_removed_between: present at X, absent later, present again",
          "[reason][disk_removed_between]") {
  DomainDef domain = TwoDisks();
  Store s;
  s.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
  s.Add("c2", "c1", {Bitmap("vda", kVda)});
  s.Add("c3", "c2", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});

  BackupPlan plan = Plan(s, domain, "c3", std::string("c1"));
  RequireIncremental(plan, "vda", {"c1"});
  RequireFull(plan, "vdb", {"disk_removed_between"},
              {"disk vdb was absent at checkpoint 'c2', after 'c1'"});

  SECTION("since the checkpoint where it was absent: added after") {
    BackupPlan p = Plan(s, domain, "c3", std::string("c2"));
    RequireFull(p, "vdb", {"disk_added_after"},
                {"disk vdb did not exist at checkpoint 'c2': it was added later"});
  }
  SECTION("since the checkpoint after the re-plug: incremental") {
    BackupPlan p = Plan(s, domain, "c3", std::string("c3"));
    RequireIncremental(p, "vdb", {"c3"});
  }
  SECTION("absent at the current checkpoint, present in the definition") {
    s.Add("c4", "c3", {Bitmap("vda", kVda)});
    BackupPlan p = Plan(s, domain, "c4", std::string("c3"));
    RequireFull(p, "vdb", {"disk_removed_between"},
                {"disk vdb was absent at checkpoint 'c4', after 'c3'"});
  }
  SECTION("delta model") {
    Options o;
    o.model = BitmapModel::Delta;
    BackupPlan p = Plan(s, domain, "c3", std::string("c1"), o);
    RequireIncremental(p, "vda", {"c1", "c2", "c3"});
    RequireFull(p, "vdb", {"disk_removed_between"},
                {"disk vdb was absent at checkpoint 'c2', after 'c1'"});
  }
  SECTION("absent at several checkpoints: the sentence names the first") {
    Store t;
    t.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    t.Add("c2", "c1", {Bitmap("vda", kVda)});
    t.Add("c3", "c2", {Bitmap("vda", kVda)});
    t.Add("c4", "c3", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    BackupPlan p = Plan(t, domain, "c4", std::string("c1"));
    RequireFull(p, "vdb", {"disk_removed_between"},
                {"disk vdb was absent at checkpoint 'c2', after 'c1'"});
  }
}

TEST_CASE("checkpoint_no: X or a later checkpoint records checkpoint='no'",
          "[reason][checkpoint_no]") {
  DomainDef domain = TwoDisks();
  SECTION("at X") {
    Store s;
    s.Add("c1", "", {Bitmap("vda", kVda), No("vdb", kVdb)});
    s.Add("c2", "c1", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    BackupPlan plan = Plan(s, domain, "c2", std::string("c1"));
    RequireIncremental(plan, "vda", {"c1"});
    RequireFull(plan, "vdb", {"checkpoint_no"},
                {"checkpoint 'c1' records checkpoint='no' for disk vdb"});
    RequireIncremental(Plan(s, domain, "c2", std::string("c2")), "vdb", {"c2"});
  }
  SECTION("at a later checkpoint on the path") {
    Store s;
    s.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    s.Add("c2", "c1", {Bitmap("vda", kVda), No("vdb", kVdb)});
    s.Add("c3", "c2", {Bitmap("vda", kVda), No("vdb", kVdb)});
    BackupPlan plan = Plan(s, domain, "c3", std::string("c1"));
    RequireFull(plan, "vdb", {"checkpoint_no"},
                {"checkpoint 'c2' records checkpoint='no' for disk vdb"});
    Options o;
    o.model = BitmapModel::Delta;
    BackupPlan d = Plan(s, domain, "c3", std::string("c1"), o);
    RequireIncremental(d, "vda", {"c1", "c2", "c3"});
    RequireFull(d, "vdb", {"checkpoint_no"},
                {"checkpoint 'c2' records checkpoint='no' for disk vdb"});
  }
  SECTION("on another branch it does not matter") {
    Store s;
    s.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    s.Add("b2", "c1", {Bitmap("vda", kVda), No("vdb", kVdb)});
    s.Add("c2", "c1", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    BackupPlan plan = Plan(s, domain, "c2", std::string("c1"));
    RequireIncremental(plan, "vdb", {"c1"});
  }
}

TEST_CASE("identity_changed: same target, another source or format", "[reason][identity_changed]") {
  Store s;
  s.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
  s.Add("c2", "c1", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});

  SECTION("another image at the same target (detach + attach)") {
    DomainDef domain = Domain(DiskXml("vda", kVda) + DiskXml("vdb", "/img/other.qcow2"));
    BackupPlan plan = Plan(s, domain, "c2", std::string("c1"));
    RequireIncremental(plan, "vda", {"c1"});
    RequireFull(plan, "vdb", {"identity_changed"},
                {"disk vdb was /img/vdb.qcow2 (qcow2) at checkpoint 'c1' and is now "
                 "/img/other.qcow2 (qcow2)"});
    CHECK(DiskOf(plan, "vdb").source == "/img/other.qcow2");
  }
  SECTION("the image replaced after the last checkpoint only") {
    Store t;
    t.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    t.Add("c2", "c1", {Bitmap("vda", kVda), Bitmap("vdb", "/img/other.qcow2")});
    DomainDef domain = Domain(DiskXml("vda", kVda) + DiskXml("vdb", "/img/other.qcow2"));
    RequireFull(Plan(t, domain, "c2", std::string("c1")), "vdb", {"identity_changed"},
                {"disk vdb was /img/vdb.qcow2 (qcow2) at checkpoint 'c1' and is now "
                 "/img/other.qcow2 (qcow2)"});
    RequireIncremental(Plan(t, domain, "c2", std::string("c2")), "vdb", {"c2"});
  }
  SECTION("another format of the same file") {
    Store t;
    t.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb, std::nullopt, "qed")});
    DomainDef domain = TwoDisks();
    RequireFull(Plan(t, domain, "c1", std::string("c1")), "vdb", {"identity_changed"},
                {"disk vdb was /img/vdb.qcow2 (qed) at checkpoint 'c1' and is now "
                 "/img/vdb.qcow2 (qcow2)"});
  }
  SECTION("qcow2 replaced by raw: also not bitmap capable") {
    DomainDef domain = Domain(DiskXml("vda", kVda) + DiskXml("vdb", "/img/vdb.raw", "raw"));
    RequireFull(Plan(s, domain, "c2", std::string("c1")), "vdb",
                {"identity_changed", "not_bitmap_capable"},
                {"disk vdb was /img/vdb.qcow2 (qcow2) at checkpoint 'c1' and is now "
                 "/img/vdb.raw (raw)",
                 "disk vdb is raw, not qcow2: it cannot hold a bitmap"});
  }
  SECTION("a block device") {
    Store t;
    t.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", "/dev/vg/old")});
    DomainDef domain = Domain(DiskXml("vda", kVda) +
                              DiskXml("vdb", "/dev/vg/new", "qcow2", "disk", false, "block"));
    BackupPlan plan = Plan(t, domain, "c1", std::string("c1"));
    RequireFull(plan, "vdb", {"identity_changed"},
                {"disk vdb was /dev/vg/old (qcow2) at checkpoint 'c1' and is now /dev/vg/new "
                 "(qcow2)"});
    CHECK(DiskOf(plan, "vdb").type == "block");
  }
  SECTION("a network disk: protocol and export name") {
    Store t;
    t.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", "nbd:export1")});
    std::string network =
        "    <disk type='network' device='disk'>\n"
        "      <driver name='qemu' type='qcow2'/>\n"
        "      <source protocol='nbd' name='export2'>\n"
        "        <host name='example.org' port='10809'/>\n"
        "      </source>\n"
        "      <target dev='vdb' bus='virtio'/>\n"
        "    </disk>\n";
    DomainDef domain = Domain(DiskXml("vda", kVda) + network);
    BackupPlan plan = Plan(t, domain, "c1", std::string("c1"));
    RequireFull(plan, "vdb", {"identity_changed"},
                {"disk vdb was nbd:export1 (qcow2) at checkpoint 'c1' and is now nbd:export2 "
                 "(qcow2)"});
    CHECK(DiskOf(plan, "vdb").type == "network");
  }
  SECTION("a recorded identity without source or format is not compared") {
    Store t;
    t.Add("c1", "", {Bitmap("vda", "", std::nullopt, ""), Bitmap("vdb", kVdb)});
    RequireIncremental(Plan(t, TwoDisks(), "c1", std::string("c1")), "vda", {"c1"});
  }
}

TEST_CASE("resized: a virtual size recorded on the path differs from the image's now",
          "[reason][resized]") {
  DomainDef domain = TwoDisks();
  Store s;
  s.Add("c1", "", {Bitmap("vda", kVda, kGiB), Bitmap("vdb", kVdb, kGiB)});
  s.Add("c2", "c1", {Bitmap("vda", kVda, 2 * kGiB), Bitmap("vdb", kVdb, kGiB)});

  Options o;
  o.sizes = {{"vda", 2 * kGiB}, {"vdb", kGiB}};
  SECTION("grown after X") {
    BackupPlan plan = Plan(s, domain, "c2", std::string("c1"), o);
    RequireFull(plan, "vda", {"resized"},
                {"disk vda was 1073741824 bytes at checkpoint 'c1' and is now 2147483648 bytes"});
    RequireIncremental(plan, "vdb", {"c1"});
    RequireIncremental(Plan(s, domain, "c2", std::string("c2"), o), "vda", {"c2"});
  }
  SECTION("grown after the last checkpoint") {
    o.sizes["vdb"] = 3 * kGiB;
    BackupPlan plan = Plan(s, domain, "c2", std::string("c2"), o);
    RequireFull(plan, "vdb", {"resized"},
                {"disk vdb was 1073741824 bytes at checkpoint 'c2' and is now 3221225472 bytes"});
  }
  SECTION("shrunk back: a size in between still differs") {
    o.sizes["vda"] = kGiB;
    BackupPlan plan = Plan(s, domain, "c2", std::string("c1"), o);
    RequireFull(plan, "vda", {"resized"},
                {"disk vda was 2147483648 bytes at checkpoint 'c2' and is now 1073741824 bytes"});
  }
  SECTION("an unknown size now means no size check") {
    o.sizes.erase("vda");
    RequireIncremental(Plan(s, domain, "c2", std::string("c1"), o), "vda", {"c1"});
    Options none;
    none.no_image_reader = true;
    RequireIncremental(Plan(s, domain, "c2", std::string("c1"), none), "vda", {"c1"});
  }
  SECTION("an unknown size then means no size check") {
    Store t;
    t.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    RequireIncremental(Plan(t, domain, "c1", std::string("c1"), o), "vda", {"c1"});
  }
  SECTION("delta model") {
    o.model = BitmapModel::Delta;
    BackupPlan plan = Plan(s, domain, "c2", std::string("c1"), o);
    RequireFull(plan, "vda", {"resized"},
                {"disk vda was 1073741824 bytes at checkpoint 'c1' and is now 2147483648 bytes"});
    RequireIncremental(plan, "vdb", {"c1", "c2"});
  }
}

TEST_CASE("not_bitmap_capable: raw, readonly, cdrom, floppy, empty",
          "[reason][not_bitmap_capable]") {
  DomainDef domain = Domain(
      DiskXml("vda", kVda) + DiskXml("vdc", "/img/vdc.raw", "raw") +
      DiskXml("vdd", "/img/vdd.img", "") + DiskXml("vde", "/img/vde.qcow2", "qcow2", "disk", true) +
      DiskXml("sda", "/img/install.iso", "raw", "cdrom", true) +
      DiskXml("sdb", "", "raw", "cdrom", true) + DiskXml("fda", "/img/boot.img", "raw", "floppy"));
  // The checkpoint says 'bitmap' even for the disks that cannot hold one (the test driver
  // allows it); the empty cdrom has checkpoint='no' as libvirt's default.
  Store s;
  s.Add("c1", "",
        {Bitmap("vda", kVda), Bitmap("vdc", "/img/vdc.raw", std::nullopt, "raw"),
         Bitmap("vdd", "/img/vdd.img", std::nullopt, ""), Bitmap("vde", "/img/vde.qcow2"),
         Bitmap("sda", "/img/install.iso", std::nullopt, "raw"), No("sdb", "", "raw"),
         Bitmap("fda", "/img/boot.img", std::nullopt, "raw")});
  BackupPlan plan = Plan(s, domain, "c1", std::string("c1"));
  CHECK(Targets(plan) == Strings{"vda", "vdc", "vdd", "vde", "sda", "sdb", "fda"});
  RequireIncremental(plan, "vda", {"c1"});
  RequireFull(plan, "vdc", {"not_bitmap_capable"},
              {"disk vdc is raw, not qcow2: it cannot hold a bitmap"});
  RequireFull(plan, "vdd", {"not_bitmap_capable"},
              {"disk vdd is raw (no driver type), not qcow2: it cannot hold a bitmap"});
  // Readonly disks, like empty drives, have nothing to back up (libvirt's default backup
  // leaves both out).
  RequireNone(plan, "vde", {"not_bitmap_capable"},
              {"disk vde is readonly: it cannot hold a bitmap"});
  RequireNone(plan, "sda", {"not_bitmap_capable"},
              {"disk sda is a cdrom: it cannot hold a bitmap"});
  RequireNone(plan, "sdb", {"checkpoint_no", "not_bitmap_capable"},
              {"checkpoint 'c1' records checkpoint='no' for disk sdb", "disk sdb has no medium"});
  RequireFull(plan, "fda", {"not_bitmap_capable"},
              {"disk fda is a floppy: it cannot hold a bitmap"});

  SECTION("IsBitmapCapable") {
    for (const auto& disk : domain.disks()) {
      INFO(disk.target_dev);
      CHECK(virtckpt::backup::IsBitmapCapable(disk) == (disk.target_dev == "vda"));
    }
  }
  SECTION("an empty drive alone") {
    DomainDef d = Domain(DiskXml("sdb", "", "raw", "cdrom", true));
    Store u;
    u.Add("c1", "", {});
    RequireNone(Plan(u, d, "c1", std::string("c1")), "sdb",
                {"disk_added_after", "not_bitmap_capable"},
                {"disk sdb did not exist at checkpoint 'c1': it was added later",
                 "disk sdb has no medium"});
    DomainDef e = Domain(DiskXml("vdz", "", "qcow2"));
    u.Add("c2", "c1", {Bitmap("vdz", "")});
    RequireNone(Plan(u, e, "c2", std::string("c2")), "vdz", {"not_bitmap_capable"},
                {"disk vdz has no medium"});
  }
}

TEST_CASE("not_bitmap_capable: a lun passthrough disk", "[reason][not_bitmap_capable][lun]") {
  DomainDef domain = Domain(DiskXml("sda", "/dev/sdz", "qcow2", "lun", false, "block"));
  Store s;
  s.Add("c1", "", {Bitmap("sda", "/dev/sdz")});
  BackupPlan plan = Plan(s, domain, "c1", std::string("c1"));
  const DiskPlan& sda = DiskOf(plan, "sda");
  CHECK(Codes(sda) == Strings{"not_bitmap_capable"});
  CHECK(virtckpt::backup::DiskModeToString(sda.mode) == std::string("full"));
  // The sentence must name what is wrong with the disk: its device, not its (qcow2) format.
  REQUIRE(sda.messages.size() == 1);
  CHECK_THAT(sda.messages[0], Catch::Matchers::Contains("lun"));
  CHECK_THAT(sda.messages[0], !Catch::Matchers::Contains("is qcow2, not qcow2"));
}

TEST_CASE("pending_checkpoint: X is the pending checkpoint of a backup job",
          "[reason][pending_checkpoint]") {
  DomainDef domain = Domain(DiskXml("vda", kVda) + DiskXml("vdc", "/img/vdc.raw", "raw"));
  Store s;
  s.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdc", "/img/vdc.raw", std::nullopt, "raw")});
  s.Add("c2", "c1", {Bitmap("vda", kVda), Bitmap("vdc", "/img/vdc.raw", std::nullopt, "raw")},
        CheckpointState::Pending);
  BackupPlan plan = Plan(s, domain, "c2", std::string("c2"));
  CHECK(plan.path.empty());
  RequireFull(plan, "vda", {"pending_checkpoint"},
              {"checkpoint 'c2' belongs to a backup job that has not ended"});
  RequireFull(plan, "vdc", {"not_bitmap_capable", "pending_checkpoint"},
              {"disk vdc is raw, not qcow2: it cannot hold a bitmap",
               "checkpoint 'c2' belongs to a backup job that has not ended"});

  SECTION("the job's base is still usable") {
    BackupPlan p = Plan(s, domain, "c2", std::string("c1"));
    CHECK(p.path == Strings{"c1", "c2"});
    RequireIncremental(p, "vda", {"c1"});
    Options o;
    o.model = BitmapModel::Delta;
    RequireIncremental(Plan(s, domain, "c2", std::string("c1"), o), "vda", {"c1", "c2"});
  }
  SECTION("delta model") {
    Options o;
    o.model = BitmapModel::Delta;
    RequireFull(Plan(s, domain, "c2", std::string("c2"), o), "vda", {"pending_checkpoint"},
                {"checkpoint 'c2' belongs to a backup job that has not ended"});
  }
}

TEST_CASE("bitmap models: cumulative uses X alone, delta X and every later bitmap in order",
          "[model]") {
  DomainDef domain = TwoDisks();
  Store s = Linear3();
  s.Add("c4", "c3", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
  Options cumulative;
  Options delta;
  delta.model = BitmapModel::Delta;

  struct Case {
    const char* since;
    Strings path;
  };
  for (const Case& c : {Case{"c1", {"c1", "c2", "c3", "c4"}}, Case{"c2", {"c2", "c3", "c4"}},
                        Case{"c3", {"c3", "c4"}}, Case{"c4", {"c4"}}}) {
    INFO("since " << c.since);
    BackupPlan p = Plan(s, domain, "c4", std::string(c.since), cumulative);
    CHECK(p.model == BitmapModel::Cumulative);
    CHECK(p.path == c.path);
    RequireIncremental(p, "vda", {c.since});
    RequireIncremental(p, "vdb", {c.since});
    BackupPlan q = Plan(s, domain, "c4", std::string(c.since), delta);
    CHECK(q.model == BitmapModel::Delta);
    CHECK(q.path == c.path);
    RequireIncremental(q, "vda", c.path);
    RequireIncremental(q, "vdb", c.path);
  }

  SECTION("bitmap names come from the bitmap= attribute") {
    Store t;
    t.Add("c1", "", {Bitmap("vda", kVda, std::nullopt, "qcow2", "bm-1"), Bitmap("vdb", kVdb)});
    t.Add("c2", "c1", {Bitmap("vda", kVda, std::nullopt, "qcow2", "bm-2"), Bitmap("vdb", kVdb)});
    RequireIncremental(Plan(t, domain, "c2", std::string("c1")), "vda", {"bm-1"});
    RequireIncremental(Plan(t, domain, "c2", std::string("c1"), delta), "vda", {"bm-1", "bm-2"});
    RequireIncremental(Plan(t, domain, "c2", std::string("c1"), delta), "vdb", {"c1", "c2"});
  }
  SECTION("the plan's facts come from the current definition") {
    Options readable;
    readable.sizes = {{"vda", kGiB}, {"vdb", kGiB}};
    BackupPlan p = Plan(s, domain, "c4", std::string("c2"), readable);
    CHECK(p.domain == "walker");
    REQUIRE(p.since);
    CHECK(*p.since == "c2");
    REQUIRE(p.current);
    CHECK(*p.current == "c4");
    const DiskPlan& vda = DiskOf(p, "vda");
    CHECK(vda.type == "file");
    CHECK(vda.source == kVda);
    CHECK(vda.format == "qcow2");
    CHECK(vda.notes.empty());
    CHECK(p.notes.empty());
  }
}

TEST_CASE("branches: the path runs from X to the current checkpoint only", "[branch]") {
  // r -> a1 -> a2 and r -> b1 -> b2 -> b3 (current b3); a disk added on one branch only.
  const std::string kVdx = "/img/vdx.qcow2";
  Store s;
  s.Add("r", "", {Bitmap("vda", kVda)});
  s.Add("a1", "r", {Bitmap("vda", kVda), Bitmap("vdx", kVdx)});
  s.Add("a2", "a1", {Bitmap("vda", kVda), Bitmap("vdx", kVdx)});
  s.Add("b1", "r", {Bitmap("vda", kVda)});
  s.Add("b2", "b1", {Bitmap("vda", kVda), No("vdx", kVdx)});
  s.Add("b3", "b2", {Bitmap("vda", kVda), Bitmap("vdx", kVdx)});
  DomainDef domain = Domain(DiskXml("vda", kVda) + DiskXml("vdx", kVdx));
  Options delta;
  delta.model = BitmapModel::Delta;

  BackupPlan p = Plan(s, domain, "b3", std::string("r"), delta);
  CHECK(p.path == Strings{"r", "b1", "b2", "b3"});
  RequireIncremental(p, "vda", {"r", "b1", "b2", "b3"});
  RequireFull(p, "vdx", {"disk_added_after", "checkpoint_no"},
              {"disk vdx did not exist at checkpoint 'r': it was added later",
               "checkpoint 'b2' records checkpoint='no' for disk vdx"});

  BackupPlan q = Plan(s, domain, "b3", std::string("b1"), delta);
  RequireFull(q, "vdx", {"disk_added_after", "checkpoint_no"},
              {"disk vdx did not exist at checkpoint 'b1': it was added later",
               "checkpoint 'b2' records checkpoint='no' for disk vdx"});
  RequireIncremental(Plan(s, domain, "b3", std::string("b3"), delta), "vdx", {"b3"});

  for (const char* other : {"a1", "a2"}) {
    BackupPlan o = Plan(s, domain, "b3", std::string(other), delta);
    RequireFull(o, "vda", {"not_ancestor"},
                {std::string("checkpoint '") + other +
                 "' is not on the path from a root to the current checkpoint 'b3'"});
  }
  SECTION("with the current checkpoint on the other branch") {
    BackupPlan o = Plan(s, domain, "a2", std::string("a1"), delta);
    CHECK(o.path == Strings{"a1", "a2"});
    RequireIncremental(o, "vdx", {"a1", "a2"});
    RequireFull(Plan(s, domain, "a2", std::string("b1"), delta), "vda", {"not_ancestor"},
                {"checkpoint 'b1' is not on the path from a root to the current checkpoint 'a2'"});
  }
  SECTION("an orphan (its parent is gone) is a root") {
    s.Add("o1", "gone", {Bitmap("vda", kVda)});
    s.Add("o2", "o1", {Bitmap("vda", kVda)});
    BackupPlan o = Plan(s, domain, "o2", std::string("o1"), delta);
    CHECK(o.path == Strings{"o1", "o2"});
    RequireIncremental(o, "vda", {"o1", "o2"});
  }
}

TEST_CASE("several reasons: all listed in canonical order, each with its own sentence",
          "[reason][order]") {
  // vdb: c1 qcow2 1 GiB; absent at c2; c3 raw with checkpoint='no'; now raw, 2 GiB.
  const std::string kRaw = "/img/vdb.raw";
  Store s;
  s.Add("c1", "", {Bitmap("vda", kVda, kGiB), Bitmap("vdb", kVdb, kGiB)});
  s.Add("c2", "c1", {Bitmap("vda", kVda, kGiB)});
  s.Add("c3", "c2", {Bitmap("vda", kVda, kGiB), No("vdb", kRaw, "raw", kGiB)});
  DomainDef domain = Domain(DiskXml("vda", kVda) + DiskXml("vdb", kRaw, "raw"));
  Options o;
  o.sizes = {{"vda", kGiB}};
  o.images = {{"vdb", ImageFacts{"raw", 2 * kGiB}}};
  const std::string kNotCapable = "disk vdb is raw, not qcow2: it cannot hold a bitmap";

  for (BitmapModel model : {BitmapModel::Cumulative, BitmapModel::Delta}) {
    o.model = model;
    BackupPlan plan = Plan(s, domain, "c3", std::string("c1"), o);
    RequireIncremental(plan, "vda",
                       model == BitmapModel::Delta ? Strings{"c1", "c2", "c3"} : Strings{"c1"});
    // Found in walk order resized (c1), identity_changed (c1), disk_removed_between (c2),
    // checkpoint_no (c3): listed in canonical order all the same.
    RequireFull(plan, "vdb",
                {"disk_removed_between", "checkpoint_no", "identity_changed", "resized",
                 "not_bitmap_capable"},
                {"disk vdb was absent at checkpoint 'c2', after 'c1'",
                 "checkpoint 'c3' records checkpoint='no' for disk vdb",
                 "disk vdb was /img/vdb.qcow2 (qcow2) at checkpoint 'c1' and is now /img/vdb.raw "
                 "(raw)",
                 "disk vdb was 1073741824 bytes at checkpoint 'c1' and is now 2147483648 bytes",
                 kNotCapable});
  }
  SECTION("since c2: added after comes first") {
    BackupPlan plan = Plan(s, domain, "c3", std::string("c2"), o);
    RequireFull(plan, "vdb", {"disk_added_after", "checkpoint_no", "resized", "not_bitmap_capable"},
                {"disk vdb did not exist at checkpoint 'c2': it was added later",
                 "checkpoint 'c3' records checkpoint='no' for disk vdb",
                 "disk vdb was 1073741824 bytes at checkpoint 'c3' and is now 2147483648 bytes",
                 kNotCapable});
  }
  SECTION("the sentence of a reason found at several checkpoints names the first one") {
    Store t;
    t.Add("c1", "", {Bitmap("vda", kVda, kGiB)});
    t.Add("c2", "c1", {Bitmap("vda", kVda, 3 * kGiB)});
    DomainDef d = Domain(DiskXml("vda", "/img/new.qcow2"));
    Options sizes;
    sizes.sizes = {{"vda", 2 * kGiB}};
    BackupPlan plan = Plan(t, d, "c2", std::string("c1"), sizes);
    RequireFull(plan, "vda", {"identity_changed", "resized"},
                {"disk vda was /img/vda.qcow2 (qcow2) at checkpoint 'c1' and is now "
                 "/img/new.qcow2 (qcow2)",
                 "disk vda was 1073741824 bytes at checkpoint 'c1' and is now 2147483648 bytes"});
  }
  SECTION("a plan-wide reason comes with the disk's own") {
    BackupPlan plan = Plan(s, domain, "c3", std::nullopt, o);
    RequireFull(plan, "vdb", {"no_checkpoint", "not_bitmap_capable"},
                {"no checkpoint to start from: a full backup is needed", kNotCapable});
  }
  SECTION("every reason has its sentence, and no sentence belongs to another reason") {
    for (const char* since : {"c1", "c2", "c3"}) {
      BackupPlan plan = Plan(s, domain, "c3", std::string(since), o);
      for (const DiskPlan& d : plan.disks) {
        INFO("since " << since << ", disk " << d.target);
        CHECK(d.messages.size() == d.reasons.size());
        CHECK(d.note_messages.size() == d.notes.size());
      }
    }
  }
}

TEST_CASE("image_format_mismatch: the image is not what the driver type says",
          "[reason][image_format_mismatch]") {
  DomainDef domain =
      Domain(DiskXml("vda", kVda) + DiskXml("vdb", kVdb) + DiskXml("vdc", "/img/vdc.raw", "raw") +
             DiskXml("vdd", "/img/vdd.img", "") + DiskXml("vde", "/img/vde.qed", "qed"));
  // Every size recorded at c1 differs from what the images say now.
  Store s;
  s.Add("c1", "",
        {Bitmap("vda", kVda, kGiB), Bitmap("vdb", kVdb, kGiB),
         Bitmap("vdc", "/img/vdc.raw", 16 << 20, "raw"),
         Bitmap("vdd", "/img/vdd.img", 16 << 20, ""), Bitmap("vde", "/img/vde.qed", kGiB, "qed")});
  Options o;
  // vda: a qcow2 image, resized; vdc and vdd: qcow2 images.
  o.sizes = {{"vda", 2 * kGiB}, {"vdc", kGiB}, {"vdd", kGiB}};
  o.images = {{"vdb", ImageFacts{"raw", 4096}}, {"vde", ImageFacts{"raw", 4096}}};
  const std::string kVdbMismatch =
      "disk vdb has driver type qcow2, but its image is not a qcow2 image";
  const std::string kVdcMismatch = "disk vdc has driver type raw, but its image is a qcow2 image";
  const std::string kVddMismatch =
      "disk vdd has no driver type (raw), but its image is a qcow2 image";

  for (BitmapModel model : {BitmapModel::Cumulative, BitmapModel::Delta}) {
    o.model = model;
    BackupPlan plan = Plan(s, domain, "c1", std::string("c1"), o);
    RequireFull(plan, "vda", {"resized"},
                {"disk vda was 1073741824 bytes at checkpoint 'c1' and is now 2147483648 bytes"});
    // A raw file's size is not a qcow2 virtual size: no resized from it.
    RequireFull(plan, "vdb", {"image_format_mismatch"}, {kVdbMismatch});
    RequireFull(plan, "vdc", {"image_format_mismatch", "not_bitmap_capable"},
                {kVdcMismatch, "disk vdc is raw, not qcow2: it cannot hold a bitmap"});
    RequireFull(
        plan, "vdd", {"image_format_mismatch", "not_bitmap_capable"},
        {kVddMismatch, "disk vdd is raw (no driver type), not qcow2: it cannot hold a bitmap"});
    // The probe tells qcow2 from the rest only: a qed image is neither checked nor sized.
    RequireFull(plan, "vde", {"not_bitmap_capable"},
                {"disk vde is qed, not qcow2: it cannot hold a bitmap"});
    CHECK(DiskOf(plan, "vdb").notes.empty());
  }
  SECTION("also without --since") {
    BackupPlan plan = Plan(s, domain, "c1", std::nullopt, o);
    RequireFull(plan, "vdb", {"no_checkpoint", "image_format_mismatch"},
                {"no checkpoint to start from: a full backup is needed", kVdbMismatch});
  }
  SECTION("a readonly disk keeps nothing to back up, with the reason listed") {
    DomainDef ro = Domain(DiskXml("vdb", kVdb, "qcow2", "disk", true));
    BackupPlan plan = Plan(s, ro, "c1", std::string("c1"), o);
    RequireNone(plan, "vdb", {"image_format_mismatch", "not_bitmap_capable"},
                {kVdbMismatch, "disk vdb is readonly: it cannot hold a bitmap"});
  }
  SECTION("the images in their formats: only the resize of vda") {
    Options fine;
    fine.sizes = {{"vda", kGiB}, {"vdb", kGiB}};
    fine.images = {{"vdc", ImageFacts{"raw", 16 << 20}}, {"vdd", ImageFacts{"raw", 32 << 20}}};
    BackupPlan plan = Plan(s, domain, "c1", std::string("c1"), fine);
    RequireIncremental(plan, "vda", {"c1"});
    RequireIncremental(plan, "vdb", {"c1"});
    RequireFull(plan, "vdc", {"not_bitmap_capable"},
                {"disk vdc is raw, not qcow2: it cannot hold a bitmap"});
    RequireFull(plan, "vdd", {"resized", "not_bitmap_capable"},
                {"disk vdd was 16777216 bytes at checkpoint 'c1' and is now 33554432 bytes",
                 "disk vdd is raw (no driver type), not qcow2: it cannot hold a bitmap"});
  }
}

TEST_CASE("image_unavailable: the decision stands on the metadata, with a note",
          "[note][image_unavailable]") {
  DomainDef domain =
      Domain(DiskXml("vda", kVda) + DiskXml("vdb", kVdb) + DiskXml("vdc", "/img/vdc.raw", "raw") +
             DiskXml("vde", "/img/vde.qcow2", "qcow2", "disk", true) +
             DiskXml("sdb", "", "raw", "cdrom", true));
  Store s;
  s.Add("c1", "",
        {Bitmap("vda", kVda, kGiB), Bitmap("vdb", kVdb, kGiB),
         Bitmap("vdc", "/img/vdc.raw", kGiB, "raw"), Bitmap("vde", "/img/vde.qcow2", kGiB),
         No("sdb", "", "raw")});
  s.Add("c2", "c1",
        {Bitmap("vda", kVda, kGiB), No("vdb", kVdb, "qcow2", kGiB),
         Bitmap("vdc", "/img/vdc.raw", kGiB, "raw"), Bitmap("vde", "/img/vde.qcow2", kGiB),
         No("sdb", "", "raw")});
  // No image can be read here.
  Options o;
  const Strings kNote = {
      "the image of disk vda could not be read on this host, so its size and "
      "bitmaps were not checked"};
  auto require_note = [](const DiskPlan& d, const std::string& message) {
    INFO("disk " << d.target);
    REQUIRE(d.notes.size() == 1);
    CHECK(d.notes[0] == virtckpt::backup::Note::ImageUnavailable);
    CHECK(d.note_messages == Strings{message});
  };

  for (BitmapModel model : {BitmapModel::Cumulative, BitmapModel::Delta}) {
    o.model = model;
    BackupPlan plan = Plan(s, domain, "c2", std::string("c1"), o);
    RequireIncremental(plan, "vda",
                       model == BitmapModel::Delta ? Strings{"c1", "c2"} : Strings{"c1"});
    require_note(DiskOf(plan, "vda"), kNote[0]);
    RequireFull(plan, "vdb", {"checkpoint_no"},
                {"checkpoint 'c2' records checkpoint='no' for disk vdb"});
    require_note(DiskOf(plan, "vdb"),
                 "the image of disk vdb could not be read on this host, so its size and bitmaps "
                 "were not checked");
    // Not bitmap-capable, or nothing to back up: nothing to check, nothing to note.
    CHECK(DiskOf(plan, "vdc").notes.empty());
    CHECK(DiskOf(plan, "vde").notes.empty());
    CHECK(DiskOf(plan, "sdb").notes.empty());
  }
  SECTION("a full backup without --since notes it too") {
    BackupPlan plan = Plan(s, domain, "c2", std::nullopt, o);
    RequireFull(plan, "vda", {"no_checkpoint"},
                {"no checkpoint to start from: a full backup is needed"});
    require_note(DiskOf(plan, "vda"), kNote[0]);
  }
  SECTION("a readable image gets no note") {
    Options readable;
    readable.sizes = {{"vda", kGiB}};
    BackupPlan plan = Plan(s, domain, "c2", std::string("c1"), readable);
    CHECK(DiskOf(plan, "vda").notes.empty());
    CHECK(DiskOf(plan, "vda").note_messages.empty());
    require_note(DiskOf(plan, "vdb"),
                 "the image of disk vdb could not be read on this host, so its size and bitmaps "
                 "were not checked");
  }
  SECTION("without a way to read images, the walker does not look at them") {
    Options none;
    none.no_image_reader = true;
    BackupPlan plan = Plan(s, domain, "c2", std::string("c1"), none);
    CHECK(DiskOf(plan, "vda").notes.empty());
  }
}

TEST_CASE("the probe: qcow2 from its magic, anything else raw; network sources never",
          "[note][image_unavailable][probe]") {
  char dir_template[] = "/tmp/virtckpt-probe.XXXXXX";
  REQUIRE(mkdtemp(dir_template));
  const std::string dir = dir_template;
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
    return dir + "/" + name;
  };
  std::string header("QFI\xfb\0\0\0\3", 8);
  header += std::string(16, '\0');
  header += std::string("\0\0\0\0\x40\0\0\0", 8);  // 1 GiB, big-endian
  std::string qcow2 = write("a.qcow2", header);
  std::string text = write("a.txt", "not an image\n");

  auto facts = virtckpt::qcow2::ProbeImage(qcow2);
  REQUIRE(facts);
  CHECK(facts->format == "qcow2");
  CHECK(facts->virtual_size == kGiB);
  facts = virtckpt::qcow2::ProbeImage(text);
  REQUIRE(facts);
  CHECK(facts->format == "raw");
  CHECK(facts->virtual_size == 13);
  CHECK_FALSE(virtckpt::qcow2::ProbeImage(dir + "/missing"));
  CHECK_FALSE(virtckpt::qcow2::ProbeImage(dir));

  DomainDef domain = Domain(DiskXml("vda", qcow2) + DiskXml("vdb", dir + "/missing") +
                            DiskXml("vdc", "/dev/null/none", "raw", "disk", false, "block"));
  CHECK(virtckpt::qcow2::ProbeDiskImage(domain.disks()[0]));
  CHECK_FALSE(virtckpt::qcow2::ProbeDiskImage(domain.disks()[1]));
  CHECK_FALSE(virtckpt::qcow2::ProbeDiskImage(domain.disks()[2]));
  DomainDef network = Domain(
      "    <disk type='network' device='disk'>\n"
      "      <driver name='qemu' type='qcow2'/>\n"
      "      <source protocol='nbd' name='" +
      qcow2 +
      "'>\n"
      "        <host name='localhost' port='10809'/>\n"
      "      </source>\n"
      "      <target dev='vdd' bus='virtio'/>\n"
      "    </disk>\n");
  CHECK_FALSE(virtckpt::qcow2::ProbeDiskImage(network.disks()[0]));
  std::filesystem::remove_all(dir);
}

TEST_CASE("bitmap_shared: a bitmap the backup would read is named by another checkpoint",
          "[reason][bitmap_shared]") {
  DomainDef domain = TwoDisks();
  Options cumulative;
  cumulative.sizes = {{"vda", kGiB}, {"vdb", kGiB}};
  Options delta = cumulative;
  delta.model = BitmapModel::Delta;

  SECTION("the next checkpoint names X's bitmap again") {
    Store s;
    s.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    s.Add("c2", "c1", {Bitmap("vda", kVda, std::nullopt, "qcow2", "c1"), Bitmap("vdb", kVdb)});
    for (const Options& o : {cumulative, delta}) {
      BackupPlan plan = Plan(s, domain, "c2", std::string("c1"), o);
      RequireFull(plan, "vda", {"bitmap_shared"},
                  {"bitmap 'c1' of disk vda is named by checkpoint 'c1' and also by checkpoint "
                   "'c2'"});
      RequireIncremental(plan, "vdb",
                         o.model == BitmapModel::Delta ? Strings{"c1", "c2"} : Strings{"c1"});
      RequireFull(Plan(s, domain, "c2", std::string("c2"), o), "vda", {"bitmap_shared"},
                  {"bitmap 'c1' of disk vda is named by checkpoint 'c2' and also by checkpoint "
                   "'c1'"});
    }
  }
  SECTION("a checkpoint on another branch counts too") {
    Store s = Linear3();
    s.Add("b1", "c1", {Bitmap("vda", kVda), Bitmap("vdb", kVdb, std::nullopt, "qcow2", "c3")});
    BackupPlan plan = Plan(s, domain, "c3", std::string("c3"), cumulative);
    RequireIncremental(plan, "vda", {"c3"});
    RequireFull(plan, "vdb", {"bitmap_shared"},
                {"bitmap 'c3' of disk vdb is named by checkpoint 'c3' and also by checkpoint "
                 "'b1'"});
    // Cumulative since c2 reads c2's bitmap only; delta reads c3's as well.
    RequireIncremental(Plan(s, domain, "c3", std::string("c2"), cumulative), "vdb", {"c2"});
    RequireFull(Plan(s, domain, "c3", std::string("c2"), delta), "vdb", {"bitmap_shared"},
                {"bitmap 'c3' of disk vdb is named by checkpoint 'c3' and also by checkpoint "
                 "'b1'"});
  }
  SECTION("two checkpoints on the path with one custom name (delta)") {
    Store s;
    s.Add("c1", "", {Bitmap("vda", kVda, std::nullopt, "qcow2", "b"), Bitmap("vdb", kVdb)});
    s.Add("c2", "c1", {Bitmap("vda", kVda, std::nullopt, "qcow2", "b"), Bitmap("vdb", kVdb)});
    s.Add("c3", "c2", {Bitmap("vda", kVda, std::nullopt, "qcow2", "b3"), Bitmap("vdb", kVdb)});
    RequireFull(Plan(s, domain, "c3", std::string("c2"), delta), "vda", {"bitmap_shared"},
                {"bitmap 'b' of disk vda is named by checkpoint 'c2' and also by checkpoint "
                 "'c1'"});
    // Since c3 neither model reads 'b'.
    RequireIncremental(Plan(s, domain, "c3", std::string("c3"), delta), "vda", {"b3"});
    RequireIncremental(Plan(s, domain, "c3", std::string("c3"), cumulative), "vda", {"b3"});
  }
  SECTION("not shared: another disk, another image, checkpoint='no'") {
    Store s;
    s.Add("c1", "",
          {Bitmap("vda", kVda, std::nullopt, "qcow2", "x"),
           Bitmap("vdb", kVdb, std::nullopt, "qcow2", "x")});
    s.Add("c2", "c1",
          {Bitmap("vda", "/img/old-vda.qcow2", std::nullopt, "qcow2", "c1"), No("vdb", kVdb)});
    s.Add("c3", "c2", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    for (const Options& o : {cumulative, delta}) {
      BackupPlan plan = Plan(s, domain, "c3", std::string("c1"), o);
      CHECK(Codes(DiskOf(plan, "vda")) == Strings{"identity_changed"});
      CHECK(Codes(DiskOf(plan, "vdb")) == Strings{"checkpoint_no"});
      RequireIncremental(Plan(s, domain, "c3", std::string("c3"), o), "vdb", {"c3"});
    }
  }
  SECTION("a source recorded on one side only is the same image") {
    Store s;
    s.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    s.Add("c2", "c1", {Bitmap("vda", "", std::nullopt, "qcow2", "c1"), Bitmap("vdb", kVdb)});
    RequireFull(Plan(s, domain, "c2", std::string("c1"), cumulative), "vda", {"bitmap_shared"},
                {"bitmap 'c1' of disk vda is named by checkpoint 'c1' and also by checkpoint "
                 "'c2'"});
  }
}

// The golden files of the scenarios: every code the program declares must come out of one,
// except the image codes reserved for the qcow2 reader.
std::string AllGoldenFiles() {
  std::string all;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(VIRTCKPT_TEST_SOURCE_ROOT) / "tests" / "walker" / "golden")) {
    std::ifstream in(entry.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

// As a JSON string in "reasons" or "notes", or as the code of a sentence line.
bool Produced(const std::string& golden, const std::string& code) {
  return golden.find('"' + code + '"') != std::string::npos ||
         golden.find(": " + code + ": ") != std::string::npos;
}

TEST_CASE("every reason code and note is produced by a walker scenario", "[reason][golden]") {
  const std::set<std::string> kReserved = {"bitmap_missing", "bitmap_in_use", "bitmap_disabled",
                                           "chain_gap", "bitmaps_invalid"};
  const std::string golden = AllGoldenFiles();
  REQUIRE_FALSE(golden.empty());
  for (int i = 0; i <= static_cast<int>(virtckpt::backup::kLastReason); ++i) {
    Reason reason = static_cast<Reason>(i);
    std::string code = virtckpt::backup::ReasonToString(reason);
    INFO("reason #" << i << " " << code);
    CHECK(virtckpt::backup::ReasonFromString(code) == reason);
    if (kReserved.count(code)) continue;
    if (!Produced(golden, code)) FAIL_CHECK("no golden file of tests/walker/golden has " << code);
  }
  std::string note = virtckpt::backup::NoteToString(virtckpt::backup::Note::ImageUnavailable);
  if (!Produced(golden, note)) FAIL_CHECK("no golden file of tests/walker/golden has " << note);
}

TEST_CASE("disks are planned in the order of the current definition", "[order]") {
  DomainDef domain = Domain(DiskXml("sdc", "/img/sdc.qcow2") + DiskXml("vdb", kVdb) +
                            DiskXml("hda", "/img/hda.qcow2") + DiskXml("vda", kVda));
  Store s;
  // The checkpoint lists them in another order: it does not matter.
  s.Add("c1", "",
        {Bitmap("vda", kVda), Bitmap("vdb", kVdb), Bitmap("hda", "/img/hda.qcow2"),
         Bitmap("sdc", "/img/sdc.qcow2")});
  for (std::optional<std::string> since :
       {std::optional<std::string>(), std::optional<std::string>("c1")}) {
    BackupPlan plan = Plan(s, domain, "c1", since);
    CHECK(Targets(plan) == Strings{"sdc", "vdb", "hda", "vda"});
  }
  SECTION("a disk that is in a checkpoint but not in the definition is not planned") {
    DomainDef one = Domain(DiskXml("vda", kVda));
    BackupPlan plan = Plan(s, one, "c1", std::string("c1"));
    CHECK(Targets(plan) == Strings{"vda"});
  }
}

TEST_CASE("<domainbackup> from a plan", "[xml]") {
  DomainDef domain =
      Domain(DiskXml("vda", kVda) + DiskXml("vdb", "/dev/vg/b", "qcow2", "disk", false, "block") +
             DiskXml("vdc", "/img/vdc.raw", "raw") + DiskXml("sdb", "", "raw", "cdrom", true));
  Store s;
  s.Add("c1", "",
        {Bitmap("vda", kVda), Bitmap("vdb", "/dev/vg/b"), No("vdc", "/img/vdc.raw", "raw"),
         No("sdb", "", "raw")});
  BackupPlan plan = Plan(s, domain, "c1", std::string("c1"));
  CHECK(virtckpt::backup::FormatDomainBackup(plan, std::nullopt) ==
        "<domainbackup mode='push'>\n"
        "  <incremental>c1</incremental>\n"
        "  <disks>\n"
        "    <disk name='vda' backup='yes' type='file' backupmode='incremental' "
        "incremental='c1'/>\n"
        "    <disk name='vdb' backup='yes' type='block' backupmode='incremental' "
        "incremental='c1'/>\n"
        "    <disk name='vdc' backup='yes' type='file' backupmode='full'/>\n"
        "    <disk name='sdb' backup='no'/>\n"
        "  </disks>\n"
        "</domainbackup>\n");
  CHECK(virtckpt::backup::FormatDomainBackup(plan, std::string("/run/x.sock")) ==
        "<domainbackup mode='pull'>\n"
        "  <incremental>c1</incremental>\n"
        "  <server transport='unix' socket='/run/x.sock'/>\n"
        "  <disks>\n"
        "    <disk name='vda' backup='yes' type='file' backupmode='incremental' "
        "incremental='c1'/>\n"
        "    <disk name='vdb' backup='yes' type='block' backupmode='incremental' "
        "incremental='c1'/>\n"
        "    <disk name='vdc' backup='yes' type='file' backupmode='full'/>\n"
        "    <disk name='sdb' backup='no'/>\n"
        "  </disks>\n"
        "</domainbackup>\n");
  SECTION("no <incremental> when no disk is incremental") {
    BackupPlan full = Plan(s, domain, "c1", std::nullopt);
    CHECK(virtckpt::backup::FormatDomainBackup(full, std::nullopt) ==
          "<domainbackup mode='push'>\n"
          "  <disks>\n"
          "    <disk name='vda' backup='yes' type='file' backupmode='full'/>\n"
          "    <disk name='vdb' backup='yes' type='block' backupmode='full'/>\n"
          "    <disk name='vdc' backup='yes' type='file' backupmode='full'/>\n"
          "    <disk name='sdb' backup='no'/>\n"
          "  </disks>\n"
          "</domainbackup>\n");
  }
}
