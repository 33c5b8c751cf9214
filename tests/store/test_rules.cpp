// The store's rules that the commands call: the bitmap settings (store/settings_rules.hpp),
// define's uuid and settings rules (store/domain_definition.hpp), undefine's removals
// (store/domain_removal.hpp), and the catalogue's operations on a domain's definition,
// settings and job (store/catalog.hpp), each against a file store in a temp directory.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "conf/checkpoint_def.hpp"
#include "conf/domain_def.hpp"
#include "conf/domain_files.hpp"
#include "slurp.hpp"
#include "store/backend.hpp"
#include "store/catalog.hpp"
#include "store/domain_definition.hpp"
#include "store/domain_removal.hpp"
#include "store/settings.hpp"
#include "store/settings_rules.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"
#include "xml/document.hpp"

namespace {

using namespace virtckpt;
using store::BitmapMode;
using store::BitmapModel;
using store::DomainSettings;
using test::TempDir;
using util::ErrorCode;

std::string SourceRoot() { return VIRTCKPT_TEST_SOURCE_ROOT; }

const bool kSchemaDirSet = [] {
  setenv("VIRTCKPT_SCHEMA_DIR", (SourceRoot() + "/schemas").c_str(), 0);
  return true;
}();

using test::Slurp;

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t pos = text.find(from);
  if (pos == std::string::npos) throw std::runtime_error("'" + from + "' not found");
  return text.replace(pos, from.size(), to);
}

constexpr const char* kUuid = "0b0a6a2c-5c4e-4d8e-9a77-1f3e2d4c5b6a";
constexpr const char* kOtherUuid = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
constexpr int64_t kEpoch = 1704067200;

// xml-examples/domain-single.xml under another name and uuid ("" leaves the uuid out).
std::string DomainXml(const std::string& name = "single", const std::string& uuid = kUuid) {
  std::string text = Replace(Slurp(SourceRoot() + "/xml-examples/domain-single.xml"),
                             "<name>single</name>", "<name>" + name + "</name>");
  return Replace(text, std::string("  <uuid>") + kUuid + "</uuid>\n",
                 uuid.empty() ? "" : "  <uuid>" + uuid + "</uuid>\n");
}

conf::DomainDef Domain(const std::string& name = "single", const std::string& uuid = kUuid) {
  return conf::DomainDef::Parse(DomainXml(name, uuid));
}

// A definition read without the schema, for elements our domain schema does not describe.
conf::DomainDef DomainFromXml(const std::string& text) {
  return conf::DomainDef::FromNode(xml::Document::Parse(text).Root());
}

xml::Node Element(const std::string& text) { return xml::Document::Parse(text).Root(); }

// The code and message of the util::Error that `f` throws.
template <typename F>
std::pair<ErrorCode, std::string> ErrorOf(F&& f) {
  try {
    f();
  } catch (const util::Error& e) {
    return {e.code(), e.what()};
  }
  FAIL("no util::Error thrown");
  return {};
}

// A store in a temp directory, not made yet: its first define makes it.
class Store {
 public:
  Store() : root_(tmp_.path() + "/store"), backend_(store::OpenBackend(root_)) {}

  store::Backend& backend() { return *backend_; }
  const std::string& root() const { return root_; }

  void Define(const conf::DomainDef& def,
              const std::optional<DomainSettings>& settings = std::nullopt) {
    backend_->Define(def, settings);
  }

  std::unique_ptr<store::DomainSession> Open(store::Access access = store::Access::Read,
                                             const std::string& name = "single") {
    return backend_->Open(name, access);
  }

  void Create(const std::string& name) {
    auto session = Open(store::Access::Write);
    store::Catalog(*session).Create(
        conf::ParseCheckpoint("<domaincheckpoint><name>" + name + "</name></domaincheckpoint>", 0),
        "", kEpoch);
  }

  DomainSettings Settings(const std::string& name = "single") {
    return Open(store::Access::Read, name)->settings();
  }

 private:
  TempDir tmp_;
  std::string root_;
  std::unique_ptr<store::Backend> backend_;
};

