// Small string helpers shared by every layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace virtckpt::util {

std::vector<std::string> Split(const std::string& s, char sep);
bool StartsWith(const std::string& s, const std::string& prefix);
// Parses a decimal unsigned 64-bit number with nothing else around it.
std::optional<uint64_t> ParseUint64(const std::string& s);
// Case-insensitive ASCII comparison, as virsh's vshStrcasecmp (strcasecmp) orders names.
int CompareCaseInsensitive(const std::string& a, const std::string& b);

}  // namespace virtckpt::util
