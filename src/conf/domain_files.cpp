#include "conf/domain_files.hpp"

namespace virtckpt::conf {

std::vector<DomainVolume> VolumesOf(const DomainDef& def) {
  std::vector<DomainVolume> volumes;
  for (const DomainDisk& disk : def.disks()) {
    const DiskSource& s = disk.source;
    for (const std::string* source : {&s.file, &s.dir, &s.name, &s.dev, &s.volume}) {
      if (source->empty()) continue;
      volumes.push_back({disk.target_dev, *source});
      break;
    }
  }
  return volumes;
}

std::optional<std::string> NvramFile(const DomainDef& def) {
  const xml::Node* os = def.node().FirstChild("os");
  if (!os || !os->FirstChild("nvram")) return std::nullopt;
  return os->ChildText("nvram");
}

bool HasEmulatedTpm(const DomainDef& def) {
  const xml::Node* devices = def.node().FirstChild("devices");
  if (!devices) return false;
  for (const xml::Node* tpm : devices->ChildElements("tpm")) {
    const xml::Node* backend = tpm->FirstChild("backend");
    if (backend && backend->Attribute("type") == "emulator") return true;
  }
  return false;
}

}  // namespace virtckpt::conf
