// attach-disk's model: virsh's address notation where the differential tests cannot reach
// (virsh reads past the end of "pci:1.2.3"), the <disk> element and its escaping, and where an
// attached disk without a bus goes among the domain's disks.
#include <catch2/catch.hpp>
#include <string>

#include "conf/disk_address.hpp"
#include "conf/domain_def.hpp"
#include "conf/new_disk.hpp"
#include "xml/writer.hpp"

namespace {

using virtckpt::conf::DiskAddressType;
using virtckpt::conf::DiskMode;
using virtckpt::conf::DiskSourceType;
using virtckpt::conf::NewDisk;
using virtckpt::conf::ParseDiskAddress;

std::string AddressXml(const std::string& text) {
  auto address = ParseDiskAddress(text);
  return address ? virtckpt::xml::FormatElement(virtckpt::conf::FormatDiskAddress(*address))
                 : "invalid";
}

}  // namespace

TEST_CASE("addresses in virsh's notation") {
  CHECK(AddressXml("pci:0.0.5.0") ==
        "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>\n");
  CHECK(AddressXml("scsi:0x1.0.0") == "<address type='drive' controller='0' bus='1' unit='0'/>\n");
  CHECK(AddressXml("ccw:fe.3.ffff") ==
        "<address type='ccw' cssid='0xfe' ssid='0x3' devno='0xffff'/>\n");
  CHECK(AddressXml("usb:1.2.3") == "<address type='usb' bus='1' port='2'/>\n");
  // The text ends where a separator is due.
  CHECK(AddressXml("pci:1.2.3") == "invalid");
  CHECK(AddressXml("pci:1") == "invalid");
  CHECK(AddressXml("usb:") == "invalid");
  CHECK(AddressXml("ide:1.2.3") == "<address type='drive' controller='1' bus='2' unit='3'/>\n");
  CHECK(AddressXml("ide:1.2.-3") == "invalid");
  CHECK(AddressXml("sata:1.4294967296.0") == "invalid");
  CHECK(ParseDiskAddress("sata:0.0.1")->type == DiskAddressType::Sata);
}

TEST_CASE("the disk element escapes every value virsh leaves raw") {
  NewDisk disk;
  disk.source = "/a'b";
  disk.target = "vd'<";
  disk.target_bus = "b&";
  disk.serial = "s<";
  disk.alias = "a\"";
  disk.mode = DiskMode::ReadOnly;
  CHECK(virtckpt::xml::FormatElement(virtckpt::conf::FormatNewDisk(disk)) ==
        "<disk type='file'>\n"
        "  <source file='/a&apos;b'/>\n"
        "  <target dev='vd&apos;&lt;' bus='b&amp;'/>\n"
        "  <readonly/>\n"
        "  <serial>s&lt;</serial>\n"
        "  <alias name='a&quot;'/>\n"
        "</disk>\n");
}

TEST_CASE("a network disk has a host only when a host option was given") {
  NewDisk disk;
  disk.source_type = DiskSourceType::Network;
  disk.protocol = "rbd";
  disk.source = "pool/vol";
  disk.target = "vdb";
  CHECK(virtckpt::xml::FormatElement(virtckpt::conf::FormatNewDisk(disk)) ==
        "<disk type='network'>\n"
        "  <source protocol='rbd' name='pool/vol'/>\n"
        "  <target dev='vdb'/>\n"
        "</disk>\n");
}

TEST_CASE("WWNs") {
  CHECK(virtckpt::conf::IsValidWwn("5000c50015ea71ad"));
  CHECK(virtckpt::conf::IsValidWwn("0x5000C50015EA71AD"));
  CHECK_FALSE(virtckpt::conf::IsValidWwn("0X5000c50015ea71ad"));
  CHECK_FALSE(virtckpt::conf::IsValidWwn("5000c50015ea71a"));
  CHECK_FALSE(virtckpt::conf::IsValidWwn(""));
}

TEST_CASE("a disk without a bus is placed among the disks of the bus its target implies") {
  auto def = virtckpt::conf::DomainDef::Parse(
      "<domain type='test'><name>d</name><devices>"
      "<disk type='file'><source file='/a'/><target dev='vda' bus='virtio'/></disk>"
      "<disk type='file'><source file='/s'/><target dev='sda' bus='scsi'/></disk>"
      "</devices></domain>");
  NewDisk vdb;
  vdb.source = "/b";
  vdb.target = "vdb";
  def.AttachDisk(virtckpt::conf::FormatNewDisk(vdb));
  NewDisk floppy;
  floppy.device = "floppy";
  floppy.target = "fda";
  def.AttachDisk(virtckpt::conf::FormatNewDisk(floppy));
  NewDisk other;
  other.target = "xyz";
  def.AttachDisk(virtckpt::conf::FormatNewDisk(other));
  std::string order;
  for (const auto& disk : def.disks()) order += disk.target_dev + ":" + disk.target_bus + " ";
  CHECK(order == "vda:virtio vdb:virtio sda:scsi fda:fdc xyz:ide ");
}
