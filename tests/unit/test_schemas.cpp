// Schema validity: every example validates against our schemas (and libvirt's), and every
// checkpoint document our formatter produces for the golden cases validates against libvirt's
// installed schema (`virt-xml-validate FILE domaincheckpoint`, package libvirt-clients; the
// schemas themselves come with libvirt0). Without virt-xml-validate, xmllint or libvirt's
// schemas the test prints SKIP and exits 77, meson's "skipped".
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdio>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "conf/checkpoint_def.hpp"
#include "golden_cases.hpp"
#include "test_support.hpp"
#include "util/error.hpp"
#include "xml/document.hpp"
#include "xml/schema_path.hpp"

namespace {

namespace test = virtckpt::test;
using virtckpt::xml::Document;
using virtckpt::xml::Schema;
using virtckpt::xml::SchemaPath;

struct Example {
  const char* file;
  const char* schema;        // ours, in schemas/
  const char* libvirt_type;  // virt-xml-validate's schema name
};

const Example kExamples[] = {
    {"domain-single.xml", "domain.rng", "domain"},
    {"domain-multi.xml", "domain.rng", "domain"},
    {"checkpoint-create.xml", "domaincheckpoint.rng", "domaincheckpoint"},
    {"checkpoint-redefine.xml", "domaincheckpoint.rng", "domaincheckpoint"},
};

// Validates with our own schema; returns "" or the error text.
std::string OurValidation(const std::string& text, const std::string& schema) {
  try {
    Document::Parse(text).Validate(Schema::Load(SchemaPath(schema)));
  } catch (const virtckpt::util::Error& e) {
    return e.what();
  }
  return "";
}

// Runs virt-xml-validate on many documents at once, in parallel, and returns per document ""
// when it is valid, else the exit status and output of virt-xml-validate.
class LibvirtValidator {
 public:
  // Queues a document (copied into a temp dir) for `virt-xml-validate FILE type`.
  size_t Add(const std::string& text, const std::string& type) {
    std::string path = tmp_.path() + "/" + std::to_string(jobs_.size()) + ".xml";
    test::WriteFile(path, text);
    jobs_.push_back({path, type});
    return jobs_.size() - 1;
  }
  std::vector<std::string> Run() {
    std::string list;
    for (const auto& [path, type] : jobs_) list += path + " " + type + "\n";
    test::WriteFile(tmp_.path() + "/jobs", list);
    int rc = test::RunShell(
        "xargs -P 8 -n 2 sh -c 'virt-xml-validate \"$0\" \"$1\" >\"$0.log\" 2>&1; "
        "echo $? >\"$0.rc\"' <" +
        test::ShellQuote(tmp_.path() + "/jobs"));
    REQUIRE(rc == 0);
    std::vector<std::string> results;
    for (const auto& job : jobs_) {
      std::string status = test::ReadFile(job.first + ".rc");
      std::string output = test::ReadFile(job.first + ".log");
      bool valid = status == "0\n" && output == job.first + " validates\n";
      results.push_back(valid ? "" : "exit status " + status + output);
    }
    return results;
  }

 private:
  test::TempDir tmp_;
  std::vector<std::pair<std::string, std::string>> jobs_;
};

}  // namespace

TEST_CASE("xml-examples validate against our schemas", "[schemas]") {
  for (const Example& e : kExamples) {
    DYNAMIC_SECTION(e.file) {
      std::string text = test::ReadFile(test::ExamplesDir() + "/" + e.file);
      CHECK(OurValidation(text, e.schema) == "");
    }
  }
}

TEST_CASE("xml-examples validate against libvirt's schemas", "[schemas][libvirt]") {
  LibvirtValidator validator;
  for (const Example& e : kExamples) {
    validator.Add(test::ReadFile(test::ExamplesDir() + "/" + e.file), e.libvirt_type);
  }
  std::vector<std::string> results = validator.Run();
  for (size_t i = 0; i < std::size(kExamples); ++i) {
    INFO(kExamples[i].file);
    CHECK(results[i] == "");
  }
}

TEST_CASE("xml-examples are what their parsers accept", "[schemas]") {
  // The domains parse as domains; the create example creates on domain-multi, and the
  // redefine example is exactly what dumping that checkpoint gives (with parent and time).
  auto multi = test::ExampleDomain("multi");
  CHECK(multi.disks().size() == 5);
  CHECK(test::ExampleDomain("single").disks().size() == 1);
  auto def = virtckpt::conf::ParseCheckpoint(
      test::ReadFile(test::ExamplesDir() + "/checkpoint-create.xml"), 0);
  virtckpt::conf::PrepareCreate(&def, multi, test::kNow);
  def.parent = "weekly-2023-12-25";
  std::string redefine = test::ReadFile(test::ExamplesDir() + "/checkpoint-redefine.xml");
  CHECK(virtckpt::conf::FormatCheckpoint(def, virtckpt::conf::kFormatSecure) == redefine);
  auto redefined = virtckpt::conf::ParseCheckpoint(redefine, virtckpt::conf::kParseRedefine);
  virtckpt::conf::PrepareRedefine(&redefined, multi);
  CHECK(virtckpt::conf::FormatCheckpoint(redefined, virtckpt::conf::kFormatSecure) == redefine);
}

