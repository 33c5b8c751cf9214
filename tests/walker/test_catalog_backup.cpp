// A domain's backups through its catalogue (backup/catalog_backup.hpp) on a file store in a temp
// directory, with images made in it (a qcow2 header, a raw file, a missing file), and the
// <domainbackup> documents backup-begin takes (backup/backup_request.hpp).
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backup/backup_request.hpp"
#include "backup/catalog_backup.hpp"
#include "backup/domain_backup_xml.hpp"
#include "backup/plan.hpp"
#include "backup/reason.hpp"
#include "conf/checkpoint_def.hpp"
#include "conf/domain_def.hpp"
#include "error_of.hpp"
#include "store/backend.hpp"
#include "store/catalog.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"

namespace {

using namespace virtckpt;
using backup::DiskMode;
using backup::Reason;
using test::TempDir;
using util::ErrorCategory;
using Result = std::pair<ErrorCategory, std::string>;

const bool kSchemaDirSet = [] {
  setenv("VIRTCKPT_SCHEMA_DIR", (std::string(VIRTCKPT_TEST_SOURCE_ROOT) + "/schemas").c_str(), 0);
  return true;
}();

constexpr int64_t kEpoch = 1704067200;
constexpr uint64_t kGiB = 1073741824;

using test::ErrorOf;

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

// The first 32 bytes of a qcow2 version 3 image: magic, version, and the virtual size.
std::string Qcow2Header(uint64_t size) {
  std::string header("QFI\xfb\0\0\0\3", 8);
  header.append(16, '\0');
  for (int shift = 56; shift >= 0; shift -= 8) header += static_cast<char>((size >> shift) & 0xff);
  return header;
}

std::string Disk(const std::string& target, const std::string& source) {
  return "    <disk type='file' device='disk'>\n"
         "      <driver name='qemu' type='qcow2'/>\n"
         "      <source file='" +
         source + "'/>\n      <target dev='" + target +
         "' bus='virtio'/>\n"
         "    </disk>\n";
}

// The domain 'backup' with three qcow2 disks: vda a qcow2 image of 1 GiB, vdb an image that does
// not exist, vdc a raw file.
class Domain {
 public:
  Domain() : backend_(store::OpenBackend(tmp_.path() + "/store")) {
    WriteBytes(tmp_.path() + "/vda.qcow2", Qcow2Header(kGiB));
    WriteBytes(tmp_.path() + "/vdc.img", std::string(4096, '\0'));
    std::string xml =
        "<domain type='test'>\n  <name>backup</name>\n"
        "  <uuid>5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d</uuid>\n"
        "  <memory unit='KiB'>1048576</memory>\n"
        "  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n" +
        Disk("vda", tmp_.path() + "/vda.qcow2") + Disk("vdb", tmp_.path() + "/vdb.qcow2") +
        Disk("vdc", tmp_.path() + "/vdc.img") + "  </devices>\n</domain>\n";
    backend_->Define(conf::DomainDef::Parse(xml), std::nullopt);
    session_ = backend_->Open("backup", store::Access::Write);
    catalog_ = std::make_unique<store::Catalog>(*session_);
  }

  store::Catalog& catalog() { return *catalog_; }

  void Create(const std::string& name, int64_t now = kEpoch) {
    catalog_->Create(Checkpoint(name), "", now);
  }

  static conf::CheckpointDef Checkpoint(const std::string& name) {
    return conf::ParseCheckpoint("<domaincheckpoint><name>" + name + "</name></domaincheckpoint>",
                                 0);
  }

