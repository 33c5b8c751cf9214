// A libvirt <domain> definition: kept verbatim for output, plus the disk facts the store and the
// chain walker need.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "xml/node.hpp"

namespace virtckpt::xml {
class Writer;
}

namespace virtckpt::conf {

struct DiskSource {
  std::string file;
  std::string dev;
  std::string dir;
  std::string pool;
  std::string volume;
  std::string protocol;  // network disks
  std::string name;      // network disks: the exported name
  // The one string that identifies the source: a path, pool/volume or protocol:name.
  std::string Identity() const;
};

struct DomainDisk {
  std::string type;    // file, block, dir, network, volume
  std::string device;  // disk, cdrom, floppy, lun
  std::string driver_name;
  std::string driver_type;  // qcow2, raw, ...
  DiskSource source;
  std::string target_dev;
  std::string target_bus;  // as given, else the bus libvirt infers from device and target
  bool readonly = false;
  bool shareable = false;
  bool transient = false;
  std::string serial;
  size_t position = 0;  // index among the domain's disks

  bool IsEmpty() const { return source.Identity().empty(); }
};

class DomainDef {
 public:
  // Reads the facts out of a <domain> element. Throws Error(ConfigInvalid) when it lacks a
  // name or a disk lacks its target.
  static DomainDef FromNode(xml::Node domain);
  // Safe parse + schema check of a document whose root must be <domain>.
  static DomainDef Parse(const std::string& text,
                         const std::string& source = "(domain_definition)");

  const std::string& type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& uuid() const { return uuid_; }
  const std::vector<DomainDisk>& disks() const { return disks_; }
  const xml::Node& node() const { return node_; }

  // libvirt's lookup: by target, or by a source path that only one disk has.
  const DomainDisk* FindDisk(const std::string& name) const;
  const DomainDisk* FindDiskByTarget(const std::string& target) const;

  // The element formatted as libvirt does, starting at `indent` spaces. Without `secure`,
  // secrets such as <graphics passwd=...> are left out.
  std::string Format(int indent, bool secure) const;
  // The same, as an element of a document being written.
  void Write(xml::Writer* writer, bool secure) const;

  // Gives the definition a uuid when it has none: `preferred`, else a random one (libvirt
  // generates one on define).
  void EnsureUuid(const std::string& preferred = "");
  // Gives the definition another name and uuid (a checkpoint imported into a clone or a
  // restored domain); the rest of the document stays as it is.
  void Rename(const std::string& name, const std::string& uuid);
  // Hot-plug: inserts a <disk> element among the disks of the same bus, ordered by target;
  // throws Error(OperationInvalid) if the target is taken.
  void AttachDisk(const xml::Node& disk);
  // Removes the disk with that target, or throws Error(OperationInvalid).
  void DetachDisk(const std::string& target);

 private:
  void Reload();

  xml::Node node_;
  std::string type_;
  std::string name_;
  std::string uuid_;
  std::vector<DomainDisk> disks_;
};

// Reads one <disk> element; throws Error(ConfigInvalid) without a target.
DomainDisk ParseDomainDisk(const xml::Node& disk);

}  // namespace virtckpt::conf
