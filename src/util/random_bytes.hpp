// Random bytes from the kernel.
#pragma once

#include <cstddef>

namespace virtckpt::util {

// Fills `out` with `size` bytes read from /dev/urandom; false when they cannot be read.
bool ReadRandomBytes(unsigned char* out, size_t size);

}  // namespace virtckpt::util
