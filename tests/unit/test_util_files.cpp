// util's descriptors and directories: UniqueFd closes what it owns exactly once, the listings
// agree, and a directory's contents go with everything in them.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <climits>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "temp_dir.hpp"
#include "util/directory.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"
#include "util/random_bytes.hpp"
#include "util/temp_file.hpp"
#include "util/unique_fd.hpp"

namespace {

using namespace virtckpt::util;
using virtckpt::test::TempDir;

bool IsOpen(int fd) { return fcntl(fd, F_GETFD) != -1; }

void Touch(const std::string& path) { std::ofstream(path) << "x"; }

std::vector<std::string> Sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("a UniqueFd closes its descriptor once, unless released") {
  int raw = open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(raw >= 0);
  {
    UniqueFd fd(raw);
    CHECK(fd);
    CHECK(fd.get() == raw);
    UniqueFd moved(std::move(fd));
    CHECK_FALSE(fd);  // moved from
    CHECK(moved.get() == raw);
    UniqueFd assigned;
    assigned = std::move(moved);
    CHECK(assigned.get() == raw);
    CHECK(IsOpen(raw));
  }
  CHECK_FALSE(IsOpen(raw));

  raw = open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(raw >= 0);
  {
    UniqueFd fd(raw);
    CHECK(fd.release() == raw);
    CHECK(fd.get() == -1);
  }
  CHECK(IsOpen(raw));
  UniqueFd(raw).reset();
  CHECK_FALSE(IsOpen(raw));

  UniqueFd failed(open("/nonexistent/file", O_RDONLY));
  CHECK_FALSE(failed);
}

TEST_CASE("directories are listed alike by both listings and removed with what is in them") {
  TempDir tmp;
  const std::string dir = tmp.path();
  Touch(dir + "/a");
  Touch(dir + "/b.xml");
  REQUIRE(mkdir((dir + "/sub").c_str(), 0700) == 0);
  Touch(dir + "/sub/c");
  REQUIRE(symlink("sub", (dir + "/link").c_str()) == 0);

  const std::vector<std::string> expected = {"a", "b.xml", "link", "sub"};
  CHECK(Sorted(ListDirectory(dir)) == expected);
  std::vector<std::string> visited;
  ForEachName(OpenDirectory(dir), dir, [&](std::string_view name) { visited.emplace_back(name); });
  CHECK(Sorted(visited) == expected);
  visited.clear();
  ForEachName(dir, [&](std::string_view name) { visited.emplace_back(name); });
  CHECK(Sorted(visited) == expected);

  CHECK(IsDirectory(dir + "/sub"));
  CHECK_FALSE(IsDirectory(dir + "/link"));  // a symlink to a directory
  CHECK_FALSE(IsDirectory(dir + "/a"));
  CHECK_FALSE(IsDirectory(dir + "/missing"));

  CHECK(ListDirectory(dir + "/missing").empty());
  visited.clear();
  ForEachName(dir + "/missing", [&](std::string_view name) { visited.emplace_back(name); });
  CHECK(visited.empty());
  try {
    OpenDirectory(dir + "/missing");
    FAIL("a missing directory opened");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) ==
          "Failed to open directory '" + dir + "/missing': No such file or directory");
  }

  CHECK(RemoveFile(dir + "/a"));
  CHECK_FALSE(RemoveFile(dir + "/a"));
  RemoveDirectoryContents(dir);
  CHECK(ListDirectory(dir).empty());
  CHECK(IsDirectory(dir));
}

TEST_CASE("whether a file opens for reading") {
  TempDir tmp;
  Touch(tmp.path() + "/f");
  CHECK(OpenForReadingError(tmp.path() + "/f") == 0);
  CHECK(OpenForReadingError(tmp.path()) == EISDIR);
  CHECK(OpenForReadingError(tmp.path() + "/missing") == ENOENT);
  CHECK(OpenForReadingError(tmp.path(), false) == 0);
}

TEST_CASE("a temporary file has a new name, mode 0600 and the contents") {
  TempDir tmp;
  std::string a = CreateTempFile(tmp.path(), "virtckpt", ".xml", "<a/>\n");
  std::string b = CreateTempFile(tmp.path(), "virtckpt", ".xml", "");
  CHECK(a != b);
  const std::string prefix = tmp.path() + "/virtckpt";
  REQUIRE(a.size() == prefix.size() + 6 + 4);
  CHECK(a.compare(0, prefix.size(), prefix) == 0);
  CHECK(a.compare(a.size() - 4, 4, ".xml") == 0);
  CHECK(ReadFile(a) == "<a/>\n");
  CHECK(ReadFile(b).empty());
  struct stat st;
  REQUIRE(stat(a.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  try {
    CreateTempFile(tmp.path() + "/missing", "virtckpt", ".xml", "x");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) ==
          "g_mkstemp_full: failed to create temporary file: No such file or directory");
  }
  CHECK(Sorted(ListDirectory(tmp.path())) ==
        Sorted({a.substr(tmp.path().size() + 1), b.substr(tmp.path().size() + 1)}));
}

TEST_CASE("the working directory is changed and read back") {
  TempDir tmp;
  int error = 0;
  std::optional<std::string> before = CurrentDirectory(&error);
  REQUIRE(before);
  CHECK(ChangeDirectory(tmp.path() + "/missing") == ENOENT);
  REQUIRE(ChangeDirectory(tmp.path()) == 0);
  std::optional<std::string> now = CurrentDirectory(&error);
  REQUIRE(ChangeDirectory(*before) == 0);
  REQUIRE(now);
  char real[PATH_MAX];
  REQUIRE(realpath(tmp.path().c_str(), real));
  CHECK(*now == real);
}

TEST_CASE("a block device is told from other files") {
  TempDir tmp;
  Touch(tmp.path() + "/f");
  CHECK_FALSE(IsBlockDevice(tmp.path() + "/f"));
  CHECK_FALSE(IsBlockDevice(tmp.path()));
  CHECK_FALSE(IsBlockDevice("/dev/null"));
  CHECK_FALSE(IsBlockDevice(tmp.path() + "/missing"));
}

TEST_CASE("random bytes are read") {
  unsigned char a[16] = {}, b[16] = {};
  REQUIRE(ReadRandomBytes(a, sizeof a));
  REQUIRE(ReadRandomBytes(b, sizeof b));
  CHECK_FALSE(std::equal(a, a + sizeof a, b));
}
