// The first facts about a disk image: its format (qcow2 or raw) and virtual size, read from
// the qcow2 header or the file size. Never writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace virtckpt::qcow2 {

struct ImageFacts {
  std::string format;  // "qcow2" or "raw"
  uint64_t virtual_size = 0;
};

// nullopt when the path cannot be opened or is not a regular file.
std::optional<ImageFacts> ProbeImage(const std::string& path);

}  // namespace virtckpt::qcow2
