// Golden tests of the <domaincheckpoint> parser and formatter (tests/data/checkpoint), the
// libvirt xml2xml conformance data, and unit tests of the writer, the CheckpointType name table
// and AlignDisks. Every expected output was produced by virsh 9.0 with the test driver
// (tests/data/checkpoint/regen-from-virsh.py), so equality here means equality with libvirt.
#include <catch2/catch.hpp>
#include <filesystem>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "conf/checkpoint_def.hpp"
#include "conf/domain_def.hpp"
#include "golden_cases.hpp"
#include "test_support.hpp"
#include "util/error.hpp"
#include "xml/document.hpp"
#include "xml/node.hpp"
#include "xml/schema_path.hpp"
#include "xml/writer.hpp"

namespace {

using virtckpt::conf::AlignDisks;
using virtckpt::conf::CheckpointDef;
using virtckpt::conf::CheckpointDisk;
using virtckpt::conf::CheckpointFromNode;
using virtckpt::conf::CheckpointType;
using virtckpt::conf::DomainDef;
using virtckpt::conf::FormatCheckpoint;
using virtckpt::conf::kFormatNoDomain;
using virtckpt::conf::kFormatSecure;
using virtckpt::conf::kFormatSize;
using virtckpt::conf::kParseRedefine;
using virtckpt::conf::ParseCheckpoint;
using virtckpt::util::Error;
using virtckpt::util::ErrorCategory;
namespace test = virtckpt::test;
using test::Case;
using test::CreateOrRedefine;
using test::Dom;
using test::DomainFor;
using test::Golden;
using test::kGoldenCases;
using test::kInvalidCases;
using test::kNow;

// The document without its <domain> element, as --no-domain prints it.
std::string WithoutDomain(const std::string& doc) {
  size_t start = doc.find("\n  <domain ");
  if (start == std::string::npos) return doc;
  size_t end = doc.find("\n  </domain>\n", start);
  REQUIRE(end != std::string::npos);
  return doc.substr(0, start + 1) + doc.substr(end + std::string("\n  </domain>\n").size());
}

std::string SchemaText(const std::string& err) {
  return test::ReplaceAll(err, "@SCHEMA@", virtckpt::xml::SchemaPath("domaincheckpoint.rng"));
}

// The message of the Error that `fn` throws; fails the test if it throws nothing.
template <typename Fn>
std::string ErrorOf(Fn fn, ErrorCategory* code = nullptr) {
  try {
    fn();
  } catch (const Error& e) {
    if (code) *code = e.category();
    return e.what();
  }
  FAIL("no error was thrown");
  return "";
}

}  // namespace

TEST_CASE("golden: in/NAME.xml is prepared and formatted as out/NAME.xml", "[golden]") {
  for (const Case& c : kGoldenCases) {
    DYNAMIC_SECTION(c.name) {
      std::string in = test::ReadFile(Golden("in/") + c.name + ".xml");
      std::string expected = test::ReadFile(Golden("out/") + c.name + ".xml");
      CheckpointDef def = CreateOrRedefine(c, in);
      CHECK(FormatCheckpoint(def, kFormatSecure) == expected);
      // libvirt's test domains hold no secrets: without the secure flag nothing changes.
      CHECK(FormatCheckpoint(def, 0) == expected);
      CHECK(FormatCheckpoint(def, kFormatSecure | kFormatNoDomain) == WithoutDomain(expected));
      // Without a size the size flag changes nothing.
      CHECK(FormatCheckpoint(def, kFormatSecure | kFormatSize) == expected);
    }
  }
}

