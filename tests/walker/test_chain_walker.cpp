// The chain walker on synthetic checkpoint trees: backup::PlanBackup called directly with
// store::CheckpointSummary vectors and a conf::DomainDef parsed from XML text. One TEST_CASE per
// reason code, both bitmap models, branches, several reasons on one disk; every sentence is
// compared word for word.
#include <catch2/catch.hpp>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backup/chain_walker.hpp"
#include "backup/domain_backup_xml.hpp"
#include "backup/plan.hpp"
#include "backup/reason.hpp"
#include "conf/domain_def.hpp"
#include "store/checkpoint_tree.hpp"
#include "store/records.hpp"
#include "store/settings.hpp"

namespace {

using virtckpt::backup::BackupPlan;
using virtckpt::backup::DiskMode;
using virtckpt::backup::DiskPlan;
using virtckpt::backup::Reason;
using virtckpt::conf::CheckpointType;
using virtckpt::conf::DomainDef;
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
  // Virtual sizes now, by target; a target not listed has an unknown size.
  std::map<std::string, uint64_t> sizes;
  bool no_size_callback = false;
};

BackupPlan Plan(const Store& store, const DomainDef& domain, std::optional<std::string> current,
                std::optional<std::string> since, const Options& options = {}) {
  CheckpointTree tree(store.checkpoints());
  virtckpt::store::DomainSettings settings;
  settings.model = options.model;
  std::map<std::string, uint64_t> sizes = options.sizes;
  virtckpt::backup::WalkInput input{domain,           tree,   std::move(current), settings,
                                    std::move(since), nullptr};
  if (!options.no_size_callback) {
    input.current_size =
        [sizes](const virtckpt::conf::DomainDisk& disk) -> std::optional<uint64_t> {
      auto it = sizes.find(disk.target_dev);
      if (it == sizes.end()) return std::nullopt;
      return it->second;
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
  CHECK(d.message.empty());
}

void RequireFull(const BackupPlan& plan, const std::string& target, const Strings& codes,
                 const std::string& message) {
  INFO("disk " << target);
  const DiskPlan& d = DiskOf(plan, target);
  CHECK(virtckpt::backup::DiskModeToString(d.mode) == std::string("full"));
  CHECK(d.bitmaps.empty());
  CHECK(Codes(d) == codes);
  CHECK(d.message == message);
}

void RequireNone(const BackupPlan& plan, const std::string& target, const Strings& codes,
                 const std::string& message) {
  INFO("disk " << target);
  const DiskPlan& d = DiskOf(plan, target);
  CHECK(virtckpt::backup::DiskModeToString(d.mode) == std::string("none"));
  CHECK(d.bitmaps.empty());
  CHECK(Codes(d) == codes);
  CHECK(d.message == message);
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
      "no_checkpoint",        "unknown_checkpoint", "not_ancestor",     "disk_added_after",
      "disk_removed_between", "checkpoint_no",      "identity_changed", "resized",
      "not_bitmap_capable",   "pending_checkpoint", "bitmap_missing",   "bitmap_in_use",
      "bitmap_disabled",      "chain_gap",          "bitmaps_invalid"};
  for (size_t i = 0; i < names.size(); ++i) {
    auto reason = virtckpt::backup::ReasonFromString(names[i]);
    REQUIRE(reason);
    CHECK(static_cast<size_t>(*reason) == i);
    CHECK(virtckpt::backup::ReasonToString(*reason) == names[i]);
  }
  CHECK_FALSE(virtckpt::backup::ReasonFromString("hotplugged_after"));
  CHECK_FALSE(virtckpt::backup::ReasonFromString("Resized"));
  CHECK_FALSE(virtckpt::backup::ReasonFromString(""));
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
    RequireFull(plan, "vda", {"no_checkpoint"}, kMessage);
    RequireFull(plan, "vdc", {"no_checkpoint", "not_bitmap_capable"}, kMessage);
    RequireNone(plan, "sdb", {"no_checkpoint", "not_bitmap_capable"}, kMessage);
  }
  SECTION("without any checkpoint") {
    Store s;
    BackupPlan plan = Plan(s, domain, std::nullopt, std::nullopt);
    CHECK_FALSE(plan.current);
    CHECK(plan.path.empty());
    RequireFull(plan, "vda", {"no_checkpoint"}, kMessage);
  }
  SECTION("in the delta model") {
    Store s = Linear3();
    Options o;
    o.model = BitmapModel::Delta;
    BackupPlan plan = Plan(s, domain, "c3", std::nullopt, o);
    CHECK(plan.model == BitmapModel::Delta);
    RequireFull(plan, "vda", {"no_checkpoint"}, kMessage);
  }
}

