// Hostile XML: every input here must fail fast with a clear Error, never expand an entity, read
// a file or touch the network. Messages of libxml2 errors are the ones virsh 9.0 prints for the
// same file (checked by hand with `virsh -c test:///default checkpoint-create test FILE`).
#include <catch2/catch.hpp>
#include <string>

#include "conf/checkpoint_def.hpp"
#include "conf/domain_def.hpp"
#include "test_support.hpp"
#include "util/error.hpp"
#include "xml/document.hpp"
#include "xml/writer.hpp"

namespace {

using virtckpt::conf::ParseCheckpoint;
using virtckpt::util::Error;
using virtckpt::util::ErrorCategory;
using virtckpt::xml::Document;
using virtckpt::xml::ParseOptions;

struct Failure {
  ErrorCategory code;
  std::string message;
};

// Parses as `checkpoint-create` does (safe parse, root check, schema) and returns the error.
template <typename Fn>
Failure FailureOf(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    return {e.category(), e.what()};
  }
  FAIL("no error was thrown");
  return {ErrorCategory::Internal, ""};
}

Failure CheckpointFailure(const std::string& text) {
  return FailureOf([&] { ParseCheckpoint(text, 0); });
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

const char kDoctypeRejected[] = ": DOCTYPE declarations are not allowed (no DTDs, no entities)";

}  // namespace

TEST_CASE("billion laughs is rejected at its DOCTYPE", "[hostile]") {
  std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n";
  std::string previous = "lol";
  for (int i = 1; i <= 9; ++i) {
    std::string name = "lol" + std::to_string(i);
    doc += " <!ENTITY " + name + " \"" + Repeat("&" + previous + ";", 10) + "\">\n";
    previous = name;
  }
  doc += "]>\n<domaincheckpoint><description>&lol9;</description></domaincheckpoint>\n";
  Failure f = CheckpointFailure(doc);
  CHECK(f.code == ErrorCategory::XmlSyntax);
  CHECK(f.message == std::string("(domain_checkpoint):2") + kDoctypeRejected);
  // The same through the plain parser, with its default source name.
  CHECK(FailureOf([&] { Document::Parse(doc); }).message ==
        std::string("(inline):2") + kDoctypeRejected);
}

