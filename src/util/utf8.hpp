// Well-formed UTF-8 (RFC 3629), byte by byte.
#pragma once

#include <cstddef>
#include <string>

namespace virtckpt::util {

// The length of the well-formed UTF-8 sequence at text[i] (no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0 when the bytes there are not one.
size_t Utf8SequenceLength(const std::string& text, size_t i);

// Whether text is well-formed UTF-8 without C0 or C1 control characters or DEL: text that an
// XML attribute keeps as it is and a terminal shows as it is.
bool IsPrintableUtf8(const std::string& text);

}  // namespace virtckpt::util