// ---------------------------------------------------------------------------------------------
// settings_rules

TEST_CASE("granularity: a power of two from 512 to 2147483648", "[settings]") {
  for (uint64_t g : {512ull, 1024ull, 65536ull, 1ull << 31}) {
    INFO(g);
    CHECK(store::IsValidGranularity(g));
  }
  for (uint64_t g : {0ull, 1ull, 256ull, 511ull, 1536ull, 65535ull, 1ull << 32}) {
    INFO(g);
    CHECK_FALSE(store::IsValidGranularity(g));
  }
}

TEST_CASE("a settings choice applies the model, the mode and the granularity", "[settings]") {
  DomainSettings base;
  base.granularity = 131072;
  CHECK(store::ApplySettingsChoice({}, base) == base);

  DomainSettings chosen = store::ApplySettingsChoice({"delta", "managed", "4096"}, base);
  CHECK(chosen.model == BitmapModel::Delta);
  CHECK(chosen.mode == BitmapMode::Managed);
  CHECK(chosen.granularity == 4096);

  DomainSettings only_mode =
      store::ApplySettingsChoice({std::nullopt, "managed", std::nullopt}, base);
  CHECK(only_mode.model == BitmapModel::Cumulative);
  CHECK(only_mode.mode == BitmapMode::Managed);
  CHECK(only_mode.granularity == 131072);
}

TEST_CASE("a settings choice outside the rules is refused with the value given", "[settings]") {
  auto refusal = [](store::SettingsChoice choice) {
    return ErrorOf([&] { store::ApplySettingsChoice(choice, {}); });
  };
  using Result = std::pair<ErrorCode, std::string>;
  CHECK(refusal({"linear", std::nullopt, std::nullopt}) ==
        Result{ErrorCode::InvalidArg,
               "invalid argument: unknown bitmap model 'linear' (expected cumulative or delta)"});
  CHECK(refusal({std::nullopt, "auto", std::nullopt}) ==
        Result{ErrorCode::InvalidArg,
               "invalid argument: unknown bitmap mode 'auto' (expected external or managed)"});
  for (const char* granularity : {"4096k", "3", "0", "", "-512", "4294967296", "0x1000"}) {
    INFO(granularity);
    CHECK(refusal({std::nullopt, std::nullopt, std::string(granularity)}) ==
          Result{ErrorCode::InvalidArg, std::string("invalid argument: granularity '") +
                                            granularity +
                                            "' must be a power of two between 512 and 2147483648"});
  }
  // The model is read first, then the mode, then the granularity.
  CHECK(refusal({"linear", "auto", "3"}).second ==
        "invalid argument: unknown bitmap model 'linear' (expected cumulative or delta)");
  CHECK(refusal({"delta", "auto", "3"}).second ==
        "invalid argument: unknown bitmap mode 'auto' (expected external or managed)");
}

TEST_CASE("the bitmap model stays while the domain has checkpoints", "[settings]") {
  CHECK_NOTHROW(
      store::CheckBitmapModelChange("d", BitmapModel::Cumulative, BitmapModel::Cumulative, 3));
  CHECK_NOTHROW(store::CheckBitmapModelChange("d", BitmapModel::Cumulative, BitmapModel::Delta, 0));
  auto error = ErrorOf(
      [] { store::CheckBitmapModelChange("d", BitmapModel::Delta, BitmapModel::Cumulative, 3); });
  CHECK(error.first == ErrorCode::OperationInvalid);
  CHECK(error.second ==
        "Requested operation is not valid: cannot change the bitmap model of domain 'd' while it "
        "has 3 checkpoints");
}

// ---------------------------------------------------------------------------------------------
// Catalog::ChangeSettings

