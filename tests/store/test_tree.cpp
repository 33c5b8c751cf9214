// The in-memory structures under every listing: the name table (rows by name), the checkpoint
// tree (children in libvirt's order, roots, orphans, parent cycles of hand-made files) and the
// large arrays they live in.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/checkpoint_tree.hpp"
#include "store/records.hpp"
#include "util/large_alloc.hpp"
#include "util/name_table.hpp"

namespace {

using virtckpt::store::CheckpointSummaries;
using virtckpt::store::CheckpointSummary;
using virtckpt::store::CheckpointTree;
using virtckpt::util::NameTable;

std::string Names(const std::vector<const CheckpointSummary*>& list) {
  std::string out;
  for (const CheckpointSummary* c : list) out += (out.empty() ? "" : " ") + c->name;
  return out;
}

std::string Names(CheckpointTree::Span span) {
  return Names(std::vector<const CheckpointSummary*>(span.begin(), span.end()));
}

// Rows "name<parent@link_seq" in storage order.
CheckpointSummaries Rows(const std::vector<std::string>& specs) {
  CheckpointSummaries rows;
  for (const std::string& spec : specs) {
    CheckpointSummary s;
    size_t at = spec.find('@');
    size_t lt = spec.find('<');
    s.name = spec.substr(0, std::min(lt, at));
    if (lt != std::string::npos) s.parent = spec.substr(lt + 1, at - lt - 1);
    s.link_seq = std::stoull(spec.substr(at + 1));
    rows.push_back(s);
  }
  return rows;
}

}  // namespace

TEST_CASE("the name table agrees with a map through inserts, erases and renumbering",
          "[name-table]") {
  std::vector<std::string> names;
  std::map<std::string, uint32_t> truth;
  NameTable table([&names](uint32_t row) -> std::string_view { return names[row]; });
  table.Reset(4);  // small, so that it grows and probe runs wrap around
  std::mt19937 random(7);
  for (int step = 0; step < 20000; ++step) {
    int what = static_cast<int>(random() % 3);
    if (what < 2 || names.empty()) {
      std::string name = "n" + std::to_string(random() % 3000);
      if (truth.count(name)) continue;
      names.push_back(name);
      table.Insert(static_cast<uint32_t>(names.size() - 1));
      truth[name] = static_cast<uint32_t>(names.size() - 1);
    } else {
      // Remove a row by moving the last row into its place, as the store does.
      uint32_t row = static_cast<uint32_t>(random() % names.size());
      uint32_t last = static_cast<uint32_t>(names.size() - 1);
      table.Erase(names[row]);
      truth.erase(names[row]);
      if (row != last) {
        table.Renumber(names[last], row);
        truth[names[last]] = row;
        names[row] = names[last];
      }
      names.pop_back();
    }
  }
  REQUIRE(table.size() == truth.size());
  for (const auto& [name, row] : truth) {
    INFO(name);
    REQUIRE(table.Find(name) == row);
  }
  for (int i = 0; i < 3000; ++i) {
    std::string name = "n" + std::to_string(i);
    REQUIRE(table.Find(name).has_value() == (truth.count(name) == 1));
  }
  REQUIRE(!table.Find("").has_value());
}

TEST_CASE("an empty name table finds nothing and erases nothing", "[name-table]") {
  NameTable table([](uint32_t) -> std::string_view { return "x"; });
  REQUIRE(!table.Find("x").has_value());
  table.Erase("x");
  table.Renumber("x", 3);
  REQUIRE(table.size() == 0);
}

TEST_CASE("children are listed newest link first, ties by name", "[tree]") {
  auto rows = Rows({"r@1", "a<r@2", "c<r@5", "b<r@5", "d<a@6", "s@7"});
  CheckpointTree tree(rows);
  REQUIRE(tree.size() == 6);
  REQUIRE(Names(tree.Roots()) == "s r");
  REQUIRE(Names(tree.Children("r")) == "b c a");
  REQUIRE(Names(tree.Children("a")) == "d");
  REQUIRE(tree.Children("d").empty());
  REQUIRE(tree.Children("missing").empty());
  REQUIRE(Names(tree.Topological()) == "s r b c a d");
  REQUIRE(Names(tree.Descendants("r")) == "b c a d");
  REQUIRE(tree.CountDescendants("r") == 4);
  REQUIRE(tree.CountDescendants("") == 6);
  REQUIRE(Names(tree.PathToRoot("d")) == "d a r");
  REQUIRE(tree.ParentOf("d") == "a");
  REQUIRE(tree.ParentOf("r").empty());
  REQUIRE(tree.IsAncestor("r", "d"));
  REQUIRE(!tree.IsAncestor("d", "r"));
  REQUIRE(!tree.IsAncestor("s", "d"));
  REQUIRE(tree.MaxLinkSeq() == 7);
  REQUIRE(tree.Find("c") == &rows[2]);
  REQUIRE(tree.Find("zz") == nullptr);
}

TEST_CASE("a checkpoint whose parent is missing is a root", "[tree]") {
  auto rows = Rows({"a<gone@1", "b<a@2", "c@3"});
  CheckpointTree tree(rows);
  REQUIRE(Names(tree.Roots()) == "c a");
  REQUIRE(tree.ParentOf("a").empty());
  REQUIRE(Names(tree.PathToRoot("b")) == "b a");
}

TEST_CASE("a parent cycle no root reaches is broken at its first row", "[tree]") {
  // x -> y -> z -> x, w hangs below z, and a self-parented q; r is an ordinary root.
  auto rows = Rows({"r@1", "y<x@2", "z<y@3", "x<z@4", "w<z@5", "q<q@6"});
  CheckpointTree tree(rows);
  REQUIRE(Names(tree.Roots()) == "q y r");
  REQUIRE(tree.ParentOf("y").empty());
  REQUIRE(Names(tree.Descendants("y")) == "z w x");
  REQUIRE(Names(tree.Topological()) == "q y z w x r");
  REQUIRE(tree.CountDescendants("") == 6);
  REQUIRE(Names(tree.PathToRoot("x")) == "x z y");
}

TEST_CASE("a long chain is walked without recursion", "[tree]") {
  std::vector<std::string> specs = {"c0@0"};
  for (int i = 1; i < 200000; ++i) {
    specs.push_back("c" + std::to_string(i) + "<c" + std::to_string(i - 1) + "@" +
                    std::to_string(i));
  }
  auto rows = Rows(specs);
  CheckpointTree tree(rows);
  REQUIRE(tree.CountDescendants("c0") == 199999);
  REQUIRE(tree.PathToRoot("c199999").size() == 200000);
  REQUIRE(tree.Topological().back()->name == "c199999");
}

TEST_CASE("large arrays hold what is put in them, on their own huge-page-aligned mapping",
          "[large-alloc]") {
  virtckpt::util::LargeVector<uint64_t> big;
  for (uint64_t i = 0; i < 300000; ++i) big.push_back(i * 7);  // grows through the threshold
  uint64_t sum = 0;
  for (uint64_t v : big) sum += v;
  REQUIRE(sum == 7 * (300000ull * 299999ull / 2));
#if !defined(__SANITIZE_ADDRESS__)
  REQUIRE(reinterpret_cast<uintptr_t>(big.data()) % (2u << 20) == 0);
#endif
  virtckpt::util::LargeText text(5u << 20, 'x');
  text += "end";
  REQUIRE(text.size() == (5u << 20) + 3);
  REQUIRE(text.compare(text.size() - 4, 4, "xend") == 0);
  virtckpt::util::LargeVector<uint32_t> small(10, 3);  // from the heap
  REQUIRE(small[9] == 3);
}
