// util::JsonQuote and util::JsonWriter: what every --json output is made of.
#include <catch2/catch.hpp>

#include "util/json.hpp"

using virtckpt::util::JsonQuote;
using virtckpt::util::JsonWriter;

TEST_CASE("JsonQuote escapes quotes, backslashes and every control character", "[json]") {
  CHECK(JsonQuote("") == "\"\"");
  CHECK(JsonQuote("a\"b\\c/d") == "\"a\\\"b\\\\c/d\"");
  CHECK(JsonQuote("\n\r\t") == "\"\\n\\r\\t\"");
  CHECK(JsonQuote(std::string("\x00\x01\x08\x0c\x1f", 5)) ==
        "\"\\u0000\\u0001\\u0008\\u000c\\u001f\"");
  // DEL and everything printable above it are not control characters in JSON.
  CHECK(JsonQuote("\x7f~ ") == "\"\x7f~ \"");
}

TEST_CASE("JsonQuote keeps well-formed UTF-8 as it is", "[json]") {
  for (const char* text :
       {"caf\xc3\xa9", "\xe2\x98\x83", "\xf0\x9f\x98\x80", "\xef\xbf\xbd", "\xed\x9f\xbf",
        "\xf4\x8f\xbf\xbf", "\xe0\xa0\x80", "\xf0\x90\x80\x80"}) {
    CHECK(JsonQuote(text) == std::string("\"") + text + "\"");
  }
}

TEST_CASE("JsonQuote replaces each byte that is not UTF-8 with U+FFFD", "[json]") {
  const std::string fffd = "\xef\xbf\xbd";
  CHECK(JsonQuote("bad\xff") == "\"bad" + fffd + "\"");
  CHECK(JsonQuote("\x80x") == "\"" + fffd + "x\"");                      // lone continuation
  CHECK(JsonQuote("\xc3") == "\"" + fffd + "\"");                        // cut short
  CHECK(JsonQuote("\xc3(") == "\"" + fffd + "(\"");                      // bad continuation
  CHECK(JsonQuote("\xc0\xaf") == "\"" + fffd + fffd + "\"");             // overlong '/'
  CHECK(JsonQuote("\xe0\x80\xaf") == "\"" + fffd + fffd + fffd + "\"");  // overlong
  CHECK(JsonQuote("\xed\xa0\x80") == "\"" + fffd + fffd + fffd + "\"");  // surrogate
  CHECK(JsonQuote("\xf4\x90\x80\x80") == "\"" + fffd + fffd + fffd + fffd + "\"");  // > 10FFFF
  CHECK(JsonQuote("\xf5\x80") == "\"" + fffd + fffd + "\"");
}

TEST_CASE("JsonWriter places commas and writes numbers, booleans and null", "[json]") {
  JsonWriter json;
  json.BeginObject()
      .Key("a")
      .Number(-1)
      .Key("b")
      .Unsigned(18446744073709551615ull)
      .Key("c")
      .BeginArray()
      .Bool(true)
      .Bool(false)
      .Null()
      .BeginObject()
      .EndObject()
      .EndArray()
      .Key("d")
      .StringOrNull("")
      .Key("e")
      .StringOrNull("x")
      .EndObject();
  CHECK(json.str() ==
        "{\"a\":-1,\"b\":18446744073709551615,\"c\":[true,false,null,{}],\"d\":null,\"e\":\"x\"}");
}