TEST_CASE("catalog: settings change, the model only without checkpoints", "[settings][catalog]") {
  Store s;
  s.Define(Domain());
  {
    auto session = s.Open(store::Access::Write);
    store::Catalog catalog(*session);
    DomainSettings delta;
    delta.model = BitmapModel::Delta;
    catalog.ChangeSettings(delta);
    CHECK(catalog.settings() == delta);
  }
  CHECK(s.Settings().model == BitmapModel::Delta);

  s.Create("c1");
  s.Create("c2");
  auto session = s.Open(store::Access::Write);
  store::Catalog catalog(*session);
  DomainSettings cumulative;
  auto error = ErrorOf([&] { catalog.ChangeSettings(cumulative); });
  CHECK(error.first == ErrorCode::OperationInvalid);
  CHECK(error.second ==
        "Requested operation is not valid: cannot change the bitmap model of domain 'single' "
        "while it has 2 checkpoints");
  DomainSettings managed = catalog.settings();
  managed.mode = BitmapMode::Managed;
  managed.granularity = 1024;
  catalog.ChangeSettings(managed);
  session.reset();
  CHECK(s.Settings() == managed);
}

// ---------------------------------------------------------------------------------------------
// DomainDefinition

TEST_CASE("define: the first definition makes the store, with the settings given", "[define]") {
  Store s;
  store::DomainDefinition definition(s.backend(), Domain());
  CHECK(definition.existing() == nullptr);
  CHECK_NOTHROW(definition.CheckUuid());
  definition.EnsureUuid();
  CHECK(definition.def().uuid() == kUuid);
  CHECK(definition.settings() == DomainSettings{});
  DomainSettings delta;
  delta.model = BitmapModel::Delta;
  definition.SetSettings(delta);
  definition.Commit();
  CHECK(s.backend().ListDomains() == std::vector<std::string>{"single"});
  CHECK(s.Settings() == delta);
}

TEST_CASE("define: a new domain without a uuid gets a random one", "[define]") {
  Store s;
  store::DomainDefinition definition(s.backend(), Domain("fresh", ""));
  CHECK(definition.def().uuid().empty());
  definition.EnsureUuid();
  const std::string& uuid = definition.def().uuid();
  REQUIRE(uuid.size() == 36);
  CHECK(uuid[14] == '4');
  definition.Commit();
  CHECK(s.Open(store::Access::Read, "fresh")->domain().uuid() == uuid);
}

TEST_CASE("define: a uuid another domain holds is refused", "[define][uuid]") {
  Store s;
  s.Define(Domain());
  store::DomainDefinition definition(s.backend(), Domain("other", kUuid));
  CHECK(definition.existing() == nullptr);
  auto error = ErrorOf([&] { definition.CheckUuid(); });
  CHECK(error.first == ErrorCode::OperationFailed);
  CHECK(error.second ==
        std::string("operation failed: domain 'single' is already defined with uuid ") + kUuid);
}

TEST_CASE("define: a domain keeps its uuid", "[define][uuid]") {
  Store s;
  s.Define(Domain());

  SECTION("another uuid is refused") {
    store::DomainDefinition definition(s.backend(), Domain("single", kOtherUuid));
    REQUIRE(definition.existing() != nullptr);
    auto error = ErrorOf([&] { definition.CheckUuid(); });
    CHECK(error.first == ErrorCode::OperationFailed);
    CHECK(error.second ==
          std::string("operation failed: domain 'single' already exists with uuid ") + kUuid);
  }
  SECTION("a definition without one takes the domain's") {
    store::DomainDefinition definition(s.backend(), Domain("single", ""));
    REQUIRE(definition.existing() != nullptr);
    CHECK(definition.existing()->domain().name() == "single");
    CHECK_NOTHROW(definition.CheckUuid());
    definition.EnsureUuid();
    CHECK(definition.def().uuid() == kUuid);
    // The reader's lock goes before the write.
    definition.Commit();
    CHECK(s.Open()->domain().uuid() == kUuid);
  }
}