TEST_CASE("golden: every out/NAME.xml survives redefine unchanged", "[golden]") {
  for (const Case& c : kGoldenCases) {
    DYNAMIC_SECTION(c.name) {
      std::string out = test::ReadFile(Golden("out/") + c.name + ".xml");
      CheckpointDef def = ParseCheckpoint(out, kParseRedefine);
      CHECK(FormatCheckpoint(def, kFormatSecure) == out);
      // The same through an already parsed tree.
      virtckpt::xml::Document doc = virtckpt::xml::Document::Parse(out);
      CHECK(FormatCheckpoint(CheckpointFromNode(doc.Root(), kParseRedefine), kFormatSecure) == out);
      // Redefining what was dumped is a no-op: disks are already aligned and named.
      virtckpt::conf::PrepareRedefine(&def, DomainFor(c.domain));
      CHECK(FormatCheckpoint(def, kFormatSecure) == out);
    }
  }
}

TEST_CASE("golden: every invalid/NAME.xml fails with invalid/NAME.err", "[golden]") {
  for (const Case& c : kInvalidCases) {
    DYNAMIC_SECTION(c.name) {
      std::string in = test::ReadFile(Golden("invalid/") + c.name + ".xml");
      std::string expected = SchemaText(test::ReadFile(Golden("invalid/") + c.name + ".err"));
      ErrorCategory code = ErrorCategory::Internal;
      CHECK(ErrorOf([&] { CreateOrRedefine(c, in); }, &code) == expected);
      if (test::ReplaceAll(expected, "XML document failed to validate", "") != expected) {
        CHECK(code == ErrorCategory::SchemaInvalid);
      } else if (expected.rfind("(domain_checkpoint):", 0) == 0) {
        CHECK(code == ErrorCategory::XmlSyntax);
      }
    }
  }
}

TEST_CASE("golden: the tables list every file of the data folders", "[golden]") {
  // Cases are listed explicitly; this catches a file that was added but not listed.
  size_t listed_in = std::size(kGoldenCases);
  size_t listed_invalid = std::size(kInvalidCases);
  size_t in_files = 0, out_files = 0, invalid_xml = 0, invalid_err = 0;
  for (const auto& entry : std::filesystem::directory_iterator(Golden("in"))) {
    in_files += entry.path().extension() == ".xml";
  }
  for (const auto& entry : std::filesystem::directory_iterator(Golden("out"))) {
    out_files += entry.path().extension() == ".xml";
  }
  for (const auto& entry : std::filesystem::directory_iterator(Golden("invalid"))) {
    invalid_xml += entry.path().extension() == ".xml";
    invalid_err += entry.path().extension() == ".err";
  }
  CHECK(in_files == listed_in);
  CHECK(out_files == listed_in);
  CHECK(invalid_xml == listed_invalid);
  CHECK(invalid_err == listed_invalid);
}

// libvirt's tests/qemudomaincheckpointxml2xmltest.c, case for case, with its test flags.
namespace {

enum LibvirtFlags : unsigned {
  kTestRedefine = 1u << 0,   // parse with REDEFINE
  kTestParent = 1u << 1,     // parent "1525111885"
  kTestVdaBitmap = 1u << 2,  // disks[0] is vda with the checkpoint's name as bitmap
  kTestSize = 1u << 3,       // disks[0] has size 1048576, formatted with the size flag
};

struct LibvirtCase {
  const char* name;
  const char* in_dir;
  int64_t mock_time;
  unsigned flags;
};

const LibvirtCase kLibvirtCases[] = {
    {"redefine", "qemudomaincheckpointxml2xmlout", 0, kTestRedefine},
    {"empty", "qemudomaincheckpointxml2xmlin", 1525889631, kTestVdaBitmap},
    {"disk-default", "qemudomaincheckpointxml2xmlin", 1525889631, kTestParent | kTestVdaBitmap},
    {"sample", "qemudomaincheckpointxml2xmlin", 1525889631, kTestParent | kTestVdaBitmap},
    {"size", "qemudomaincheckpointxml2xmlin", 1553648510, kTestParent | kTestVdaBitmap | kTestSize},
};

const char* const kLibvirtInvalid[] = {
    "qemudomaincheckpointxml2xmlin/disk-invalid",
    "qemudomaincheckpointxml2xmlin/name-invalid",
    "qemudomaincheckpointxml2xmlout/internal-active-invalid",
    "qemudomaincheckpointxml2xmlout/internal-inactive-invalid",
};

}  // namespace

