#include "util/utf8.hpp"

namespace virtckpt::util {

size_t Utf8SequenceLength(const std::string& text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  size_t length = lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf5 ? 4 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  // The range of the second byte depends on the lead byte; the others are 0x80..0xbf.
  unsigned char low = lead == 0xe0 ? 0xa0 : lead == 0xf0 ? 0x90 : 0x80;
  unsigned char high = lead == 0xed ? 0x9f : lead == 0xf4 ? 0x8f : 0xbf;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  }
  return length;
}

bool IsPrintableUtf8(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c < 0x80) continue;
    size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
    // C1 controls, U+0080..U+009F: 0xc2 0x80..0x9f.
    if (c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0) return false;
    i += length - 1;
  }
  return true;
}

}  // namespace virtckpt::util
