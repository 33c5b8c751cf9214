// conf::DocumentKind: a document's kind from its root element, the schemas each kind is
// validated against (libvirt's domain.rng through a stand-in directory of the test's own), and
// xml::Document::ChildDocument, xml::LibvirtSchemaPath underneath.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "conf/document_kind.hpp"
#include "error_of.hpp"
#include "test_support.hpp"
#include "util/error.hpp"
#include "xml/document.hpp"
#include "xml/schema_path.hpp"

namespace {

namespace test = virtckpt::test;
using virtckpt::conf::DetectDocumentKind;
using virtckpt::conf::DocumentKind;
using virtckpt::conf::ValidateDocument;
using virtckpt::xml::Document;

// Sets an environment variable for the scope (unset: nullptr), then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

Document ParseText(const std::string& text) { return Document::Parse(text); }

Document ParseFile(const std::string& path) { return Document::Parse(test::ReadFile(path)); }

std::string Schema(const std::string& name) { return virtckpt::xml::SchemaPath(name); }

// The schemas ValidateDocument applied, and its error ("" when valid).
struct Outcome {
  std::vector<std::string> schemas;
  std::string error;
};

Outcome Validate(const Document& doc, DocumentKind kind) {
  Outcome outcome;
  try {
    ValidateDocument(doc, kind, &outcome.schemas);
  } catch (const virtckpt::util::Error& e) {
    outcome.error = e.what();
  }
  return outcome;
}

// libvirt's domain.rng as far as this test is concerned: a <domain> that has an <os>.
const char kStandIn[] = R"(<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <start>
    <element name="domain">
      <zeroOrMore><attribute><anyName/></attribute></zeroOrMore>
      <interleave>
        <element name="os"><ref name="any"/></element>
        <zeroOrMore>
          <element><anyName><except><name>os</name></except></anyName><ref name="any"/></element>
        </zeroOrMore>
      </interleave>
    </element>
  </start>
  <define name="any">
    <zeroOrMore>
      <choice>
        <attribute><anyName/></attribute>
        <text/>
        <element><anyName/><ref name="any"/></element>
      </choice>
    </zeroOrMore>
  </define>
</grammar>
)";

}  // namespace

TEST_CASE("document kinds have one name each, used both ways") {
  using virtckpt::conf::DocumentKindFromString;
  using virtckpt::conf::DocumentKindToString;
  CHECK(virtckpt::conf::DocumentKindNames() == std::vector<std::string>{"checkpoint", "storefile",
                                                                        "domain", "domainbackup",
                                                                        "manifest", "bundle"});
  for (int i = 0; i <= static_cast<int>(virtckpt::conf::kLastDocumentKind); ++i) {
    auto kind = static_cast<DocumentKind>(i);
    CHECK(DocumentKindFromString(DocumentKindToString(kind)) == kind);
  }
  CHECK_FALSE(DocumentKindFromString("Checkpoint").has_value());
  CHECK_FALSE(DocumentKindFromString("domaincheckpoint").has_value());
}

TEST_CASE("the root element tells the kind") {
  CHECK(DetectDocumentKind(ParseText("<domaincheckpoint/>")) == DocumentKind::Checkpoint);
  CHECK(DetectDocumentKind(ParseText("<domaincheckpoint><name>a</name><internal state='x'/>"
                                     "</domaincheckpoint>")) == DocumentKind::StoreFile);
  // only a child of the root makes a store file
  CHECK(DetectDocumentKind(ParseText("<domaincheckpoint><domain><internal/></domain>"
                                     "</domaincheckpoint>")) == DocumentKind::Checkpoint);
  CHECK(DetectDocumentKind(ParseText("<domain type='kvm'/>")) == DocumentKind::Domain);
  CHECK(DetectDocumentKind(ParseText("<domainbackup/>")) == DocumentKind::DomainBackup);
  CHECK(DetectDocumentKind(ParseText("<checkpointmanifest/>")) == DocumentKind::Manifest);
  CHECK(DetectDocumentKind(ParseText("<checkpointbundle/>")) == DocumentKind::Bundle);
  std::string expected =
      "(domaincheckpoint, domain, domainbackup, checkpointmanifest or checkpointbundle expected)";
  using virtckpt::util::ErrorCategory;
  CHECK(test::ErrorOf([] { DetectDocumentKind(ParseText("<domainsnapshot/>")); }) ==
        std::pair{ErrorCategory::ConfigInvalid,
                  "XML error: cannot tell what the document is from its root element "
                  "'domainsnapshot' " +
                      expected});
  CHECK(test::ErrorOf([] { DetectDocumentKind(ParseText("<x:domain xmlns:x='urn:x'/>")); }) ==
        std::pair{ErrorCategory::ConfigInvalid,
                  "XML error: cannot tell what the document is from its root element 'x:domain' " +
                      expected});
}