TEST_CASE("libvirt conformance: qemudomaincheckpointxml2xml in -> out", "[golden][libvirt]") {
  for (const LibvirtCase& c : kLibvirtCases) {
    DYNAMIC_SECTION(c.name) {
      std::string dir = Golden("libvirt/");
      std::string in = test::ReadFile(dir + c.in_dir + "/" + c.name + ".xml");
      std::string expected =
          test::ReadFile(dir + "qemudomaincheckpointxml2xmlout/" + c.name + ".xml");
      CheckpointDef def =
          ParseCheckpoint(in, (c.flags & kTestRedefine) ? unsigned{kParseRedefine} : 0u);
      unsigned format = kFormatSecure;
      if (!(c.flags & kTestRedefine)) {
        // libvirt's mock post-parse callback: creationTime, and the name if there is none.
        REQUIRE(def.creation_time == 0);
        def.creation_time = c.mock_time;
        if (def.name.empty()) def.name = std::to_string(c.mock_time);
      }
      if (c.flags & kTestParent) {
        REQUIRE(def.parent.empty());
        def.parent = "1525111885";
      }
      if (c.flags & kTestVdaBitmap) {
        if (def.disks.empty()) {
          def.disks.push_back(CheckpointDisk{"vda", CheckpointType::Bitmap, "", std::nullopt});
        }
        REQUIRE(def.disks[0].name == "vda");
        REQUIRE(def.disks[0].bitmap.empty());
        def.disks[0].bitmap = def.name;
      }
      if (c.flags & kTestSize) {
        def.disks[0].size = 1048576;
        format |= kFormatSize;
      }
      CHECK(FormatCheckpoint(def, format) == expected);
    }
  }
}

TEST_CASE("libvirt conformance: every valid out file survives redefine", "[golden][libvirt]") {
  for (const char* name : {"redefine", "empty", "disk-default", "sample", "size"}) {
    DYNAMIC_SECTION(name) {
      std::string out =
          test::ReadFile(Golden("libvirt/qemudomaincheckpointxml2xmlout/") + name + ".xml");
      CheckpointDef def = ParseCheckpoint(out, kParseRedefine);
      unsigned format = kFormatSecure;
      if (std::string(name) == "size") {
        // size= is output only; libvirt's parser ignores it and its test sets it again.
        REQUIRE_FALSE(def.disks[0].size);
        def.disks[0].size = 1048576;
        format |= kFormatSize;
      }
      CHECK(FormatCheckpoint(def, format) == out);
    }
  }
}

TEST_CASE("libvirt conformance: *-invalid.xml fail the schema", "[golden][libvirt]") {
  for (const char* path : kLibvirtInvalid) {
    DYNAMIC_SECTION(path) {
      std::string in = test::ReadFile(Golden("libvirt/") + path + ".xml");
      std::string base = std::string(path).substr(std::string(path).find('/') + 1);
      std::string expected = SchemaText(test::ReadFile(Golden("libvirt/err/") + base + ".err"));
      CHECK(ErrorOf([&] { ParseCheckpoint(in, 0); }) == expected);
      CHECK(ErrorOf([&] { ParseCheckpoint(in, kParseRedefine); }) == expected);
    }
  }
}

TEST_CASE("a redefined creationTime of 0 is kept as 0 and then not printed", "[conf]") {
  // virsh accepts <creationTime>0</creationTime> on redefine and dumps no creationTime; that
  // output can then not be redefined again (libvirt behaves the same).
  CheckpointDef def = ParseCheckpoint(
      "<domaincheckpoint><name>zero</name><creationTime>0</creationTime></domaincheckpoint>",
      kParseRedefine);
  CHECK(def.creation_time == 0);
  std::string out = FormatCheckpoint(def, kFormatSecure);
  CHECK(out == "<domaincheckpoint>\n  <name>zero</name>\n</domaincheckpoint>\n");
  CHECK(ErrorOf([&] { ParseCheckpoint(out, kParseRedefine); }) ==
        "internal error: missing creationTime from existing checkpoint");
}

