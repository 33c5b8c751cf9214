// A disk described by attach-disk's options, and the <disk> element virsh builds from them:
// only what the options say (no device='disk', no bus from the target's name), in virsh's order.
#pragma once

#include <optional>
#include <string>

#include "conf/disk_address.hpp"
#include "xml/node.hpp"

namespace virtckpt::conf {

enum class DiskSourceType { File, Block, Network };
constexpr DiskSourceType kLastDiskSourceType = DiskSourceType::Network;
enum class DiskMode { ReadWrite, ReadOnly, Shareable };
constexpr DiskMode kLastDiskMode = DiskMode::Shareable;

// attach-disk's --sourcetype names; std::nullopt for any other (dir and volume included).
std::optional<DiskSourceType> DiskSourceTypeFromString(const std::string& name);
const char* DiskSourceTypeToString(DiskSourceType type);
// --mode: readonly or shareable; std::nullopt for any other.
std::optional<DiskMode> DiskModeFromString(const std::string& name);

struct NewDisk {
  DiskSourceType source_type = DiskSourceType::File;
  std::optional<std::string> device;  // disk, cdrom, floppy, lun
  bool rawio = false;
  // <driver name type iothread cache io>
  std::optional<std::string> driver_name;
  std::optional<std::string> driver_type;
  std::optional<std::string> iothread;
  std::optional<std::string> cache;
  std::optional<std::string> io;
  // A path, or the exported name of a network disk.
  std::string source;
  // Network disks: <source protocol> and its <host transport socket name port>.
  std::string protocol;
  std::optional<std::string> host_transport;
  std::optional<std::string> host_socket;
  std::optional<std::string> host_name;
  std::optional<std::string> host_port;
  std::string target;
  std::optional<std::string> target_bus;
  DiskMode mode = DiskMode::ReadWrite;
  std::optional<std::string> serial;
  std::optional<std::string> alias;
  std::optional<std::string> wwn;
  std::optional<DiskAddress> address;
};

xml::Node FormatNewDisk(const NewDisk& disk);

// libvirt's rule for a WWN: sixteen hexadecimal digits, optionally after "0x".
bool IsValidWwn(const std::string& wwn);

}  // namespace virtckpt::conf