TEST_CASE("define: a redefinition keeps the settings unless given, the model as the rule says",
          "[define][settings]") {
  Store s;
  DomainSettings managed;
  managed.mode = BitmapMode::Managed;
  s.Define(Domain(), managed);
  s.Create("c1");

  SECTION("kept") {
    store::DomainDefinition definition(s.backend(), Domain());
    CHECK(definition.settings() == managed);
    definition.Commit();
    CHECK(s.Settings() == managed);
  }
  SECTION("another granularity") {
    store::DomainDefinition definition(s.backend(), Domain());
    DomainSettings wanted =
        store::ApplySettingsChoice({std::nullopt, std::nullopt, "1024"}, definition.settings());
    definition.SetSettings(wanted);
    definition.Commit();
    CHECK(s.Settings() == wanted);
  }
  SECTION("another model is refused while the domain has checkpoints") {
    store::DomainDefinition definition(s.backend(), Domain());
    DomainSettings delta = definition.settings();
    delta.model = BitmapModel::Delta;
    auto error = ErrorOf([&] { definition.SetSettings(delta); });
    CHECK(error.first == ErrorCode::OperationInvalid);
    CHECK(error.second ==
          "Requested operation is not valid: cannot change the bitmap model of domain 'single' "
          "while it has 1 checkpoints");
  }
}

// ---------------------------------------------------------------------------------------------
// undefine

const char kDomainWithFiles[] = R"(<domain type='kvm'>
  <name>files</name>
  <os>
    <type arch='x86_64'>hvm</type>
    <nvram>/var/lib/libvirt/qemu/nvram/files_VARS.fd</nvram>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/images/a.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <target dev='sda' bus='sata'/>
    </disk>
    <disk type='block' device='disk'>
      <source dev='/dev/sdz'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <tpm model='tpm-crb'>
      <backend type='emulator' version='2.0'/>
    </tpm>
  </devices>
</domain>
)";

TEST_CASE("undefine: removals of files the store does not manage are refused", "[undefine]") {
  conf::DomainDef def = DomainFromXml(kDomainWithFiles);
  auto refusal = [&](const store::Removals& removals) {
    return ErrorOf([&] { store::RefuseRemovals(def, removals); });
  };
  using Result = std::pair<ErrorCode, std::string>;
  CHECK_NOTHROW(store::RefuseRemovals(def, {}));

  store::Removals all;
  all.volumes = conf::VolumesOf(def);
  CHECK(refusal(all) ==
        Result{ErrorCode::OperationUnsupported,
               "Operation not supported: virtckpt does not manage storage volumes and cannot "
               "remove 'vda'(/images/a.qcow2), 'vdb'(/dev/sdz); remove them yourself and undefine "
               "without --remove-all-storage"});
  store::Removals named;
  named.volumes = {{"vdb", "/dev/sdz"}};
  named.named_volumes = true;
  CHECK(refusal(named) ==
        Result{ErrorCode::OperationUnsupported,
               "Operation not supported: virtckpt does not manage storage volumes and cannot "
               "remove 'vdb'(/dev/sdz); remove them yourself and undefine without --storage"});

  store::Removals nvram;
  nvram.nvram = true;
  nvram.tpm = true;
  CHECK(refusal(nvram) ==
        Result{ErrorCode::OperationUnsupported,
               "Operation not supported: virtckpt does not manage NVRAM files and cannot remove "
               "'/var/lib/libvirt/qemu/nvram/files_VARS.fd'; remove it yourself and undefine "
               "with --keep-nvram"});
  store::Removals tpm;
  tpm.tpm = true;
  CHECK(refusal(tpm) ==
        Result{ErrorCode::OperationUnsupported,
               "Operation not supported: virtckpt does not manage TPM state and cannot remove the "
               "state of its emulated TPM; remove it yourself and undefine with --keep-tpm"});

  // A definition without such files asks nothing to be removed.
  store::Removals everything;
  everything.nvram = true;
  everything.tpm = true;
  CHECK_NOTHROW(store::RefuseRemovals(Domain(), everything));
}