TEST_CASE("parse keeps what create ignores only for redefine", "[conf]") {
  std::string doc =
      "<domaincheckpoint><name>n</name><parent><name>p</name></parent>"
      "<creationTime>42</creationTime><description>d</description></domaincheckpoint>";
  CheckpointDef created = ParseCheckpoint(doc, 0);
  CHECK(created.name == "n");
  CHECK(created.description == "d");
  CHECK(created.parent.empty());
  CHECK(created.creation_time == 0);
  CHECK_FALSE(created.domain);
  CheckpointDef redefined = ParseCheckpoint(doc, kParseRedefine);
  CHECK(redefined.parent == "p");
  CHECK(redefined.creation_time == 42);
  CHECK(redefined.disks.empty());
}

TEST_CASE("FormatCheckpoint puts the extra element right before the closing tag", "[conf]") {
  CheckpointDef def;
  def.name = "c1";
  def.creation_time = 5;
  virtckpt::xml::Node extra = virtckpt::xml::Node::Element("x");
  CHECK(FormatCheckpoint(def, 0, &extra) ==
        "<domaincheckpoint>\n  <name>c1</name>\n  <creationTime>5</creationTime>\n  <x/>\n"
        "</domaincheckpoint>\n");
}

TEST_CASE("FormatCheckpoint keeps a blank description as virsh does", "[conf]") {
  CheckpointDef def;
  def.name = "c1";
  def.description = " ";
  CHECK(FormatCheckpoint(def, 0) ==
        "<domaincheckpoint>\n  <name>c1</name>\n  <description> </description>\n"
        "</domaincheckpoint>\n");
}

TEST_CASE("size= is printed only with kFormatSize and only for bitmap disks", "[conf]") {
  CheckpointDef def;
  def.name = "c";
  def.creation_time = 1;
  def.disks = {{"vda", CheckpointType::Bitmap, "c", 4096},
               {"vdb", CheckpointType::No, "", 8192},
               {"vdc", CheckpointType::Bitmap, "c", std::nullopt}};
  std::string body =
      "<domaincheckpoint>\n  <name>c</name>\n  <creationTime>1</creationTime>\n  <disks>\n";
  CHECK(FormatCheckpoint(def, kFormatSize) ==
        body +
            "    <disk name='vda' checkpoint='bitmap' bitmap='c' size='4096'/>\n"
            "    <disk name='vdb' checkpoint='no'/>\n"
            "    <disk name='vdc' checkpoint='bitmap' bitmap='c'/>\n"
            "  </disks>\n</domaincheckpoint>\n");
  CHECK(FormatCheckpoint(def, 0) == body +
                                        "    <disk name='vda' checkpoint='bitmap' bitmap='c'/>\n"
                                        "    <disk name='vdb' checkpoint='no'/>\n"
                                        "    <disk name='vdc' checkpoint='bitmap' bitmap='c'/>\n"
                                        "  </disks>\n</domaincheckpoint>\n");
}

// ---- xml::Escape and xml::FormatElement ----

TEST_CASE("xml::Escape escapes the five XML characters as libvirt does", "[xml]") {
  using virtckpt::xml::Escape;
  CHECK(Escape("") == "");
  CHECK(Escape("plain text 123") == "plain text 123");
  CHECK(Escape("d & <x> 'q' \"dq\"") == "d &amp; &lt;x&gt; &apos;q&apos; &quot;dq&quot;");
  CHECK(Escape("&amp;") == "&amp;amp;");
  CHECK(Escape("a\tb\nc\rd") == "a\tb\nc\rd");
  CHECK(Escape(std::string("a\x01"
                           "b\x1f"
                           "c\x7f",
                           6)) == "abc\x7f");
  CHECK(Escape(std::string("nul\0byte", 8)) == "nulbyte");
  CHECK(Escape("caf\xc3\xa9 \xe2\x98\xba") == "caf\xc3\xa9 \xe2\x98\xba");
}

