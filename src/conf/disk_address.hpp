// A device address given on virsh's command line (attach-disk --address): TYPE:N.N.N, read and
// formatted as the <address> element virsh writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "xml/node.hpp"

namespace virtckpt::conf {

enum class DiskAddressType { Pci, Scsi, Ide, Ccw, Usb, Sata };

struct DiskAddress {
  DiskAddressType type = DiskAddressType::Pci;
  // pci: domain, bus, slot, function; scsi, ide, sata: controller, bus, unit; ccw: cssid, ssid,
  // devno; usb: bus, port.
  std::vector<unsigned long long> numbers;
  bool multifunction = false;  // pci only
};

// virsh's notation: the type (pci, scsi, ide, ccw, usb, sata), ':', then the numbers as strtoul
// reads them (hexadecimal for pci and ccw, decimal for the others), each followed by any one
// character; whatever follows the last number is ignored. std::nullopt when it is malformed.
std::optional<DiskAddress> ParseDiskAddress(const std::string& text);

// <address type='pci' domain='0x0000' .../>, <address type='drive' .../>, ...
xml::Node FormatDiskAddress(const DiskAddress& address);

}  // namespace virtckpt::conf