TEST_CASE("undefine: the domain goes, with its checkpoints only when asked", "[undefine]") {
  Store s;
  s.Define(Domain());
  s.Create("c1");
  auto error = ErrorOf([&] { store::UndefineDomain(s.backend(), "single", false); });
  CHECK(error.first == ErrorCode::OperationInvalid);
  CHECK(error.second ==
        "Requested operation is not valid: cannot delete inactive domain with 1 checkpoints");
  CHECK(s.backend().ListDomains() == std::vector<std::string>{"single"});
  CHECK(store::UndefineDomain(s.backend(), "single", true).empty());
  CHECK(s.backend().ListDomains().empty());
}

TEST_CASE("undefine: refused while a backup job is pending, with or without its checkpoint",
          "[undefine][job]") {
  Store s;
  s.Define(Domain());
  s.Create("c1");
  auto begin = [&](std::optional<std::string> checkpoint) {
    auto session = s.Open(store::Access::Write);
    store::BackupJob job;
    job.started = kEpoch;
    job.since = "c1";
    std::optional<conf::CheckpointDef> def;
    if (checkpoint) {
      def = conf::ParseCheckpoint(
          "<domaincheckpoint><name>" + *checkpoint + "</name></domaincheckpoint>", 0);
    }
    store::Catalog(*session).BeginBackup(def, job, "");
  };
  auto end = [&] { store::Catalog(*s.Open(store::Access::Write)).AbortBackup(kEpoch + 1); };

  begin("b1");
  for (bool with_checkpoints : {false, true}) {
    auto error = ErrorOf([&] { store::UndefineDomain(s.backend(), "single", with_checkpoints); });
    CHECK(error.first == ErrorCode::OperationInvalid);
    CHECK(error.second ==
          "Requested operation is not valid: cannot undefine the domain while the backup job of "
          "checkpoint 'b1' is pending; end it with backup-end");
  }
  CHECK(s.backend().ListDomains() == std::vector<std::string>{"single"});
  CHECK(store::Catalog(*s.Open()).PendingJob()->checkpoint == "b1");
  CHECK(store::Catalog(*s.Open()).Get("b1").state == store::CheckpointState::Pending);
  end();

  begin(std::nullopt);
  auto error = ErrorOf([&] { store::UndefineDomain(s.backend(), "single", true); });
  CHECK(error.first == ErrorCode::OperationInvalid);
  CHECK(error.second ==
        "Requested operation is not valid: cannot undefine the domain while the backup job that "
        "creates no checkpoint is pending; end it with backup-end");
  CHECK(store::Catalog(*s.Open()).PendingJob().has_value());
  end();

  // Once the jobs ended (their aborts left bitmap operations behind, dropped with the domain).
  CHECK_FALSE(store::UndefineDomain(s.backend(), "single", true).empty());
  CHECK(s.backend().ListDomains().empty());
}

// ---------------------------------------------------------------------------------------------
// Catalog: hot-plug, redefine validation, job abort

const char kDiskVdb[] = R"(<disk type='file' device='disk'>
  <driver name='qemu' type='qcow2'/>
  <source file='/var/lib/libvirt/images/single-vdb.qcow2'/>
  <target dev='vdb' bus='virtio'/>
</disk>)";

std::vector<std::string> Targets(const conf::DomainDef& def) {
  std::vector<std::string> targets;
  for (const auto& disk : def.disks()) targets.push_back(disk.target_dev);
  return targets;
}