TEST_CASE("xml::FormatElement formats like libvirt", "[xml]") {
  using virtckpt::xml::FormatElement;
  using virtckpt::xml::Node;
  SECTION("empty element") { CHECK(FormatElement(Node::Element("a")) == "<a/>\n"); }
  SECTION("attributes keep their order and are single-quoted and escaped") {
    Node n = Node::Element("disk");
    n.SetAttribute("name", "v'a").SetAttribute("b", "<&\">");
    n.SetAttribute("name", "vda");  // replaced in place
    CHECK(FormatElement(n) == "<disk name='vda' b='&lt;&amp;&quot;&gt;'/>\n");
  }
  SECTION("text content stays on one line") {
    Node n = Node::Element("description");
    n.AppendChild(Node::Text("x & y"));
    CHECK(FormatElement(n, 4) == "    <description>x &amp; y</description>\n");
  }
  SECTION("whitespace-only text is dropped") {
    Node n = Node::Element("e");
    n.AppendChild(Node::Text("\n   \t"));
    CHECK(FormatElement(n) == "<e/>\n");
  }
  SECTION("children are indented by two spaces per level") {
    Node root = Node::Element("domain");
    root.SetAttribute("type", "test");
    Node name = Node::Element("name");
    name.AppendChild(Node::Text("t"));
    root.AppendChild(Node::Text("\n  "));
    root.AppendChild(name);
    Node devices = Node::Element("devices");
    Node disk = Node::Element("disk");
    disk.AppendChild(Node::Element("readonly"));
    devices.AppendChild(disk);
    root.AppendChild(devices);
    std::string expected =
        "  <domain type='test'>\n"
        "    <name>t</name>\n"
        "    <devices>\n"
        "      <disk>\n"
        "        <readonly/>\n"
        "      </disk>\n"
        "    </devices>\n"
        "  </domain>\n";
    CHECK(FormatElement(root, 2) == expected);
    std::string appended = "x\n";
    FormatElement(root, 2, &appended);
    CHECK(appended == "x\n" + expected);
  }
  SECTION("a parsed canonical domain formats back byte for byte") {
    for (const char* name : {"single", "multi"}) {
      std::string text = test::ReadFile(test::ExamplesDir() + "/domain-" + name + ".xml");
      CHECK(FormatElement(virtckpt::xml::Document::Parse(text).Root()) == text);
      CHECK(test::ExampleDomain(name).Format(0, true) == text);
      CHECK(test::ExampleDomain(name).Format(0, false) == text);
    }
  }
}

