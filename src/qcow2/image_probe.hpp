// The first facts about a disk image: its format (qcow2 or raw) and virtual size, read from
// the qcow2 header or the file size. Never writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "conf/domain_def.hpp"

namespace virtckpt::qcow2 {

struct ImageFacts {
  std::string format;  // "qcow2", or "raw" for anything without the qcow2 magic
  uint64_t virtual_size = 0;
};

// nullopt when the path cannot be opened or is neither a regular file nor a block device.
std::optional<ImageFacts> ProbeImage(const std::string& path);

// The image of a disk as this host sees it: its file or block device. nullopt when there is
// none here (an empty drive, a network or volume source) or it cannot be read.
std::optional<ImageFacts> ProbeDiskImage(const conf::DomainDisk& disk);

// The format the disk's driver type says, as qemu reads it: no type means raw.
std::string DeclaredFormat(const conf::DomainDisk& disk);

// Whether the probe can tell the declared format from the image (qcow2 and raw only).
bool CanCheckFormat(const conf::DomainDisk& disk);

// Whether the image is in the format the driver type says: only then is its virtual size the
// disk's. A format the probe cannot tell (qed, vmdk, ...) never matches.
bool IsDeclaredFormat(const ImageFacts& facts, const conf::DomainDisk& disk);

}  // namespace virtckpt::qcow2
