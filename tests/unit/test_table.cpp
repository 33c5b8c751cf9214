// virsh's vshTable: what a cell shows and how wide it is (as virsh in a UTF-8 locale).
#include <catch2/catch.hpp>

#include "cli/table.hpp"
#include "cli/table_cell.hpp"

namespace {

using virtckpt::cli::AppendTableCell;
using virtckpt::cli::Table;

std::pair<std::string, size_t> Shown(const std::string& raw) {
  std::string out;
  size_t width = AppendTableCell(raw, &out);
  return {out, width};
}

}  // namespace

TEST_CASE("table cell: printable ASCII as it is") {
  CHECK(Shown("nightly-backup") == std::pair<std::string, size_t>("nightly-backup", 14));
  CHECK(Shown("") == std::pair<std::string, size_t>("", 0));
}

TEST_CASE("table cell: control characters and a literal \\x become \\xNN") {
  CHECK(Shown("a\tb") == std::pair<std::string, size_t>("a\\x09b", 6));
  CHECK(Shown("\x1b[31m") == std::pair<std::string, size_t>("\\x1b[31m", 8));
  CHECK(Shown("\x7f") == std::pair<std::string, size_t>("\\x7f", 4));
  CHECK(Shown("\\x41") == std::pair<std::string, size_t>("\\x5cx41", 7));
  CHECK(Shown("a\\b") == std::pair<std::string, size_t>("a\\b", 3));
}

TEST_CASE("table cell: UTF-8 by the columns it takes") {
  CHECK(Shown("caf\xc3\xa9") == std::pair<std::string, size_t>("caf\xc3\xa9", 4));
  CHECK(Shown("\xe6\x97\xa5\xe6\x9c\xac") ==
        std::pair<std::string, size_t>("\xe6\x97\xa5\xe6\x9c\xac", 4));
  CHECK(Shown("e\xcc\x81") == std::pair<std::string, size_t>("e\xcc\x81", 1));  // combining acute
  CHECK(Shown("\xc2\x85") == std::pair<std::string, size_t>("\\xc2\\x85", 8));  // C1 control
}

TEST_CASE("table cell: bytes that are not UTF-8 become \\xNN") {
  CHECK(Shown("a\xff") == std::pair<std::string, size_t>("a\\xff", 5));
  CHECK(Shown("\xc3") == std::pair<std::string, size_t>("\\xc3", 4));
  CHECK(Shown("\xc0\xaf") == std::pair<std::string, size_t>("\\xc0\\xaf", 8));  // overlong '/'
}

TEST_CASE("table: columns padded by width, not bytes") {
  Table table({"Name", "Owner", "X"});
  table.AddRow({"c1", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "1"});
  table.AddRow({"c2", "ops", "2"});
  CHECK(table.Format(false) ==
        " Name   Owner    X\n"
        "--------------------\n"
        " c1     \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e   1\n"
        " c2     ops      2\n");
}