TEST_CASE("unknown_checkpoint: X does not exist", "[reason][unknown_checkpoint]") {
  Store s = Linear3();
  DomainDef domain = Domain(DiskXml("vda", kVda) + DiskXml("sdb", "", "raw", "cdrom", true));
  BackupPlan plan = Plan(s, domain, "c3", std::string("zz"));
  REQUIRE(plan.since);
  CHECK(*plan.since == "zz");
  CHECK(plan.path.empty());
  RequireFull(plan, "vda", {"unknown_checkpoint"}, "checkpoint 'zz' does not exist");
  RequireNone(plan, "sdb", {"unknown_checkpoint", "not_bitmap_capable"},
              "checkpoint 'zz' does not exist");

  SECTION("names are case-sensitive") {
    BackupPlan upper = Plan(s, domain, "c3", std::string("C1"));
    RequireFull(upper, "vda", {"unknown_checkpoint"}, "checkpoint 'C1' does not exist");
  }
  SECTION("with no checkpoint at all") {
    Store empty;
    BackupPlan none = Plan(empty, domain, std::nullopt, std::string("c1"));
    RequireFull(none, "vda", {"unknown_checkpoint"}, "checkpoint 'c1' does not exist");
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
    RequireFull(plan, "vda", {"not_ancestor"}, message);
    RequireFull(plan, "vdb", {"not_ancestor"}, message);
  }
  SECTION("a descendant of the current checkpoint is not an ancestor") {
    BackupPlan plan = Plan(s, domain, "c2", std::string("c3"));
    RequireFull(plan, "vda", {"not_ancestor"},
                "checkpoint 'c3' is not on the path from a root to the current checkpoint 'c2'");
  }
  SECTION("another root") {
    s.Add("r1", "", {Bitmap("vda", kVda)});
    BackupPlan plan = Plan(s, domain, "c3", std::string("r1"));
    RequireFull(plan, "vda", {"not_ancestor"},
                "checkpoint 'r1' is not on the path from a root to the current checkpoint 'c3'");
  }
  SECTION("no current checkpoint") {
    BackupPlan plan = Plan(s, domain, std::nullopt, std::string("c1"));
    RequireFull(plan, "vda", {"not_ancestor"},
                "checkpoint 'c1' is not on the path from a root to the current checkpoint "
                "(there is none)");
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
                "checkpoint 'c2' is not on the path from a root to the current checkpoint 'b2'");
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
                "disk vdb did not exist at checkpoint 'c1': it was added later");
  }
  SECTION("then a new checkpoint") {
    s.Add("c2", "c1", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    BackupPlan plan = Plan(s, domain, "c2", std::string("c1"));
    RequireIncremental(plan, "vda", {"c1"});
    RequireFull(plan, "vdb", {"disk_added_after"},
                "disk vdb did not exist at checkpoint 'c1': it was added later");
    BackupPlan since_c2 = Plan(s, domain, "c2", std::string("c2"));
    RequireIncremental(since_c2, "vda", {"c2"});
    RequireIncremental(since_c2, "vdb", {"c2"});

    Options delta;
    delta.model = BitmapModel::Delta;
    BackupPlan d = Plan(s, domain, "c2", std::string("c1"), delta);
    RequireIncremental(d, "vda", {"c1", "c2"});
    RequireFull(d, "vdb", {"disk_added_after"},
                "disk vdb did not exist at checkpoint 'c1': it was added later");
  }
  SECTION("absent at X and at every later checkpoint: only disk_added_after") {
    s.Add("c2", "c1", {Bitmap("vda", kVda)});
    s.Add("c3", "c2", {Bitmap("vda", kVda)});
    BackupPlan plan = Plan(s, domain, "c3", std::string("c1"));
    RequireFull(plan, "vdb", {"disk_added_after"},
                "disk vdb did not exist at checkpoint 'c1': it was added later");
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
              "disk vdb was absent at checkpoint 'c2', after 'c1'");

  SECTION("since the checkpoint where it was absent: added after") {
    BackupPlan p = Plan(s, domain, "c3", std::string("c2"));
    RequireFull(p, "vdb", {"disk_added_after"},
                "disk vdb did not exist at checkpoint 'c2': it was added later");
  }
  SECTION("since the checkpoint after the re-plug: incremental") {
    BackupPlan p = Plan(s, domain, "c3", std::string("c3"));
    RequireIncremental(p, "vdb", {"c3"});
  }
  SECTION("absent at the current checkpoint, present in the definition") {
    s.Add("c4", "c3", {Bitmap("vda", kVda)});
    BackupPlan p = Plan(s, domain, "c4", std::string("c3"));
    RequireFull(p, "vdb", {"disk_removed_between"},
                "disk vdb was absent at checkpoint 'c4', after 'c3'");
  }
  SECTION("delta model") {
    Options o;
    o.model = BitmapModel::Delta;
    BackupPlan p = Plan(s, domain, "c3", std::string("c1"), o);
    RequireIncremental(p, "vda", {"c1", "c2", "c3"});
    RequireFull(p, "vdb", {"disk_removed_between"},
                "disk vdb was absent at checkpoint 'c2', after 'c1'");
  }
  SECTION("absent at several checkpoints: the sentence names the first") {
    Store t;
    t.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    t.Add("c2", "c1", {Bitmap("vda", kVda)});
    t.Add("c3", "c2", {Bitmap("vda", kVda)});
    t.Add("c4", "c3", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    BackupPlan p = Plan(t, domain, "c4", std::string("c1"));
    RequireFull(p, "vdb", {"disk_removed_between"},
                "disk vdb was absent at checkpoint 'c2', after 'c1'");
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
                "checkpoint 'c1' records checkpoint='no' for disk vdb");
    RequireIncremental(Plan(s, domain, "c2", std::string("c2")), "vdb", {"c2"});
  }
  SECTION("at a later checkpoint on the path") {
    Store s;
    s.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    s.Add("c2", "c1", {Bitmap("vda", kVda), No("vdb", kVdb)});
    s.Add("c3", "c2", {Bitmap("vda", kVda), No("vdb", kVdb)});
    BackupPlan plan = Plan(s, domain, "c3", std::string("c1"));
    RequireFull(plan, "vdb", {"checkpoint_no"},
                "checkpoint 'c2' records checkpoint='no' for disk vdb");
    Options o;
    o.model = BitmapModel::Delta;
    BackupPlan d = Plan(s, domain, "c3", std::string("c1"), o);
    RequireIncremental(d, "vda", {"c1", "c2", "c3"});
    RequireFull(d, "vdb", {"checkpoint_no"},
                "checkpoint 'c2' records checkpoint='no' for disk vdb");
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
                "disk vdb was /img/vdb.qcow2 (qcow2) at checkpoint 'c1' and is now "
                "/img/other.qcow2 (qcow2)");
    CHECK(DiskOf(plan, "vdb").source == "/img/other.qcow2");
  }
  SECTION("the image replaced after the last checkpoint only") {
    Store t;
    t.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb)});
    t.Add("c2", "c1", {Bitmap("vda", kVda), Bitmap("vdb", "/img/other.qcow2")});
    DomainDef domain = Domain(DiskXml("vda", kVda) + DiskXml("vdb", "/img/other.qcow2"));
    RequireFull(Plan(t, domain, "c2", std::string("c1")), "vdb", {"identity_changed"},
                "disk vdb was /img/vdb.qcow2 (qcow2) at checkpoint 'c1' and is now "
                "/img/other.qcow2 (qcow2)");
    RequireIncremental(Plan(t, domain, "c2", std::string("c2")), "vdb", {"c2"});
  }
  SECTION("another format of the same file") {
    Store t;
    t.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", kVdb, std::nullopt, "qed")});
    DomainDef domain = TwoDisks();
    RequireFull(Plan(t, domain, "c1", std::string("c1")), "vdb", {"identity_changed"},
                "disk vdb was /img/vdb.qcow2 (qed) at checkpoint 'c1' and is now "
                "/img/vdb.qcow2 (qcow2)");
  }
  SECTION("qcow2 replaced by raw: also not bitmap capable") {
    DomainDef domain = Domain(DiskXml("vda", kVda) + DiskXml("vdb", "/img/vdb.raw", "raw"));
    RequireFull(Plan(s, domain, "c2", std::string("c1")), "vdb",
                {"identity_changed", "not_bitmap_capable"},
                "disk vdb was /img/vdb.qcow2 (qcow2) at checkpoint 'c1' and is now "
                "/img/vdb.raw (raw)");
  }
  SECTION("a block device") {
    Store t;
    t.Add("c1", "", {Bitmap("vda", kVda), Bitmap("vdb", "/dev/vg/old")});
    DomainDef domain = Domain(DiskXml("vda", kVda) +
                              DiskXml("vdb", "/dev/vg/new", "qcow2", "disk", false, "block"));
    BackupPlan plan = Plan(t, domain, "c1", std::string("c1"));
    RequireFull(plan, "vdb", {"identity_changed"},
                "disk vdb was /dev/vg/old (qcow2) at checkpoint 'c1' and is now /dev/vg/new "
                "(qcow2)");
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
                "disk vdb was nbd:export1 (qcow2) at checkpoint 'c1' and is now nbd:export2 "
                "(qcow2)");
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
                "disk vda was 1073741824 bytes at checkpoint 'c1' and is now 2147483648 bytes");
    RequireIncremental(plan, "vdb", {"c1"});
    RequireIncremental(Plan(s, domain, "c2", std::string("c2"), o), "vda", {"c2"});
  }
  SECTION("grown after the last checkpoint") {
    o.sizes["vdb"] = 3 * kGiB;
    BackupPlan plan = Plan(s, domain, "c2", std::string("c2"), o);
    RequireFull(plan, "vdb", {"resized"},
                "disk vdb was 1073741824 bytes at checkpoint 'c2' and is now 3221225472 bytes");
  }
  SECTION("shrunk back: a size in between still differs") {
    o.sizes["vda"] = kGiB;
    BackupPlan plan = Plan(s, domain, "c2", std::string("c1"), o);
    RequireFull(plan, "vda", {"resized"},
                "disk vda was 2147483648 bytes at checkpoint 'c2' and is now 1073741824 bytes");
  }
  SECTION("an unknown size now means no size check") {
    o.sizes.erase("vda");
    RequireIncremental(Plan(s, domain, "c2", std::string("c1"), o), "vda", {"c1"});
    Options none;
    none.no_size_callback = true;
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
                "disk vda was 1073741824 bytes at checkpoint 'c1' and is now 2147483648 bytes");
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
              "disk vdc is raw, not qcow2: it cannot hold a bitmap");
  RequireFull(plan, "vdd", {"not_bitmap_capable"},
              "disk vdd is raw (no driver type), not qcow2: it cannot hold a bitmap");
  // Readonly disks, like empty drives, have nothing to back up (libvirt's default backup
  // leaves both out).
  RequireNone(plan, "vde", {"not_bitmap_capable"}, "disk vde is readonly: it cannot hold a bitmap");
  RequireNone(plan, "sda", {"not_bitmap_capable"}, "disk sda is a cdrom: it cannot hold a bitmap");
  RequireNone(plan, "sdb", {"checkpoint_no", "not_bitmap_capable"},
              "checkpoint 'c1' records checkpoint='no' for disk sdb");
  RequireFull(plan, "fda", {"not_bitmap_capable"}, "disk fda is a floppy: it cannot hold a bitmap");

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
                "disk sdb did not exist at checkpoint 'c1': it was added later");
    DomainDef e = Domain(DiskXml("vdz", "", "qcow2"));
    u.Add("c2", "c1", {Bitmap("vdz", "")});
    RequireNone(Plan(u, e, "c2", std::string("c2")), "vdz", {"not_bitmap_capable"},
                "disk vdz has no medium");
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
  CHECK_THAT(sda.message, Catch::Matchers::Contains("lun"));
  CHECK_THAT(sda.message, !Catch::Matchers::Contains("is qcow2, not qcow2"));
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
              "checkpoint 'c2' belongs to a backup job that has not ended");
  RequireFull(plan, "vdc", {"not_bitmap_capable", "pending_checkpoint"},
              "disk vdc is raw, not qcow2: it cannot hold a bitmap");

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
                "checkpoint 'c2' belongs to a backup job that has not ended");
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
    BackupPlan p = Plan(s, domain, "c4", std::string("c2"));
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
              "disk vdx did not exist at checkpoint 'r': it was added later");

  BackupPlan q = Plan(s, domain, "b3", std::string("b1"), delta);
  RequireFull(q, "vdx", {"disk_added_after", "checkpoint_no"},
              "disk vdx did not exist at checkpoint 'b1': it was added later");
  RequireIncremental(Plan(s, domain, "b3", std::string("b3"), delta), "vdx", {"b3"});

  for (const char* other : {"a1", "a2"}) {
    BackupPlan o = Plan(s, domain, "b3", std::string(other), delta);
    RequireFull(o, "vda", {"not_ancestor"},
                std::string("checkpoint '") + other +
                    "' is not on the path from a root to the current checkpoint 'b3'");
  }
  SECTION("with the current checkpoint on the other branch") {
    BackupPlan o = Plan(s, domain, "a2", std::string("a1"), delta);
    CHECK(o.path == Strings{"a1", "a2"});
    RequireIncremental(o, "vdx", {"a1", "a2"});
    RequireFull(Plan(s, domain, "a2", std::string("b1"), delta), "vda", {"not_ancestor"},
                "checkpoint 'b1' is not on the path from a root to the current checkpoint 'a2'");
  }
  SECTION("an orphan (its parent is gone) is a root") {
    s.Add("o1", "gone", {Bitmap("vda", kVda)});
    s.Add("o2", "o1", {Bitmap("vda", kVda)});
    BackupPlan o = Plan(s, domain, "o2", std::string("o1"), delta);
    CHECK(o.path == Strings{"o1", "o2"});
    RequireIncremental(o, "vda", {"o1", "o2"});
  }
}