TEST_CASE("external entities are never resolved", "[hostile]") {
  SECTION("general entity on file:///etc/passwd") {
    std::string doc =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE domaincheckpoint [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
        "<domaincheckpoint><description>&xxe;</description></domaincheckpoint>\n";
    Failure f = CheckpointFailure(doc);
    CHECK(f.code == ErrorCategory::XmlSyntax);
    CHECK(f.message == std::string("(domain_checkpoint):2") + kDoctypeRejected);
  }
  SECTION("external DTD subset") {
    Failure f = CheckpointFailure(
        "<!DOCTYPE domaincheckpoint SYSTEM \"file:///etc/passwd\">\n<domaincheckpoint/>\n");
    CHECK(f.message == std::string("(domain_checkpoint):1") + kDoctypeRejected);
  }
  SECTION("parameter entity from the network") {
    Failure f = CheckpointFailure(
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE x [ <!ENTITY % pe SYSTEM \"http://127.0.0.1:9/evil.dtd\"> %pe; ]>\n"
        "<domaincheckpoint/>\n");
    CHECK(f.message == std::string("(domain_checkpoint):2") + kDoctypeRejected);
  }
  SECTION("a harmless DOCTYPE is rejected too") {
    Failure f = CheckpointFailure("<!DOCTYPE domaincheckpoint>\n<domaincheckpoint/>\n");
    CHECK(f.message == std::string("(domain_checkpoint):1") + kDoctypeRejected);
  }
  SECTION("an entity reference without a DOCTYPE is undefined") {
    Failure f = CheckpointFailure(
        "<domaincheckpoint>\n  <description>&xxe;</description>\n</domaincheckpoint>\n");
    CHECK(f.code == ErrorCategory::XmlSyntax);
    CHECK(f.message ==
          "(domain_checkpoint):2: Entity 'xxe' not defined\n"
          "  <description>&xxe;</description>\n"
          "--------------------^");
  }
  SECTION("XInclude is not processed") {
    std::string doc =
        "<domaincheckpoint xmlns:xi=\"http://www.w3.org/2001/XInclude\"><description>"
        "<xi:include href=\"file:///etc/passwd\" parse=\"text\"/></description>"
        "</domaincheckpoint>\n";
    virtckpt::xml::Node root = Document::Parse(doc).Root();
    const virtckpt::xml::Node* description = root.FirstChild("description");
    REQUIRE(description);
    REQUIRE(description->ChildElements().size() == 1);
    CHECK(description->ChildElements()[0]->name() == "xi:include");
    CHECK(description->TextContent().empty());
    Failure f = CheckpointFailure(doc);
    CHECK(f.code == ErrorCategory::SchemaInvalid);
    CHECK(f.message.find("root:") == std::string::npos);
    CHECK(f.message.find("Extra element description in interleave\n") != std::string::npos);
  }
}

TEST_CASE("documents over the size limit are refused before parsing", "[hostile]") {
  SECTION("100 MB") {
    std::string doc = "<domaincheckpoint><description>" + std::string(100u << 20, 'x') +
                      "</description></domaincheckpoint>\n";
    Failure f = CheckpointFailure(doc);
    CHECK(f.code == ErrorCategory::XmlSyntax);
    CHECK(f.message == "(domain_checkpoint): document of " + std::to_string(doc.size()) +
                           " bytes exceeds the limit of 16777216 bytes");
  }
  SECTION("one byte over a custom limit; exactly at it is fine") {
    ParseOptions options;
    options.max_bytes = 20;
    CHECK(FailureOf([&] { Document::Parse("<a>0123456789ab</a>\n ", options); }).message ==
          "(inline): document of 21 bytes exceeds the limit of 20 bytes");
    CHECK(Document::Parse("<a>0123456789ab</a>\n", options).RootName() == "a");
  }
  SECTION("a 12 MB description under the limit parses and formats back") {
    std::string text(12u << 20, 'y');
    virtckpt::conf::CheckpointDef def =
        ParseCheckpoint("<domaincheckpoint><name>big</name><description>" + text +
                            "</description><creationTime>1</creationTime></domaincheckpoint>",
                        virtckpt::conf::kParseRedefine);
    CHECK(def.description == text);
    CHECK(virtckpt::conf::FormatCheckpoint(def, 0) ==
          "<domaincheckpoint>\n  <name>big</name>\n  <description>" + text +
              "</description>\n  <creationTime>1</creationTime>\n</domaincheckpoint>\n");
  }
}

TEST_CASE("deep nesting stops at libxml2's depth limit", "[hostile]") {
  SECTION("10000 levels on one line") {
    std::string doc = "<domaincheckpoint>" + Repeat("<a>", 10000) + Repeat("</a>", 10000) +
                      "</domaincheckpoint>\n";
    Failure f = CheckpointFailure(doc);
    CHECK(f.code == ErrorCategory::XmlSyntax);
    // The context line is the whole (long) line, as virsh prints it.
    std::string head =
        "(domain_checkpoint):1: Excessive depth in document: 256 use XML_PARSE_HUGE option\n";
    CHECK(f.message.substr(0, head.size()) == head);
    CHECK(f.message.size() < doc.size() * 3);
  }
  SECTION("10000 levels, one per line") {
    std::string doc = "<domaincheckpoint>\n" + Repeat("<a>\n", 10000) + Repeat("</a>\n", 10000) +
                      "</domaincheckpoint>\n";
    Failure f = CheckpointFailure(doc);
    CHECK(f.message ==
          "(domain_checkpoint):258: Excessive depth in document: 256 use XML_PARSE_HUGE "
          "option\n<a>\n^");
  }
  SECTION("our own limit, below libxml2's") {
    ParseOptions options;
    options.max_depth = 3;
    CHECK(Document::Parse("<a><b><c/></b></a>", options).RootName() == "a");
    Failure f = FailureOf([&] { Document::Parse("<a>\n<b>\n<c>\n<d/></c></b></a>", options); });
    CHECK(f.code == ErrorCategory::XmlSyntax);
    CHECK(f.message == "(inline):4: document nested deeper than 3 levels");
  }
}

TEST_CASE("invalid UTF-8 is refused", "[hostile]") {
  SECTION("a stray 0xFF byte") {
    Failure f = CheckpointFailure(
        "<domaincheckpoint>\n  <name>a\xff"
        "b</name>\n</domaincheckpoint>\n");
    CHECK(f.code == ErrorCategory::XmlSyntax);
    CHECK(f.message ==
          "(domain_checkpoint):2: Input is not proper UTF-8, indicate encoding !\n"
          "Bytes: 0xFF 0x62 0x3C 0x2F\n"
          "  <name>a\xff"
          "b</name>\n"
          "---------^");
  }
  SECTION("an overlong encoding of '/'") {
    Failure f = CheckpointFailure(
        "<domaincheckpoint><name>a\xc0\xaf"
        "b</name></domaincheckpoint>");
    CHECK(f.code == ErrorCategory::XmlSyntax);
    std::string head =
        "(domain_checkpoint):1: Input is not proper UTF-8, indicate encoding !\n"
        "Bytes: 0xC0 0xAF 0x62 0x3C\n";
    CHECK(f.message.substr(0, head.size()) == head);
  }
  SECTION("a truncated sequence in an attribute") {
    Failure f = CheckpointFailure(
        "<domaincheckpoint><disks><disk name='vd\xe2\x98'/></disks></domaincheckpoint>");
    CHECK(f.code == ErrorCategory::XmlSyntax);
    std::string head = "(domain_checkpoint):1: Input is not proper UTF-8, indicate encoding !\n";
    CHECK(f.message.substr(0, head.size()) == head);
  }
  SECTION("an encoding libxml2 does not know") {
    Failure f = CheckpointFailure(
        "<?xml version='1.0' encoding='x-no-such-charset'?>\n<domaincheckpoint/>\n");
    CHECK(f.code == ErrorCategory::XmlSyntax);
    std::string head = "(domain_checkpoint):1: Unsupported encoding x-no-such-charset\n";
    CHECK(f.message.substr(0, head.size()) == head);
  }
}

TEST_CASE("NUL bytes and control characters are refused", "[hostile]") {
  // libxml2 would stop at a NUL after the root element and ignore the rest; the parser refuses
  // any NUL. (virsh reads files as C strings and never sees what follows a NUL.)
  SECTION("NUL inside text") {
    std::string doc("<domaincheckpoint>\n  <name>a\0b</name>\n</domaincheckpoint>\n", 48);
    Failure f = CheckpointFailure(doc);
    CHECK(f.code == ErrorCategory::XmlSyntax);
    CHECK(f.message == "(domain_checkpoint):2: document contains a NUL byte");
  }
  SECTION("NUL after the root element, hiding more content") {
    std::string doc("<domaincheckpoint/>\n\n\0<x/>", 26);
    Failure f = CheckpointFailure(doc);
    CHECK(f.code == ErrorCategory::XmlSyntax);
    CHECK(f.message == "(domain_checkpoint):3: document contains a NUL byte");
  }
  SECTION("a document of one NUL byte") {
    Failure f = CheckpointFailure(std::string(1, '\0'));
    CHECK(f.message == "(domain_checkpoint):1: document contains a NUL byte");
  }
  SECTION("a control character in text") {
    Failure f = CheckpointFailure("<domaincheckpoint><name>a\x01</name></domaincheckpoint>");
    CHECK(f.code == ErrorCategory::XmlSyntax);
    CHECK(f.message ==
          "(domain_checkpoint):1: PCDATA invalid Char value 1\n"
          "<domaincheckpoint><name>a\x01</name></domaincheckpoint>\n"
          "-------------------------^");
  }
}

TEST_CASE("documents too wide for RelaxNG validation are refused", "[hostile]") {
  // libxml2's RelaxNG validation is quadratic in the number of siblings and its attribute
  // check quadratic in the number of attributes; 16 MB of either would take hours.
  SECTION("700,000 <disk> siblings (12 MB)") {
    std::string doc = "<domaincheckpoint><disks>\n" + Repeat("<disk name='vda'/>", 700000) +
                      "</disks></domaincheckpoint>";
    Failure f = CheckpointFailure(doc);
    CHECK(f.code == ErrorCategory::XmlSyntax);
    CHECK(f.message == "(domain_checkpoint):2: element disks has more than 10000 child elements");
  }
  SECTION("many elements, each with few children") {
    std::string group = "<g>" + Repeat("<x/>", 1000) + "</g>";
    std::string doc = "<domaincheckpoint>\n<domain type='test'><name>n</name><devices>" +
                      Repeat(group, 150) + "</devices></domain></domaincheckpoint>";
    Failure f = CheckpointFailure(doc);
    CHECK(f.code == ErrorCategory::XmlSyntax);
    CHECK(f.message == "(domain_checkpoint):2: document has more than 100000 elements");
  }
  SECTION("200,000 attributes on one element") {
    std::string attributes;
    for (int i = 0; i < 200000; ++i) attributes += " a" + std::to_string(i) + "='x'";
    Failure f = CheckpointFailure("<domaincheckpoint>\n<name" + attributes +
                                  ">x</name></domaincheckpoint>");
    CHECK(f.code == ErrorCategory::XmlSyntax);
    CHECK(f.message == "(domain_checkpoint):2: element has more than 1000 attributes");
  }
  SECTION("after a broken declaration (libxml2 parses on after the first error)") {
    std::string attributes;
    for (int i = 0; i < 100000; ++i) attributes += " a" + std::to_string(i) + "=''";
    Failure f = CheckpointFailure("<domaincheckpoint><!X>\n<name" + attributes +
                                  ">x</name></domaincheckpoint>");
    CHECK(f.message == "(domain_checkpoint):2: element has more than 1000 attributes");
  }
  SECTION("'=' inside values, comments and CDATA is not counted") {
    std::string many_equals = Repeat("=", 5000);
    std::string doc = "<domaincheckpoint><!-- " + many_equals + " ' --><name>n</name>" +
                      "<description a='" + many_equals + "'><![CDATA[" + many_equals +
                      " <x a=1>]]>" + many_equals + "</description></domaincheckpoint>";
    virtckpt::xml::Node root = Document::Parse(doc).Root();
    CHECK(root.FirstChild("description")->Attribute("a") == many_equals);
  }
  SECTION("the limits are options") {
    ParseOptions options;
    options.max_children = 2;
    CHECK(FailureOf([&] { Document::Parse("<a><b/><b/><b/></a>", options); }).message ==
          "(inline):1: element a has more than 2 child elements");
    options = ParseOptions();
    options.max_elements = 3;
    CHECK(FailureOf([&] { Document::Parse("<a><b/><b><c/></b></a>", options); }).message ==
          "(inline):1: document has more than 3 elements");
    options = ParseOptions();
    options.max_attributes = 2;
    CHECK(Document::Parse("<a x='1' y=\"2\"/>", options).RootName() == "a");
    CHECK(FailureOf([&] { Document::Parse("<a x='1' y='2' z='3'/>", options); }).message ==
          "(inline):1: element has more than 2 attributes");
  }
}

TEST_CASE("a hostile <domain> document fails the same way", "[hostile]") {
  Failure f = FailureOf([] {
    virtckpt::conf::DomainDef::Parse(
        "<!DOCTYPE domain [ <!ENTITY x SYSTEM \"file:///etc/shadow\"> ]>\n<domain>&x;</domain>");
  });
  CHECK(f.code == ErrorCategory::XmlSyntax);
  CHECK(f.message == std::string("(domain_definition):1") + kDoctypeRejected);
}
