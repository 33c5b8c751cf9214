#include <catch2/catch.hpp>

#include "backup/reason.hpp"
#include "store/records.hpp"
#include "util/enum_names.hpp"

namespace {

using virtckpt::util::EnumNames;

enum class Colour { Red, Green, Blue };

constexpr EnumNames<Colour, 3> kColours{{{
    {Colour::Red, "red"},
    {Colour::Green, nullptr},
    {Colour::Blue, "blue"},
}}};
static_assert(kColours.Covers(Colour::Blue));

constexpr EnumNames<Colour, 2> kShort{{{{Colour::Red, "red"}, {Colour::Green, "green"}}}};
static_assert(!kShort.Covers(Colour::Blue));

constexpr EnumNames<Colour, 3> kOutOfOrder{{{
    {Colour::Green, "green"},
    {Colour::Red, "red"},
    {Colour::Blue, "blue"},
}}};
static_assert(!kOutOfOrder.Covers(Colour::Blue));

}  // namespace

TEST_CASE("an enum name table is used both ways") {
  CHECK(std::string(kColours.Name(Colour::Blue)) == "blue");
  CHECK(kColours.Value("red") == Colour::Red);
  CHECK(kColours.Value("blue") == Colour::Blue);
  CHECK_FALSE(kColours.Value("Blue").has_value());
  CHECK_FALSE(kColours.Value("").has_value());
  CHECK(kColours.Name(Colour::Green) == nullptr);
}

TEST_CASE("every name of the store's and the walker's tables reads back as its value") {
  using virtckpt::store::CheckpointState;
  for (auto state : {CheckpointState::Committed, CheckpointState::Pending}) {
    CHECK(virtckpt::store::CheckpointStateFromString(
              virtckpt::store::CheckpointStateToString(state)) == state);
  }
  for (int i = 0; i <= static_cast<int>(virtckpt::backup::kLastReason); ++i) {
    auto reason = static_cast<virtckpt::backup::Reason>(i);
    CHECK(virtckpt::backup::ReasonFromString(virtckpt::backup::ReasonToString(reason)) == reason);
  }
  CHECK(std::string(virtckpt::backup::ReasonToString(virtckpt::backup::Reason::ChainGap)) ==
        "chain_gap");
}