TEST_CASE("xml::Writer writes element by element in the same layout", "[xml]") {
  using virtckpt::xml::Node;
  using virtckpt::xml::Writer;
  SECTION("nested elements, an empty one as <x/>, blank text kept") {
    std::string out = "x\n";
    Writer writer(&out, 2);
    writer.Start("domaincheckpoint");
    writer.TextElement("description", " ");
    writer.Start("disks");
    writer.Start("disk").Attribute("name", "v'da").Attribute("checkpoint", "no");
    writer.End();
    writer.End();
    writer.End();
    CHECK(out ==
          "x\n"
          "  <domaincheckpoint>\n"
          "    <description> </description>\n"
          "    <disks>\n"
          "      <disk name='v&apos;da' checkpoint='no'/>\n"
          "    </disks>\n"
          "  </domaincheckpoint>\n");
  }
  SECTION("a block has both tags even when empty") {
    std::string out;
    Writer writer(&out);
    writer.StartBlock("domaincheckpoint");
    writer.End();
    CHECK(out == "<domaincheckpoint>\n</domaincheckpoint>\n");
  }
  SECTION("a subtree goes in at the writer's depth") {
    Node disk = Node::Element("disk");
    disk.AppendChild(Node::Element("readonly"));
    std::string out;
    Writer writer(&out);
    writer.Start("devices");
    writer.Subtree(disk);
    writer.End();
    CHECK(out == "<devices>\n  <disk>\n    <readonly/>\n  </disk>\n</devices>\n");
  }
  // libvirt prints a domain's <metadata> with libxml2's xmlNodeDump; the differential test
  // differential-exchange-roundtrip compares such a domain with virsh's output. Here: the
  // layout is a fixed point, and the rest of the document keeps libvirt's own layout.
  SECTION("a verbatim child is written as libxml2 writes it, at the writer's depth") {
    const std::string metadata =
        "<metadata>\n"
        "      <a:x xmlns:a=\"urn:a\" k=\"it's &quot;q&quot;&#10;&#xE9;\">t \"x\" 'y' &lt;&amp;"
        "</a:x>\n"
        "      <b:y xmlns:b=\"urn:b\">\n"
        "        <b:z/>\n"
        "      </b:y>\n"
        "      <m xmlns=\"urn:m\">t <i>i</i><!-- c --><![CDATA[<>]]></m>\n"
        "      <e:e xmlns:e=\"urn:e\">  </e:e>\n"
        "    </metadata>\n";
    std::string in = "<domain type='test'><name>n</name>" + metadata +
                     "<devices k=\"v\"><!-- dropped --></devices></domain>";
    Node domain = virtckpt::xml::Document::Parse(in).Root();
    std::string out;
    Writer writer(&out, 2);
    writer.Subtree(domain, "metadata");
    CHECK(out ==
          "  <domain type='test'>\n"
          "    <name>n</name>\n"
          "    " +
              metadata +
              "    <devices k='v'/>\n"
              "  </domain>\n");
    std::string again;
    Writer(&again, 2).Subtree(virtckpt::xml::Document::Parse(out).Root(), "metadata");
    CHECK(again == out);
    Node compact = virtckpt::xml::Document::Parse(
                       "<domain><metadata><a:x xmlns:a='urn:a' k='v'/>  <b:y xmlns:b='urn:b'>"
                       "<b:z/></b:y></metadata></domain>")
                       .Root();
    out.clear();
    Writer(&out).Subtree(compact, "metadata");
    CHECK(out ==
          "<domain>\n"
          "  <metadata>\n"
          "    <a:x xmlns:a=\"urn:a\" k=\"v\"/>\n"
          "    <b:y xmlns:b=\"urn:b\">\n"
          "      <b:z/>\n"
          "    </b:y>\n"
          "  </metadata>\n"
          "</domain>\n");
  }
}

// ---- the CheckpointType name table ----

TEST_CASE("CheckpointType names map both ways", "[conf]") {
  using virtckpt::conf::CheckpointTypeFromString;
  using virtckpt::conf::CheckpointTypeToString;
  const std::pair<CheckpointType, std::string> table[] = {
      {CheckpointType::Default, "default"},
      {CheckpointType::No, "no"},
      {CheckpointType::Bitmap, "bitmap"},
  };
  for (const auto& [type, name] : table) {
    CHECK(CheckpointTypeToString(type) == name);
    REQUIRE(CheckpointTypeFromString(name));
    CHECK(*CheckpointTypeFromString(name) == type);
  }
  CHECK_FALSE(CheckpointTypeFromString(""));
  CHECK_FALSE(CheckpointTypeFromString("Bitmap"));
  CHECK_FALSE(CheckpointTypeFromString("bitmap "));
  CHECK_FALSE(CheckpointTypeFromString("yes"));
}

// ---- AlignDisks ----