TEST_CASE("our formatter's golden output validates against libvirt's schema",
          "[schemas][libvirt]") {
  struct Output {
    std::string what;
    size_t job;
  };
  std::vector<Output> outputs;
  LibvirtValidator validator;
  for (const test::Case& c : test::kGoldenCases) {
    auto def = test::CreateOrRedefine(c, test::ReadFile(test::Golden("in/") + c.name + ".xml"));
    for (unsigned flags : {unsigned{virtckpt::conf::kFormatSecure},
                           virtckpt::conf::kFormatSecure | virtckpt::conf::kFormatNoDomain}) {
      std::string text = virtckpt::conf::FormatCheckpoint(def, flags);
      std::string what = std::string(c.name) + " (format flags " + std::to_string(flags) + ")";
      INFO(what);
      CHECK(OurValidation(text, "domaincheckpoint.rng") == "");
      outputs.push_back({what, validator.Add(text, "domaincheckpoint")});
    }
    if (def.domain) {
      // The embedded domain, on its own, is a valid libvirt domain and one of ours.
      std::string domain = def.domain->Format(0, true);
      INFO(std::string(c.name) + " (embedded domain)");
      CHECK(OurValidation(domain, "domain.rng") == "");
      outputs.push_back(
          {std::string(c.name) + " (embedded domain)", validator.Add(domain, "domain")});
    }
  }
  CHECK(outputs.size() > 2 * std::size(test::kGoldenCases));
  std::vector<std::string> results = validator.Run();
  for (const Output& o : outputs) {
    INFO(o.what);
    CHECK(results[o.job] == "");
  }
}

TEST_CASE("libvirt's conformance files: valid ones pass both schemas, *-invalid fail both",
          "[schemas][libvirt]") {
  struct File {
    const char* path;
    bool valid;
  };
  const File files[] = {
      {"qemudomaincheckpointxml2xmlin/disk-default.xml", true},
      {"qemudomaincheckpointxml2xmlin/disk-invalid.xml", false},
      {"qemudomaincheckpointxml2xmlin/empty.xml", true},
      {"qemudomaincheckpointxml2xmlin/name-invalid.xml", false},
      {"qemudomaincheckpointxml2xmlin/sample.xml", true},
      {"qemudomaincheckpointxml2xmlin/size.xml", true},
      {"qemudomaincheckpointxml2xmlout/disk-default.xml", true},
      {"qemudomaincheckpointxml2xmlout/empty.xml", true},
      {"qemudomaincheckpointxml2xmlout/internal-active-invalid.xml", false},
      {"qemudomaincheckpointxml2xmlout/internal-inactive-invalid.xml", false},
      {"qemudomaincheckpointxml2xmlout/redefine.xml", true},
      {"qemudomaincheckpointxml2xmlout/sample.xml", true},
      {"qemudomaincheckpointxml2xmlout/size.xml", true},
  };
  LibvirtValidator validator;
  for (const File& f : files) {
    INFO(f.path);
    std::string text = test::ReadFile(test::Golden("libvirt/") + f.path);
    CHECK(OurValidation(text, "domaincheckpoint.rng").empty() == f.valid);
    validator.Add(text, "domaincheckpoint");
  }
  std::vector<std::string> results = validator.Run();
  for (size_t i = 0; i < std::size(files); ++i) {
    INFO(files[i].path);
    CHECK(results[i].empty() == files[i].valid);
  }
}

TEST_CASE("invalid golden cases that fail the schema fail libvirt's schema too",
          "[schemas][libvirt]") {
  LibvirtValidator validator;
  std::vector<std::string> names;
  for (const test::Case& c : test::kInvalidCases) {
    std::string err = test::ReadFile(test::Golden("invalid/") + c.name + ".err");
    if (err.rfind("XML document failed to validate against schema", 0) != 0) continue;
    std::string text = test::ReadFile(test::Golden("invalid/") + c.name + ".xml");
    INFO(c.name);
    CHECK_FALSE(OurValidation(text, "domaincheckpoint.rng").empty());
    validator.Add(text, "domaincheckpoint");
    names.push_back(c.name);
  }
  CHECK(names.size() == 18);
  std::vector<std::string> results = validator.Run();
  for (size_t i = 0; i < names.size(); ++i) {
    INFO(names[i]);
    CHECK_FALSE(results[i].empty());
  }
}

// What the libvirt half of the test needs, or why it cannot run: virt-xml-validate exits 4 when
// the schema of the type it is asked for is not installed.
std::string MissingLibvirtValidation() {
  if (!test::HaveProgram("virt-xml-validate")) {
    return "virt-xml-validate (package libvirt-clients) is not installed";
  }
  if (!test::HaveProgram("xmllint")) return "xmllint (package libxml2-utils) is not installed";
  test::TempDir tmp;
  test::WriteFile(tmp.path() + "/probe.xml", "<domaincheckpoint/>\n");
  int rc = test::RunShell("virt-xml-validate " + test::ShellQuote(tmp.path() + "/probe.xml") +
                          " domaincheckpoint >/dev/null 2>&1");
  if (rc != 0) {
    return "virt-xml-validate cannot validate a domaincheckpoint (exit status " +
           std::to_string(rc) + "): libvirt's schemas (package libvirt0) are missing";
  }
  return "";
}

int main(int argc, char** argv) {
  std::string missing = MissingLibvirtValidation();
  if (!missing.empty()) {
    std::printf("SKIP: %s; validation against libvirt's schemas not checked\n", missing.c_str());
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
