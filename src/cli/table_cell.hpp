// A table cell as virsh's vshTable shows it (in a UTF-8 locale): control characters, bytes that
// are not UTF-8, characters that cannot be printed, and the text "\x" itself appear as "\xNN";
// the width is what a terminal shows (a wide character counts two, a combining one none).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace virtckpt::cli {

// Appends the cell as shown to `out`; returns its width.
size_t AppendTableCell(std::string_view raw, std::string* out);

}  // namespace virtckpt::cli