TEST_CASE("each kind's schemas, without libvirt's") {
  ScopedEnv no_libvirt("VIRTCKPT_LIBVIRT_SCHEMA_DIR", "");
  std::string examples = test::ExamplesDir();
  Outcome create =
      Validate(ParseFile(examples + "/checkpoint-create.xml"), DocumentKind::Checkpoint);
  CHECK(create.schemas == std::vector<std::string>{Schema("domaincheckpoint.rng")});
  CHECK(create.error == "");
  // the embedded domain, on its own, against our domain.rng
  Outcome redefine =
      Validate(ParseFile(examples + "/checkpoint-redefine.xml"), DocumentKind::Checkpoint);
  CHECK(redefine.schemas ==
        std::vector<std::string>{Schema("domaincheckpoint.rng"), Schema("domain.rng")});
  CHECK(redefine.error == "");
  Outcome domain = Validate(ParseFile(examples + "/domain-multi.xml"), DocumentKind::Domain);
  CHECK(domain.schemas == std::vector<std::string>{Schema("domain.rng")});
  CHECK(domain.error == "");
  Outcome manifest =
      Validate(ParseFile(test::DataDir() + "/validate/manifest.xml"), DocumentKind::Manifest);
  CHECK(manifest.schemas == std::vector<std::string>{Schema("checkpointmanifest.rng")});
  CHECK(manifest.error == "");
  Outcome bundle =
      Validate(ParseFile(test::DataDir() + "/validate/bundle.xml"), DocumentKind::Bundle);
  CHECK(bundle.schemas == std::vector<std::string>{Schema("checkpointbundle.rng")});
  CHECK(bundle.error == "");
  Outcome backup = Validate(ParseText("<domainbackup mode='pull'/>"), DocumentKind::DomainBackup);
  CHECK(backup.schemas == std::vector<std::string>{Schema("domainbackup.rng")});
  CHECK(backup.error ==
        "XML document failed to validate against schema: Unable to validate doc against " +
            Schema("domainbackup.rng") + "\nInvalid attribute mode for element domainbackup\n");
  // the document is checked before its domain: a failure there names only the first schema
  Outcome bad = Validate(ParseText("<domaincheckpoint><bogus/><domain type='kvm'/>"
                                   "</domaincheckpoint>"),
                         DocumentKind::Checkpoint);
  CHECK(bad.schemas == std::vector<std::string>{Schema("domaincheckpoint.rng")});
  CHECK(bad.error ==
        "XML document failed to validate against schema: Unable to validate doc against " +
            Schema("domaincheckpoint.rng") +
            "\nElement domaincheckpoint has extra content: bogus\n");
}