TEST_CASE("several reasons: all listed in canonical order, the sentence explains the first",
          "[reason][order]") {
  // vdb: c1 qcow2 1 GiB; absent at c2; c3 raw with checkpoint='no'; now raw, 2 GiB.
  const std::string kRaw = "/img/vdb.raw";
  Store s;
  s.Add("c1", "", {Bitmap("vda", kVda, kGiB), Bitmap("vdb", kVdb, kGiB)});
  s.Add("c2", "c1", {Bitmap("vda", kVda, kGiB)});
  s.Add("c3", "c2", {Bitmap("vda", kVda, kGiB), No("vdb", kRaw, "raw", kGiB)});
  DomainDef domain = Domain(DiskXml("vda", kVda) + DiskXml("vdb", kRaw, "raw"));
  Options o;
  o.sizes = {{"vda", kGiB}, {"vdb", 2 * kGiB}};

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
                "disk vdb was absent at checkpoint 'c2', after 'c1'");
  }
  SECTION("since c2: added after comes first") {
    BackupPlan plan = Plan(s, domain, "c3", std::string("c2"), o);
    RequireFull(plan, "vdb", {"disk_added_after", "checkpoint_no", "resized", "not_bitmap_capable"},
                "disk vdb did not exist at checkpoint 'c2': it was added later");
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
                "disk vda was /img/vda.qcow2 (qcow2) at checkpoint 'c1' and is now "
                "/img/new.qcow2 (qcow2)");
  }
  SECTION("a plan-wide reason comes with the disk's own") {
    BackupPlan plan = Plan(s, domain, "c3", std::string("zz"), o);
    RequireFull(plan, "vdb", {"unknown_checkpoint", "not_bitmap_capable"},
                "checkpoint 'zz' does not exist");
  }
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
       {std::optional<std::string>(), std::optional<std::string>("c1"),
        std::optional<std::string>("zz")}) {
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
