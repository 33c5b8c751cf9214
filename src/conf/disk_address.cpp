#include "conf/disk_address.hpp"

#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace virtckpt::conf {

namespace {

struct AddressSyntax {
  DiskAddressType type;
  const char* name;
  int base;
  size_t count;
  bool last_is_64bit;  // the drive unit
};

constexpr std::array<AddressSyntax, 6> kSyntax = {{
    {DiskAddressType::Pci, "pci", 16, 4, false},
    {DiskAddressType::Scsi, "scsi", 10, 3, true},
    {DiskAddressType::Ide, "ide", 10, 3, true},
    {DiskAddressType::Ccw, "ccw", 16, 3, false},
    {DiskAddressType::Usb, "usb", 10, 2, false},
    {DiskAddressType::Sata, "sata", 10, 3, true},
}};

// strtoull at `p` with libvirt's rules for unsigned numbers: at least one digit, no minus sign,
// no overflow of `max`. Advances `p` past the number.
std::optional<unsigned long long> ReadNumber(const char*& p, int base, unsigned long long max) {
  char* end = nullptr;
  errno = 0;
  unsigned long long value = std::strtoull(p, &end, base);
  if (end == p || errno != 0 || std::memchr(p, '-', static_cast<size_t>(end - p)) != nullptr ||
      value > max) {
    return std::nullopt;
  }
  p = end;
  return value;
}

std::string Format(const char* format, unsigned long long value) {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

}  // namespace

std::optional<DiskAddress> ParseDiskAddress(const std::string& text) {
  size_t colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  const std::string type = text.substr(0, colon);
  for (const AddressSyntax& syntax : kSyntax) {
    if (type != syntax.name) continue;
    DiskAddress address;
    address.type = syntax.type;
    const char* p = text.c_str() + colon;
    for (size_t i = 0; i < syntax.count; ++i) {
      // The separator before each number may be any character, but not the end of the text.
      if (*p == '\0') return std::nullopt;
      ++p;
      bool wide = syntax.last_is_64bit && i + 1 == syntax.count;
      auto number = ReadNumber(p, syntax.base, wide ? ULLONG_MAX : UINT_MAX);
      if (!number) return std::nullopt;
      address.numbers.push_back(*number);
    }
    return address;
  }
  return std::nullopt;
}

xml::Node FormatDiskAddress(const DiskAddress& address) {
  xml::Node node = xml::Node::Element("address");
  const std::vector<unsigned long long>& n = address.numbers;
  switch (address.type) {
    case DiskAddressType::Pci:
      node.SetAttribute("type", "pci")
          .SetAttribute("domain", Format("0x%04llx", n[0]))
          .SetAttribute("bus", Format("0x%02llx", n[1]))
          .SetAttribute("slot", Format("0x%02llx", n[2]))
          .SetAttribute("function", Format("0x%llx", n[3]));
      if (address.multifunction) node.SetAttribute("multifunction", "on");
      break;
    case DiskAddressType::Scsi:
    case DiskAddressType::Ide:
    case DiskAddressType::Sata:
      node.SetAttribute("type", "drive")
          .SetAttribute("controller", std::to_string(n[0]))
          .SetAttribute("bus", std::to_string(n[1]))
          .SetAttribute("unit", std::to_string(n[2]));
      break;
    case DiskAddressType::Ccw:
      node.SetAttribute("type", "ccw")
          .SetAttribute("cssid", Format("0x%02llx", n[0]))
          .SetAttribute("ssid", Format("0x%llx", n[1]))
          .SetAttribute("devno", Format("0x%04llx", n[2]));
      break;
    case DiskAddressType::Usb:
      node.SetAttribute("type", "usb")
          .SetAttribute("bus", std::to_string(n[0]))
          .SetAttribute("port", std::to_string(n[1]));
      break;
  }
  return node;
}

}  // namespace virtckpt::conf