namespace {

CheckpointDef Requested(std::vector<CheckpointDisk> disks) {
  CheckpointDef def;
  def.name = "c1";
  def.disks = std::move(disks);
  return def;
}

CheckpointDisk Want(const std::string& name, CheckpointType type = CheckpointType::Bitmap,
                    const std::string& bitmap = "") {
  return CheckpointDisk{name, type, bitmap, std::nullopt};
}

std::string AlignError(CheckpointDef def, const DomainDef& domain) {
  return ErrorOf([&] { AlignDisks(&def, domain); });
}

std::string Summary(const CheckpointDef& def) {
  std::string out;
  for (const auto& d : def.disks) {
    out += d.name + ":" + virtckpt::conf::CheckpointTypeToString(d.type) + ":" + d.bitmap + " ";
  }
  return out;
}

}  // namespace

TEST_CASE("AlignDisks errors have virsh's exact messages", "[conf][align]") {
  const DomainDef& single = DomainFor(Dom::kSingle);
  const DomainDef& multi = DomainFor(Dom::kMulti);
  DomainDef nodisk = DomainDef::FromNode(
      virtckpt::xml::Document::Parse(
          "<domain type='test'><name>nodisk</name><uuid>11111111-2222-3333-4444-555555555555"
          "</uuid><devices><interface type='network'/></devices></domain>")
          .Root());

  SECTION("too many requests is checked first") {
    CHECK(AlignError(Requested({Want("vda"), Want("vdz")}), single) ==
          "unsupported configuration: too many disk checkpoint requests for domain");
    CHECK(AlignError(Requested({Want("vda"), Want("vda", CheckpointType::No)}), single) ==
          "unsupported configuration: too many disk checkpoint requests for domain");
    CHECK(AlignError(Requested({Want("vdz")}), nodisk) ==
          "unsupported configuration: too many disk checkpoint requests for domain");
  }
  SECTION("no disks") {
    CHECK(AlignError(Requested({}), nodisk) ==
          "unsupported configuration: domain must have at least one disk to perform "
          "checkpoints");
  }
  SECTION("unknown disk, by target or by path") {
    CHECK(AlignError(Requested({Want("vdz")}), single) ==
          "unsupported configuration: no disk named 'vdz'");
    CHECK(AlignError(Requested({Want("vda"), Want("/nowhere")}), multi) ==
          "unsupported configuration: no disk named '/nowhere'");
  }
  SECTION("disk specified twice, by target or by path") {
    CHECK(AlignError(Requested({Want("vdb"), Want("vdb", CheckpointType::No)}), multi) ==
          "unsupported configuration: disk 'vdb' specified twice");
    CHECK(AlignError(Requested({Want("vda"), Want("/var/lib/libvirt/images/multi-vda.qcow2")}),
                     multi) ==
          "unsupported configuration: disk '/var/lib/libvirt/images/multi-vda.qcow2' specified "
          "twice");
    CHECK(AlignError(Requested({Want("/var/lib/libvirt/images/multi-vda.qcow2"), Want("vda")}),
                     multi) == "unsupported configuration: disk 'vda' specified twice");
  }
  SECTION("readonly or empty disks cannot have a bitmap") {
    CHECK(AlignError(Requested({Want("sda")}), multi) ==
          "unsupported configuration: disk 'sda' is empty or readonly");
    CHECK(AlignError(Requested({Want("sdb", CheckpointType::Bitmap, "x")}), multi) ==
          "unsupported configuration: disk 'sdb' is empty or readonly");
    CHECK(AlignError(Requested({Want("/var/lib/libvirt/images/install.iso")}), multi) ==
          "unsupported configuration: disk '/var/lib/libvirt/images/install.iso' is empty or "
          "readonly");
  }
  SECTION("errors come in libvirt's order: unknown before twice before readonly") {
    CHECK(AlignError(Requested({Want("sda"), Want("vdz")}), multi) ==
          "unsupported configuration: disk 'sda' is empty or readonly");
    CHECK(AlignError(Requested({Want("vdz"), Want("sda")}), multi) ==
          "unsupported configuration: no disk named 'vdz'");
    CHECK(AlignError(Requested({Want("vda"), Want("vda"), Want("sda")}), multi) ==
          "unsupported configuration: disk 'vda' specified twice");
  }
  SECTION("all errors are ConfigInvalid") {
    CheckpointDef def = Requested({Want("vdz")});
    ErrorCategory code = ErrorCategory::Internal;
    ErrorOf([&] { AlignDisks(&def, single); }, &code);
    CHECK(code == ErrorCategory::ConfigInvalid);
  }
}