TEST_CASE("catalog: hot-plug changes the stored definition", "[catalog][hotplug]") {
  Store s;
  s.Define(Domain());
  {
    auto session = s.Open(store::Access::Write);
    store::Catalog catalog(*session);
    catalog.AttachDevice(Element(kDiskVdb));
    CHECK(Targets(catalog.domain()) == std::vector<std::string>{"vda", "vdb"});
  }
  CHECK(Targets(s.Open()->domain()) == std::vector<std::string>{"vda", "vdb"});

  auto session = s.Open(store::Access::Write);
  store::Catalog catalog(*session);
  auto error = ErrorOf([&] { catalog.AttachDevice(Element("<interface type='network'/>")); });
  CHECK(error.first == ErrorCode::OperationUnsupported);
  CHECK(error.second ==
        "Operation not supported: only <disk> devices can be attached or detached, not "
        "<interface>");
  error = ErrorOf([&] { catalog.AttachDevice(Element(kDiskVdb)); });
  CHECK(error.first == ErrorCode::OperationFailed);
  CHECK(error.second == "operation failed: target vdb already exists");

  catalog.DetachDevice(Element(kDiskVdb));
  CHECK(Targets(catalog.domain()) == std::vector<std::string>{"vda"});
  error = ErrorOf([&] { catalog.DetachDevice(Element("<controller type='usb'/>")); });
  CHECK(error.second ==
        "Operation not supported: only <disk> devices can be attached or detached, not "
        "<controller>");
  error = ErrorOf([&] { catalog.DetachDisk("vdz"); });
  CHECK(error.first == ErrorCode::DeviceMissing);
  CHECK(error.second == "device not found: disk vdz not found");
  catalog.DetachDisk("vda");
  CHECK(catalog.domain().disks().empty());
  session.reset();
  CHECK(s.Open()->domain().disks().empty());
}

std::string RedefineXml(const std::string& disks) {
  return "<domaincheckpoint><name>r1</name><creationTime>" + std::to_string(kEpoch) +
         "</creationTime><disks>" + disks + "</disks></domaincheckpoint>";
}

TEST_CASE("catalog: redefine validation asks each disk with a bitmap of the current definition",
          "[catalog][redefine]") {
  Store s;
  s.Define(Domain());
  auto session = s.Open(store::Access::Write);
  store::Catalog catalog(*session);
  auto parse = [](const std::string& disks) {
    return conf::ParseCheckpoint(RedefineXml(disks), conf::kParseRedefine);
  };
  std::string unknown = "<disk name='vdz' checkpoint='bitmap'/>";
  auto error = ErrorOf([&] { catalog.Redefine(parse(unknown), std::nullopt, true); });
  CHECK(error.first == ErrorCode::ConfigUnsupported);
  CHECK(error.second == "unsupported configuration: no disk named 'vdz'");
  CHECK(catalog.tree().size() == 0);

  CHECK(catalog.Redefine(parse("<disk name='vda'/><disk name='vdz' checkpoint='no'/>"),
                         std::nullopt, true) == "r1");
  // Without the validation the unknown disk is kept as the document says.
  CHECK(catalog.Redefine(parse(unknown), std::nullopt) == "r1");
  REQUIRE(catalog.Get("r1").disks().size() == 1);
  CHECK(catalog.Get("r1").disks()[0].target == "vdz");
}

TEST_CASE("catalog: a job abort needs a job, and no post-copy flag", "[catalog][job]") {
  Store s;
  s.Define(Domain());
  auto session = s.Open(store::Access::Write);
  store::Catalog catalog(*session);
  auto error = ErrorOf([&] { catalog.AbortJob(kEpoch, false); });
  CHECK(error.first == ErrorCode::OperationInvalid);
  CHECK(error.second == "Requested operation is not valid: no job is active on the domain");

  store::BackupJob job;
  job.started = kEpoch;
  catalog.BeginBackup(
      conf::ParseCheckpoint("<domaincheckpoint><name>j1</name></domaincheckpoint>", 0), job, "");
  error = ErrorOf([&] { catalog.AbortJob(kEpoch + 5, true); });
  CHECK(error.first == ErrorCode::OperationInvalid);
  CHECK(error.second ==
        "Requested operation is not valid: current job is not outgoing migration in post-copy "
        "mode");
  CHECK(catalog.PendingJob().has_value());

  CHECK(catalog.AbortJob(kEpoch + 5, false).checkpoint == "j1");
  CHECK_FALSE(catalog.PendingJob().has_value());
  CHECK(catalog.tree().size() == 0);
  REQUIRE(catalog.completed_job().has_value());
  CHECK(catalog.completed_job()->outcome == store::CompletedJob::Outcome::Aborted);
  CHECK(catalog.completed_job()->ended == kEpoch + 5);
}

}  // namespace
