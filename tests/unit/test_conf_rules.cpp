// conf's rules that the commands call: hot-plug of device documents (conf/device_hotplug.hpp),
// the files beside a definition (conf/domain_files.hpp), checkpoint names and the redefine
// validation (conf/checkpoint_def.hpp), uuids (conf/uuid.hpp).
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "conf/checkpoint_def.hpp"
#include "conf/device_hotplug.hpp"
#include "conf/domain_def.hpp"
#include "conf/domain_files.hpp"
#include "conf/uuid.hpp"
#include "error_of.hpp"
#include "test_support.hpp"
#include "util/error.hpp"
#include "xml/document.hpp"

namespace {

using namespace virtckpt;
using util::ErrorCategory;
using Result = std::pair<ErrorCategory, std::string>;

using test::ErrorOf;

xml::Node Element(const std::string& text) { return xml::Document::Parse(text).Root(); }

conf::DomainDef DomainFromXml(const std::string& text) {
  return conf::DomainDef::FromNode(Element(text));
}

std::vector<std::string> Targets(const conf::DomainDef& def) {
  std::vector<std::string> targets;
  for (const auto& disk : def.disks()) targets.push_back(disk.target_dev);
  return targets;
}

const char kDiskVdb[] =
    "<disk type='file' device='disk'><source file='/images/b.qcow2'/>"
    "<target dev='vdb' bus='virtio'/></disk>";

TEST_CASE("hot-plug: <disk> devices only", "[hotplug]") {
  conf::DomainDef def = test::ExampleDomain("single");
  conf::AttachDevice(&def, Element(kDiskVdb));
  CHECK(Targets(def) == std::vector<std::string>{"vda", "vdb"});
  CHECK(ErrorOf([&] { conf::AttachDevice(&def, Element("<hostdev mode='subsystem'/>")); }) ==
        Result{ErrorCategory::Unsupported,
               "Operation not supported: only <disk> devices can be attached or detached, not "
               "<hostdev>"});
  CHECK(ErrorOf([&] { conf::DetachDevice(&def, Element("<interface type='network'/>")); }) ==
        Result{ErrorCategory::Unsupported,
               "Operation not supported: only <disk> devices can be attached or detached, not "
               "<interface>"});
  CHECK(Targets(def) == std::vector<std::string>{"vda", "vdb"});
  // A detached disk is found by its target alone.
  conf::DetachDevice(&def, Element("<disk><target dev='vda'/></disk>"));
  CHECK(Targets(def) == std::vector<std::string>{"vdb"});
  CHECK(ErrorOf([&] { conf::DetachDevice(&def, Element("<disk><target dev='vda'/></disk>")); }) ==
        Result{ErrorCategory::NotFound, "device not found: disk vda not found"});
  CHECK(ErrorOf([&] { conf::DetachDevice(&def, Element("<disk type='file'/>")); }).first ==
        ErrorCategory::ConfigInvalid);
}

TEST_CASE("files beside a definition: volumes, NVRAM, an emulated TPM", "[domain_files]") {
  conf::DomainDef def = DomainFromXml(R"(<domain type='kvm'>
  <name>files</name>
  <os><type>hvm</type><nvram>/nvram/files_VARS.fd</nvram></os>
  <devices>
    <disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk>
    <disk type='block' device='disk'><source dev='/dev/sdz'/><target dev='vdb'/></disk>
    <disk type='volume' device='disk'><source pool='p' volume='v1'/><target dev='vdc'/></disk>
    <disk type='network' device='disk'>
      <source protocol='nbd' name='export'/><target dev='vdd'/>
    </disk>
    <tpm model='tpm-tis'><backend type='passthrough'/></tpm>
    <tpm model='tpm-crb'><backend type='emulator'/></tpm>
  </devices>
</domain>)");
  std::vector<conf::DomainVolume> volumes = conf::VolumesOf(def);
  REQUIRE(volumes.size() == 3);
  CHECK((volumes[0].target == "vdb" && volumes[0].source == "/dev/sdz"));
  CHECK((volumes[1].target == "vdc" && volumes[1].source == "v1"));
  CHECK((volumes[2].target == "vdd" && volumes[2].source == "export"));
  CHECK(conf::NvramFile(def) == std::optional<std::string>("/nvram/files_VARS.fd"));
  CHECK(conf::HasEmulatedTpm(def));

  conf::DomainDef plain = DomainFromXml(R"(<domain type='kvm'>
  <name>plain</name>
  <os><type>hvm</type></os>
  <devices><tpm model='tpm-tis'><backend type='passthrough'/></tpm></devices>
</domain>)");
  CHECK(conf::VolumesOf(plain).empty());
  CHECK_FALSE(conf::NvramFile(plain).has_value());
  CHECK_FALSE(conf::HasEmulatedTpm(plain));
  // An empty <nvram/> names a file the hypervisor would choose.
  conf::DomainDef empty_nvram =
      DomainFromXml("<domain type='kvm'><name>e</name><os><type>hvm</type><nvram/></os></domain>");
  CHECK(conf::NvramFile(empty_nvram).has_value());
}

TEST_CASE("checkpoint names: libvirt's pattern, refused with it", "[checkpoint_name]") {
  for (const char* name : {"c1", "_x", "-y", "a.b-c_d", "0"}) {
    INFO(name);
    CHECK_NOTHROW(conf::CheckCheckpointName(name));
  }
  for (const char* name : {"", ".hidden", "a/b", "a b", "caf\xc3\xa9"}) {
    INFO(name);
    CHECK(ErrorOf([&] { conf::CheckCheckpointName(name); }) ==
          Result{ErrorCategory::InvalidArgument,
                 std::string("invalid argument: checkpoint name '") + name +
                     "' must match [a-zA-Z0-9_-][a-zA-Z0-9_.-]*"});
  }
}

TEST_CASE("uuids: read as libvirt's virUUIDParse reads them, kept in its form", "[uuid]") {
  const std::string canonical = "0b0a6a2c-5c4e-4d8e-9a77-1f3e2d4c5b6a";
  for (const char* text :
       {"0b0a6a2c-5c4e-4d8e-9a77-1f3e2d4c5b6a", "0B0A6A2C5C4E4D8E9A771F3E2D4C5B6A",
        " \t0b0a6a2c5c4e4d8e9a771f3e2d4c5b6a\n", "0b-0a 6a2c5c4e4d8e9a771f3e2d4c5b6a",
        "-0b0a6a2c5c4e4d8e9a771f3e2d4c5b6a"}) {
    INFO(text);
    CHECK(conf::ParseUuid(text) == canonical);
  }
  for (const char* text :
       {"", " ", "garbage", "0-b0a6a2c5c4e4d8e9a771f3e2d4c5b6a", "0b0a6a2c5c4e4d8e9a771f3e2d4c5b6",
        "0b0a6a2c5c4e4d8e9a771f3e2d4c5b6a00", "0b0a6a2c5c4e4d8e9a771f3e2d4c5b6ax",
        "0b0a6a2c\t5c4e4d8e9a771f3e2d4c5b6a", "0b0a6a2c-5c4e-4d8e-9a77-1f3e2d4c5b6a-- "}) {
    INFO(text);
    CHECK(conf::ParseUuid(text) == std::nullopt);
  }
  const std::string random = conf::RandomUuid();
  CHECK(conf::ParseUuid(random) == random);
  CHECK(random[14] == '4');
}

TEST_CASE("uuids: a definition holds libvirt's form, an empty one is generated in place",
          "[uuid]") {
  conf::DomainDef upper = DomainFromXml(
      "<domain type='test'><name>d</name><uuid>0B0A6A2C5C4E4D8E9A771F3E2D4C5B6A</uuid></domain>");
  CHECK(upper.uuid() == "0b0a6a2c-5c4e-4d8e-9a77-1f3e2d4c5b6a");
  CHECK(upper.Format(0, true) ==
        "<domain type='test'>\n  <name>d</name>\n"
        "  <uuid>0b0a6a2c-5c4e-4d8e-9a77-1f3e2d4c5b6a</uuid>\n</domain>\n");
  conf::DomainDef empty =
      DomainFromXml("<domain type='test'><uuid/><name>d</name><vcpu>1</vcpu></domain>");
  CHECK(empty.uuid().empty());
  empty.EnsureUuid("0b0a6a2c-5c4e-4d8e-9a77-1f3e2d4c5b6a");
  CHECK(empty.Format(0, true) ==
        "<domain type='test'>\n  <uuid>0b0a6a2c-5c4e-4d8e-9a77-1f3e2d4c5b6a</uuid>\n"
        "  <name>d</name>\n  <vcpu>1</vcpu>\n</domain>\n");
  CHECK(ErrorOf([] {
          DomainFromXml("<domain type='test'><name>d</name><uuid>0-b</uuid></domain>");
        }) == Result{ErrorCategory::Internal, "internal error: malformed uuid element"});
}

TEST_CASE("redefine validation: each disk with a bitmap is a disk of the definition",
          "[redefine_validate]") {
  conf::DomainDef current = test::ExampleDomain("multi");
  auto def = [](const std::string& disks) {
    return conf::ParseCheckpoint(
        "<domaincheckpoint><name>r</name><creationTime>1</creationTime>"
        "<disks>" +
            disks + "</disks></domaincheckpoint>",
        conf::kParseRedefine);
  };
  CHECK_NOTHROW(conf::ValidateRedefinedDisks(def("<disk name='vda'/>"), current));
  CHECK_NOTHROW(conf::ValidateRedefinedDisks(def("<disk name='vdz' checkpoint='no'/>"), current));
  CHECK(ErrorOf([&] {
          conf::ValidateRedefinedDisks(
              def("<disk name='vda'/><disk name='vdz' checkpoint='bitmap' bitmap='b'/>"), current);
        }) ==
        Result{ErrorCategory::ConfigInvalid, "unsupported configuration: no disk named 'vdz'"});
}

}  // namespace
