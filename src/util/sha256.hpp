// SHA-256 (FIPS 180-4).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace virtckpt::util {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  // The digest of everything passed to Update so far, as 64 lower-case hex digits; the object is
  // left as it was, so that Update can go on.
  std::string HexDigest() const;

 private:
  static constexpr size_t kBlockSize = 64;

  void Compress(const unsigned char* block);

  std::array<uint32_t, 8> state_;
  std::array<unsigned char, kBlockSize> pending_{};
  size_t pending_size_ = 0;
  uint64_t total_size_ = 0;
};

// SHA-256 of `data` (FIPS 180-4), as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace virtckpt::util
