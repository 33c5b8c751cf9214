#include "cli/table_cell.hpp"

#include <locale.h>
#include <wchar.h>

#include <cstdio>

namespace virtckpt::cli {

namespace {

bool PlainAscii(std::string_view raw) {
  for (size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c < 0x20 || c > 0x7e) return false;
    if (c == '\\' && i + 1 < raw.size() && raw[i + 1] == 'x') return false;
  }
  return true;
}

// Returns the width of what it appends.
size_t AppendEscaped(unsigned char byte, std::string* out) {
  char hex[5];
  std::snprintf(hex, sizeof hex, "\\x%02x", byte);
  *out += hex;
  return 4;
}

// The code point of the UTF-8 sequence at raw[i] and its length, or length 0 when the bytes
// there are no (shortest-form) UTF-8.
size_t DecodeUtf8(std::string_view raw, size_t i, char32_t* code) {
  unsigned char lead = static_cast<unsigned char>(raw[i]);
  size_t length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
  if (length == 0 || lead > 0xf4 || i + length > raw.size()) return 0;
  char32_t value = lead & (0x3f >> (length - 1));
  for (size_t k = 1; k < length; ++k) {
    unsigned char next = static_cast<unsigned char>(raw[i + k]);
    if ((next & 0xc0) != 0x80) return 0;
    value = (value << 6) | (next & 0x3f);
  }
  static const char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kSmallest[length] || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
    return 0;
  }
  *code = value;
  return length;
}

// The columns a character takes on a terminal, or -1 when it cannot be printed: the C library's
// answer in its UTF-8 locale.
int CharacterWidth(char32_t code) {
  static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  if (!utf8) return code < 0xa0 ? -1 : 1;
  locale_t previous = uselocale(utf8);
  int width = wcwidth(static_cast<wchar_t>(code));
  uselocale(previous);
  return width;
}

}  // namespace

size_t AppendTableCell(std::string_view raw, std::string* out) {
  if (PlainAscii(raw)) {
    *out += raw;
    return raw.size();
  }
  size_t width = 0;
  for (size_t i = 0; i < raw.size();) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c < 0x20 || c == 0x7f || (c == '\\' && i + 1 < raw.size() && raw[i + 1] == 'x')) {
      width += AppendEscaped(c, out);
      ++i;
      continue;
    }
    if (c < 0x80) {
      *out += raw[i];
      ++width;
      ++i;
      continue;
    }
    char32_t code = 0;
    size_t length = DecodeUtf8(raw, i, &code);
    int shown = length ? CharacterWidth(code) : -1;
    if (length == 0) length = 1;
    if (shown < 0) {
      for (size_t k = 0; k < length; ++k) {
        width += AppendEscaped(static_cast<unsigned char>(raw[i + k]), out);
      }
    } else {
      out->append(raw.substr(i, length));
      width += static_cast<size_t>(shown);
    }
    i += length;
  }
  return width;
}

}  // namespace virtckpt::cli