 private:
  TempDir tmp_;
  std::unique_ptr<store::Backend> backend_;
  std::unique_ptr<store::DomainSession> session_;
  std::unique_ptr<store::Catalog> catalog_;
};

const backup::DiskPlan& DiskOf(const backup::BackupPlan& plan, const std::string& target) {
  for (const auto& disk : plan.disks) {
    if (disk.target == target) return disk;
  }
  throw std::runtime_error("no disk " + target + " in the plan");
}

int64_t Later() { return kEpoch + 60; }

TEST_CASE("plan of a domain: the walker's decision on the images as this host reads them",
          "[catalog_backup][plan]") {
  Domain d;
  backup::BackupPlan full = backup::PlanDomainBackup(d.catalog(), std::nullopt);
  CHECK(full.domain == "backup");
  CHECK(full.notes.empty());
  REQUIRE(full.disks.size() == 3);
  for (const auto& disk : full.disks) {
    INFO(disk.target);
    CHECK(disk.mode == DiskMode::Full);
  }
  CHECK(DiskOf(full, "vda").reasons == std::vector<Reason>{Reason::NoCheckpoint});
  CHECK(DiskOf(full, "vdb").reasons == std::vector<Reason>{Reason::NoCheckpoint});
  CHECK(DiskOf(full, "vdb").notes == std::vector<backup::Note>{backup::Note::ImageUnavailable});
  // The images are read even without a base.
  CHECK(DiskOf(full, "vdc").reasons ==
        std::vector<Reason>{Reason::NoCheckpoint, Reason::ImageFormatMismatch});

  d.Create("c1");
  backup::BackupPlan plan = backup::PlanDomainBackup(d.catalog(), std::string("c1"));
  CHECK(plan.since == std::optional<std::string>("c1"));
  CHECK(plan.current == std::optional<std::string>("c1"));
  const backup::DiskPlan& vda = DiskOf(plan, "vda");
  CHECK(vda.mode == DiskMode::Incremental);
  CHECK(vda.bitmaps == std::vector<std::string>{"c1"});
  CHECK(vda.notes.empty());
  // An image that cannot be read leaves the decision to the metadata, with a note.
  const backup::DiskPlan& vdb = DiskOf(plan, "vdb");
  CHECK(vdb.mode == DiskMode::Incremental);
  CHECK(vdb.notes == std::vector<backup::Note>{backup::Note::ImageUnavailable});
  // A raw file where the driver type says qcow2.
  const backup::DiskPlan& vdc = DiskOf(plan, "vdc");
  CHECK(vdc.mode == DiskMode::Full);
  CHECK(vdc.reasons == std::vector<Reason>{Reason::ImageFormatMismatch});
  CHECK(vdc.messages == std::vector<std::string>{
                            "disk vdc has driver type qcow2, but its image is not a qcow2 image"});
  CHECK(plan.notes.empty());

  CHECK(ErrorOf([&] { backup::PlanDomainBackup(d.catalog(), std::string("nope")); }) ==
        Result{ErrorCategory::NotFound,
               "Domain checkpoint not found: no domain checkpoint with matching name 'nope'"});
}

TEST_CASE("plan of a domain: a note while recorded bitmap operations wait",
          "[catalog_backup][plan]") {
  Domain d;
  d.Create("c1");
  d.Create("c2", kEpoch + 1);
  d.catalog().Delete("c2", store::DeleteMode::Single, false);
  size_t ops = d.catalog().bitmap_ops().size();
  REQUIRE(ops == 3);
  backup::BackupPlan plan = backup::PlanDomainBackup(d.catalog(), std::string("c1"));
  CHECK(plan.notes ==
        std::vector<std::string>{"3 bitmap operations recorded by deletes or aborted jobs are not "
                                 "carried out yet (see bitmap-ops)"});
  d.catalog().ClearBitmapOps();
  CHECK(backup::PlanDomainBackup(d.catalog(), std::string("c1")).notes.empty());
}

TEST_CASE("backup begin: the job keeps its plan's document", "[catalog_backup][begin]") {
  Domain d;
  d.Create("c1");
  backup::BackupStart start;
  start.since = "c1";
  start.pull_socket = "/run/backup.sock";
  start.reuse_external = true;
  start.checkpoint = Domain::Checkpoint("j1");
  start.owner = "ops";
  backup::StartedBackup started = backup::BeginDomainBackup(d.catalog(), start, Later);
  CHECK(DiskOf(started.plan, "vda").mode == DiskMode::Incremental);
  CHECK(started.job.checkpoint == "j1");
  CHECK(started.job.since == "c1");
  CHECK(started.job.started == kEpoch + 60);
  CHECK(started.job.reuse_external);
  CHECK(started.job.backup_xml ==
        backup::FormatDomainBackup(started.plan, std::string("/run/backup.sock")));

  REQUIRE(d.catalog().PendingJob().has_value());
  CHECK(d.catalog().PendingJob()->backup_xml == started.job.backup_xml);
  const store::CheckpointSummary& j1 = d.catalog().Get("j1");
  CHECK(j1.state == store::CheckpointState::Pending);
  CHECK(j1.owner == "ops");
  CHECK(j1.creation_time == kEpoch + 60);
  CHECK(d.catalog().current() == std::optional<std::string>("j1"));
  CHECK(backup::PendingBackupXml(d.catalog()) == started.job.backup_xml);

  CHECK(ErrorOf([&] { backup::BeginDomainBackup(d.catalog(), backup::BackupStart{}, Later); }) ==
        Result{ErrorCategory::Busy,
               "Requested operation is not valid: another backup job (checkpoint 'j1') is "
               "pending for domain 'backup'"});
}

TEST_CASE("backup begin: a full backup that creates no checkpoint", "[catalog_backup][begin]") {
  Domain d;
  backup::StartedBackup started = backup::BeginDomainBackup(d.catalog(), {}, Later);
  CHECK(started.job.checkpoint.empty());
  CHECK(started.job.since.empty());
  CHECK_FALSE(started.job.reuse_external);
  CHECK(started.job.backup_xml == backup::FormatDomainBackup(started.plan, std::nullopt));
  CHECK(d.catalog().tree().size() == 0);
  CHECK(d.catalog().PendingJob().has_value());
}

TEST_CASE("the document of the pending job", "[catalog_backup][dumpxml]") {
  Domain d;
  CHECK(ErrorOf([&] { backup::PendingBackupXml(d.catalog()); }) ==
        Result{ErrorCategory::NotFound,
               "Domain backup job id not found: no domain backup job present"});
  d.Create("c1");
  // A job an older virtckpt began kept no document: the plan since its base stands for it.
  store::BackupJob job;
  job.since = "c1";
  job.started = kEpoch;
  d.catalog().BeginBackup(std::nullopt, job, "");
  std::string expected = backup::FormatDomainBackup(
      backup::PlanDomainBackup(d.catalog(), std::string("c1")), std::nullopt);
  CHECK(expected.find("<incremental>c1</incremental>") != std::string::npos);
  CHECK(backup::PendingBackupXml(d.catalog()) == expected);
}

TEST_CASE("backup documents: a base and a pull socket, nothing per disk", "[backup_request]") {
  backup::BackupRequest none = backup::ParseBackupRequest("<domainbackup/>", "b.xml");
  CHECK_FALSE(none.incremental.has_value());
  CHECK_FALSE(none.pull_socket.has_value());

  backup::BackupRequest push = backup::ParseBackupRequest(
      "<domainbackup><incremental>c1</incremental><disks><disk name='vda'>"
      "<target file='/backups/vda.qcow2'/></disk><disk name='vdb' backup='yes'/></disks>"
      "</domainbackup>",
      "b.xml");
  CHECK(push.incremental == std::optional<std::string>("c1"));
  CHECK_FALSE(push.pull_socket.has_value());

  backup::BackupRequest pull = backup::ParseBackupRequest(
      "<domainbackup mode='pull'><server transport='unix' socket='/run/b.sock'/></domainbackup>",
      "b.xml");
  CHECK_FALSE(pull.incremental.has_value());
  CHECK(pull.pull_socket == std::optional<std::string>("/run/b.sock"));
}

TEST_CASE("backup documents: what virtckpt does not take", "[backup_request]") {
  auto refusal = [](const std::string& text) {
    return ErrorOf([&] { backup::ParseBackupRequest(text, "/tmp/b.xml"); });
  };
  CHECK(refusal("<domaincheckpoint/>") ==
        Result{ErrorCategory::ConfigInvalid,
               "XML error: expecting root element of 'domainbackup', not 'domaincheckpoint'"});
  for (const char* disk :
       {"<disk name='vda' backupmode='full'/>", "<disk name='vda' incremental='c1'/>",
        "<disk name='vda' backup='no'/>"}) {
    INFO(disk);
    CHECK(refusal(std::string("<domainbackup><disks>") + disk + "</disks></domainbackup>") ==
          Result{ErrorCategory::ConfigInvalid,
                 "unsupported configuration: virtckpt decides the backup of each disk itself "
                 "(see backup-plan); disk 'vda' of /tmp/b.xml sets it"});
  }
  for (const char* pull :
       {"<domainbackup mode='pull'/>",
        "<domainbackup mode='pull'><server name='localhost' port='10809'/></domainbackup>",
        "<domainbackup mode='pull'><server transport='unix'/></domainbackup>"}) {
    INFO(pull);
    CHECK(refusal(pull) ==
          Result{ErrorCategory::ConfigInvalid,
                 "unsupported configuration: virtckpt describes pull-mode backups over a unix "
                 "socket only: <server transport='unix' socket='PATH'/>"});
  }
  CHECK(refusal("<domainbackup>").first == ErrorCategory::XmlSyntax);
}

}  // namespace