TEST_CASE("a <domain> against libvirt's domain.rng where it is installed") {
  test::TempDir dir;
  test::WriteFile(dir.path() + "/domain.rng", kStandIn);
  ScopedEnv libvirt("VIRTCKPT_LIBVIRT_SCHEMA_DIR", dir.path().c_str());
  CHECK(virtckpt::xml::LibvirtSchemaPath("domain.rng") == dir.path() + "/domain.rng");
  CHECK(virtckpt::xml::LibvirtSchemaPath("other.rng") == dir.path() + "/other.rng");
  const std::string standin = dir.path() + "/domain.rng";
  Outcome domain =
      Validate(ParseFile(test::ExamplesDir() + "/domain-single.xml"), DocumentKind::Domain);
  CHECK(domain.schemas == std::vector<std::string>{standin});
  CHECK(domain.error == "");
  Outcome no_os =
      Validate(ParseText("<domain type='kvm'><name>x</name></domain>"), DocumentKind::Domain);
  CHECK(no_os.schemas == std::vector<std::string>{standin});
  CHECK(no_os.error ==
        "XML document failed to validate against schema: Unable to validate doc against " +
            standin +
            "\nExpecting an element os, got nothing\nInvalid sequence in interleave\nElement "
            "domain failed to validate content\n");
  Outcome embedded = Validate(ParseText("<domaincheckpoint>\n  <name>c1</name>\n  <domain "
                                        "type='kvm'>\n    <name>x</name>\n  </domain>\n"
                                        "</domaincheckpoint>\n"),
                              DocumentKind::Checkpoint);
  CHECK(embedded.schemas == std::vector<std::string>{Schema("domaincheckpoint.rng"), standin});
  CHECK(embedded.error == no_os.error);
  // a store file is what the store reads: libvirt's schema never applies
  Outcome store_file = Validate(ParseText("<domaincheckpoint><name>c1</name><domain type='kvm'>"
                                          "<name>x</name></domain><internal state='committed' "
                                          "link='1'/></domaincheckpoint>"),
                                DocumentKind::StoreFile);
  CHECK(store_file.schemas == std::vector<std::string>{Schema("checkpointfile.rng")});
  CHECK(store_file.error == "");
}

TEST_CASE(
    "libvirt's schemas: none when the variable is empty, the configured directory when "
    "it is unset and the file is there") {
  {
    ScopedEnv none("VIRTCKPT_LIBVIRT_SCHEMA_DIR", "");
    CHECK_FALSE(virtckpt::xml::LibvirtSchemaPath("domain.rng").has_value());
  }
  ScopedEnv unset("VIRTCKPT_LIBVIRT_SCHEMA_DIR", nullptr);
  CHECK_FALSE(virtckpt::xml::LibvirtSchemaPath("no-such-schema.rng").has_value());
  std::string configured = std::string(VIRTCKPT_DEFAULT_LIBVIRT_SCHEMA_DIR) + "/domain.rng";
  std::optional<std::string> found = virtckpt::xml::LibvirtSchemaPath("domain.rng");
  if (test::RunShell("test -r " + test::ShellQuote(configured)) == 0) {
    CHECK(found == configured);
  } else {
    CHECK_FALSE(found.has_value());
  }
}

TEST_CASE("ChildDocument copies the first child element of that name") {
  Document doc = ParseText(
      "<domaincheckpoint xmlns:q='urn:q'>\n  <name>c1</name>\n  <domain type='kvm'>\n    "
      "<name>x</name>\n    <q:extra/>\n  </domain>\n  <domain type='second'/>\n"
      "</domaincheckpoint>\n");
  std::optional<Document> domain = doc.ChildDocument("domain");
  REQUIRE(domain.has_value());
  CHECK(domain->RootName() == "domain");
  CHECK(domain->Root().Attribute("type") == "kvm");
  CHECK(domain->Root().line() == 3);
  // the namespace declared on the root travels with the copy
  CHECK(domain->DumpXPath("/domain", false) ==
        "<domain xmlns:q=\"urn:q\" type=\"kvm\">\n    <name>x</name>\n    <q:extra/>\n  "
        "</domain>\n");
  CHECK_FALSE(doc.ChildDocument("disks").has_value());
  CHECK_FALSE(ParseText("<a><b><domain/></b></a>").ChildDocument("domain").has_value());
}
