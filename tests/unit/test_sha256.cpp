// util::Sha256 against the FIPS 180-4 examples and coreutils' sha256sum, whole and in pieces.
#include <stdio.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <fstream>
#include <string>

#include "temp_dir.hpp"
#include "util/sha256.hpp"

namespace {

using virtckpt::test::TempDir;
using virtckpt::util::Sha256;
using virtckpt::util::Sha256Hex;

constexpr size_t kPatternSize = 200;

// Starts with a NUL byte and has bytes above 0x7f.
std::string Pattern(size_t size) {
  std::string pattern;
  for (size_t i = 0; i < size; ++i) pattern += static_cast<char>(i * 7);
  return pattern;
}

std::string ShellQuote(const std::string& word) {
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string Sha256sumOf(const std::string& path) {
  std::string command = "sha256sum < " + ShellQuote(path);
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[256];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
  INFO(command << " printed: " << output);
  REQUIRE(pclose(pipe) == 0);
  REQUIRE(output.size() >= 64);
  return output.substr(0, 64);
}

TEST_CASE("Sha256Hex gives the FIPS 180-4 example digests") {
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(Sha256Hex(
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklm"
            "nopqrlmnopqrsmnopqrstnopqrstu") ==
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  CHECK(Sha256Hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("Sha256Hex agrees with sha256sum on every length from 0 to 200") {
  TempDir dir;
  std::string path = dir.path() + "/data";
  std::string pattern = Pattern(kPatternSize);
  for (size_t size = 0; size <= kPatternSize; ++size) {
    std::string data = pattern.substr(0, size);
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << data;
      REQUIRE(out.good());
    }
    INFO("size " << size);
    CHECK(Sha256Hex(data) == Sha256sumOf(path));
  }
}

TEST_CASE("Sha256 updated in two pieces, split at every offset, gives the whole digest") {
  std::string data = Pattern(kPatternSize);
  std::string expected = Sha256Hex(data);
  for (size_t split = 0; split <= data.size(); ++split) {
    Sha256 sha;
    sha.Update(std::string_view(data).substr(0, split));
    sha.Update(std::string_view(data).substr(split));
    INFO("split at " << split);
    CHECK(sha.HexDigest() == expected);
  }
}

TEST_CASE("Sha256 takes empty updates, null ones included, as nothing") {
  Sha256 sha;
  sha.Update("ab");
  sha.Update(std::string_view());
  sha.Update("");
  sha.Update("c");
  sha.Update(std::string_view());
  CHECK(sha.HexDigest() == Sha256Hex("abc"));
}

TEST_CASE("Sha256 updated byte by byte gives the whole digest at every length") {
  std::string data = Pattern(kPatternSize);
  Sha256 sha;
  for (size_t size = 0; size <= data.size(); ++size) {
    INFO("size " << size);
    CHECK(sha.HexDigest() == Sha256Hex(data.substr(0, size)));
    if (size < data.size()) sha.Update(data.substr(size, 1));
  }
}

}  // namespace
