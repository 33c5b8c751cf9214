#include "conf/uuid.hpp"

#include <cstdio>

#include "util/error.hpp"
#include "util/random_bytes.hpp"

namespace virtckpt::conf {

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Format(const unsigned char (&b)[16]) {
  char out[37];
  snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
           b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
           b[14], b[15]);
  return out;
}

}  // namespace

std::optional<std::string> ParseUuid(const std::string& text) {
  unsigned char bytes[16] = {};
  size_t pos = 0;
  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  for (size_t i = 0; i < 16;) {
    if (pos >= text.size()) return std::nullopt;
    if (text[pos] == '-' || text[pos] == ' ') {
      ++pos;
      continue;
    }
    int high = HexValue(text[pos]);
    int low = pos + 1 < text.size() ? HexValue(text[pos + 1]) : -1;
    if (high < 0 || low < 0) return std::nullopt;
    bytes[i++] = static_cast<unsigned char>(high * 16 + low);
    pos += 2;
  }
  for (; pos < text.size(); ++pos) {
    if (!IsSpace(text[pos])) return std::nullopt;
  }
  return Format(bytes);
}

std::string RandomUuid() {
  unsigned char b[16] = {};
  if (!util::ReadRandomBytes(b, sizeof b)) {
    throw util::Error(util::ErrorCode::InternalError, "cannot read /dev/urandom for a uuid");
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  return Format(b);
}

}  // namespace virtckpt::conf
