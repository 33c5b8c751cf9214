// Wall-clock time and virsh's timestamp format.
#pragma once

#include <cstdint>
#include <string>

namespace virtckpt::util {

int64_t NowSeconds();
// "%Y-%m-%d %H:%M:%S %z" in local time, as virsh prints a creation time.
std::string FormatLocalTime(int64_t seconds);

}  // namespace virtckpt::util