TEST_CASE("AlignDisks follows domain order and fills defaults", "[conf][align]") {
  const DomainDef& multi = DomainFor(Dom::kMulti);
  SECTION("no list: writable disks get a bitmap, readonly and empty ones 'no'") {
    CheckpointDef def = Requested({});
    AlignDisks(&def, multi);
    CHECK(Summary(def) == "vda:bitmap:c1 vdb:bitmap:c1 vdc:bitmap:c1 sda:no: sdb:no: ");
  }
  SECTION("a list: unlisted disks get 'no', names become targets, order is the domain's") {
    CheckpointDef def =
        Requested({Want("/var/lib/libvirt/images/multi-vdb.qcow2"),
                   Want("vda", CheckpointType::Bitmap, "mine"), Want("sda", CheckpointType::No)});
    AlignDisks(&def, multi);
    CHECK(Summary(def) == "vda:bitmap:mine vdb:bitmap:c1 vdc:no: sda:no: sdb:no: ");
  }
  SECTION("aligning twice changes nothing") {
    CheckpointDef def = Requested({Want("vdb")});
    AlignDisks(&def, multi);
    std::string once = Summary(def);
    AlignDisks(&def, multi);
    CHECK(Summary(def) == once);
  }
  SECTION("a failed alignment reports the first bad disk") {
    CheckpointDef def = Requested({Want("vda"), Want("vdz")});
    CHECK(AlignError(def, multi) == "unsupported configuration: no disk named 'vdz'");
  }
}

TEST_CASE("PrepareCreate and PrepareRedefine", "[conf]") {
  const DomainDef& single = DomainFor(Dom::kSingle);
  SECTION("create: default name, time, embedded domain, parent cleared") {
    CheckpointDef def;
    def.parent = "stale";
    def.creation_time = 99;
    virtckpt::conf::PrepareCreate(&def, single, kNow);
    CHECK(def.name == "1704067200");
    CHECK(def.creation_time == kNow);
    CHECK(def.parent.empty());
    REQUIRE(def.domain);
    CHECK(def.domain->uuid() == single.uuid());
    CHECK(Summary(def) == "vda:bitmap:1704067200 ");
  }
  SECTION("redefine without <domain>: disks kept, only default bitmap names") {
    CheckpointDef def = Requested(
        {Want("vdz"), Want("vda", CheckpointType::No), Want("/x", CheckpointType::Bitmap, "b")});
    virtckpt::conf::PrepareRedefine(&def, single);
    CHECK(Summary(def) == "vdz:bitmap:c1 vda:no: /x:bitmap:b ");
  }
  SECTION("redefine with another uuid") {
    CheckpointDef def = Requested({});
    def.name = "um";
    def.domain = DomainFor(Dom::kMulti);
    ErrorCategory code = ErrorCategory::Internal;
    CHECK(ErrorOf([&] { virtckpt::conf::PrepareRedefine(&def, single); }, &code) ==
          "invalid argument: definition for checkpoint um must use uuid "
          "0b0a6a2c-5c4e-4d8e-9a77-1f3e2d4c5b6a");
    CHECK(code == ErrorCategory::InvalidArgument);
  }
}
