// Byte identity with libvirt: the same checkpoint documents go through virsh 9.0 (test driver,
// one virsh process for the whole run, clock frozen at 1704067200 by faketime) and through our
// library; every `checkpoint-dumpxml` variant must equal our FormatCheckpoint output byte for
// byte, and every invalid golden case must fail with the same message as in virsh.
// Without virsh (or faketime) the test prints SKIP and exits 77, meson's "skipped".
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conf/checkpoint_def.hpp"
#include "conf/domain_def.hpp"
#include "golden_cases.hpp"
#include "test_support.hpp"
#include "util/error.hpp"
#include "xml/schema_path.hpp"

namespace {

namespace test = virtckpt::test;
using virtckpt::conf::CheckpointDef;
using virtckpt::conf::DomainDef;
using virtckpt::conf::FormatCheckpoint;
using virtckpt::conf::kFormatNoDomain;
using virtckpt::conf::kFormatSecure;
using virtckpt::conf::kParseRedefine;

const char kLibvirtSchema[] = "/usr/share/libvirt/schemas/domaincheckpoint.rng";

// A domain of xml-examples, indented to sit inside <domaincheckpoint>.
std::string Embedded(const std::string& name, const std::string& uuid = "") {
  std::string text = test::ReadFile(test::ExamplesDir() + "/domain-" + name + ".xml");
  if (!uuid.empty()) {
    DomainDef def = test::ExampleDomain(name);
    text = test::ReplaceAll(text, def.uuid(), uuid);
  }
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    out += "  " + text.substr(start, end - start + 1);
    start = end + 1;
  }
  return out;
}

// One document of the scenario: created (or redefined) on a domain of the test-driver node.
struct Step {
  std::string domain;  // "single" or "multi"
  std::string label;
  std::string xml;
  bool redefine;
};

std::vector<Step> Scenario() {
  std::string single = Embedded("single");
  std::string multi = Embedded("multi");
  std::string create_example = test::ReadFile(test::ExamplesDir() + "/checkpoint-create.xml");
  std::string redefine_example = test::ReadFile(test::ExamplesDir() + "/checkpoint-redefine.xml");
  return {
      // A chain on the one-disk domain.
      {"single", "unnamed root", "<domaincheckpoint/>\n", false},
      {"single", "description needing escapes",
       "<domaincheckpoint>\n  <name>c1</name>\n"
       "  <description>d &amp; &lt;x&gt; 'q' \"dq\"</description>\n</domaincheckpoint>\n",
       false},
      {"single", "multi-line description, CDATA, non-ASCII",
       "<domaincheckpoint><name>c2</name><description>line 1\n\tline 2\r\n"
       "<![CDATA[<b>&amp;</b>]]> caf\xc3\xa9 &#x263A;</description></domaincheckpoint>",
       false},
      {"single", "disk named by source path, custom bitmap",
       "<domaincheckpoint>\n  <name>c3</name>\n  <disks>\n"
       "    <disk name='/var/lib/libvirt/images/single-vda.qcow2' bitmap='c3-&lt;vda&gt;'/>\n"
       "  </disks>\n</domaincheckpoint>\n",
       false},
      {"single", "checkpoint='no'",
       "<domaincheckpoint>\n  <name>c4</name>\n  <disks>\n"
       "    <disk name='vda' checkpoint='no'/>\n  </disks>\n</domaincheckpoint>\n",
       false},
      {"single", "create ignores parent, creationTime and domain",
       "<domaincheckpoint>\n  <creationTime>5</creationTime>\n  <name>c5</name>\n"
       "  <parent>\n    <name>c1</name>\n  </parent>\n" +
           Embedded("single", "00000000-0000-0000-0000-000000000001") + "</domaincheckpoint>\n",
       false},
      {"single", "redefine: minimal root without <domain>",
       "<domaincheckpoint>\n  <name>r-root</name>\n"
       "  <creationTime>1700000000</creationTime>\n</domaincheckpoint>\n",
       true},
      {"single", "redefine: with <domain>, disks by path, under c1 (not current)",
       "<domaincheckpoint>\n  <name>r-side</name>\n  <description>side branch</description>\n"
       "  <parent>\n    <name>c1</name>\n  </parent>\n"
       "  <creationTime>1704000000</creationTime>\n  <disks>\n"
       "    <disk name='/var/lib/libvirt/images/single-vda.qcow2' bitmap='side'/>\n"
       "  </disks>\n" +
           single + "</domaincheckpoint>\n",
       true},
      {"single", "redefine: with <domain>, no <disks>, under the current checkpoint",
       "<domaincheckpoint>\n  <name>r-next</name>\n"
       "  <parent>\n    <name>c5</name>\n  </parent>\n"
       "  <creationTime>1704067100</creationTime>\n" +
           single + "</domaincheckpoint>\n",
       true},
      {"single", "create after a redefine that moved current",
       "<domaincheckpoint><name>c6</name></domaincheckpoint>", false},
      {"single", "redefine: existing c2 replaced, no <domain>, odd disks kept",
       "<domaincheckpoint>\n  <name>c2</name>\n  <description>replaced &amp; kept</description>\n"
       "  <parent>\n    <name>c1</name>\n  </parent>\n"
       "  <creationTime>1704067300</creationTime>\n  <disks>\n"
       "    <disk name='vdz'/>\n    <disk name='vda' checkpoint='no'/>\n"
       "    <disk name='/no/such/disk.img' bitmap='x'/>\n  </disks>\n</domaincheckpoint>\n",
       true},
      // The five-disk domain: qcow2, raw, readonly cdrom, empty cdrom.
      {"multi", "default disks on a multi-disk domain",
       "<domaincheckpoint>\n  <name>m1</name>\n</domaincheckpoint>\n", false},
      {"multi", "listed subset out of order, custom bitmap",
       "<domaincheckpoint>\n  <name>m2</name>\n  <disks>\n"
       "    <disk name='vdb'/>\n    <disk name='vda' checkpoint='bitmap' bitmap='custom'/>\n"
       "  </disks>\n</domaincheckpoint>\n",
       false},
      {"multi", "raw disk with a bitmap, readonly and empty cdroms by path and target",
       "<domaincheckpoint>\n  <name>m3</name>\n  <disks>\n"
       "    <disk name='sdb' checkpoint='no'/>\n"
       "    <disk name='/var/lib/libvirt/images/install.iso' checkpoint='no'/>\n"
       "    <disk name='/var/lib/libvirt/images/multi-vdc.raw'/>\n"
       "  </disks>\n</domaincheckpoint>\n",
       false},
      {"multi", "every disk checkpoint='no'",
       "<domaincheckpoint>\n  <name>m4</name>\n  <disks>\n"
       "    <disk name='vda' checkpoint='no'/>\n    <disk name='vdb' checkpoint='no'/>\n"
       "    <disk name='vdc' checkpoint='no'/>\n  </disks>\n</domaincheckpoint>\n",
       false},
      {"multi", "one bitmap name shared by two disks and reused",
       "<domaincheckpoint>\n  <name>m5</name>\n  <disks>\n"
       "    <disk name='vda' bitmap='m1'/>\n    <disk name='vdb' bitmap='m1'/>\n"
       "  </disks>\n</domaincheckpoint>\n",
       false},
      {"multi", "redefine: with <domain> and partial disks, under m2",
       "<domaincheckpoint>\n  <disks>\n    <disk name='vdb' bitmap='wm-vdb'/>\n"
       "    <disk name='vdc' checkpoint='no'/>\n  </disks>\n"
       "  <name>m-redef</name>\n  <parent>\n    <name>m2</name>\n  </parent>\n"
       "  <creationTime>1704067000</creationTime>\n" +
           multi + "</domaincheckpoint>\n",
       true},
      {"multi", "redefine: without <domain>, under m-redef",
       "<domaincheckpoint>\n  <name>m-redef2</name>\n"
       "  <description>&lt;imported&gt;</description>\n"
       "  <parent>\n    <name>m-redef</name>\n  </parent>\n"
       "  <creationTime>1704067001</creationTime>\n  <disks>\n"
       "    <disk name='vda'/>\n    <disk name='sda' checkpoint='no'/>\n"
       "  </disks>\n</domaincheckpoint>\n",
       true},
      {"multi", "parent of the examples",
       "<domaincheckpoint><name>weekly-2023-12-25</name></domaincheckpoint>", false},
      {"multi", "xml-examples/checkpoint-create.xml", create_example, false},
      {"multi", "xml-examples/checkpoint-redefine.xml", redefine_example, true},
  };
}

// virsh's format flags and ours.
struct Variant {
  const char* options;
  unsigned flags;
};
const Variant kVariants[] = {
    {"", 0},
    {" --no-domain", kFormatNoDomain},
    {" --security-info", kFormatSecure},
    {" --security-info --no-domain", kFormatSecure | kFormatNoDomain},
};

// The test driver's "current" checkpoint rules, for create's parent.
class CurrentTracker {
 public:
  std::string ParentForCreate(const std::string& domain) { return current_[domain]; }
  void Created(const std::string& domain, const std::string& name) { current_[domain] = name; }
  void Redefined(const std::string& domain, const CheckpointDef& def) {
    std::string& current = current_[domain];
    if (current.empty() || def.parent == current) current = def.name;
  }

 private:
  std::map<std::string, std::string> current_;
};

struct Command {
  std::string line;
  std::string expected_stdout;  // compared when checked
  std::string expected_stderr;
  std::string what;
};

// Runs the commands in ONE virsh process (the test driver lives in its memory) and returns per
// command its stdout and stderr, split at echo markers. virsh runs under the faketime program,
// which holds libfaketime's shared objects in /dev/shm for it and removes them when it ends,
// however it ends (libfaketime alone leaves them behind when its process is killed).
std::vector<std::pair<std::string, std::string>> RunVirsh(const test::TempDir& tmp,
                                                          const std::string& uri,
                                                          const std::vector<Command>& commands) {
  auto marker = [](size_t i) { return "@@VIRTCKPT-MARK-" + std::to_string(i) + "@@"; };
  std::string script;
  for (size_t i = 0; i <= commands.size(); ++i) {
    script += "echo " + marker(i) + "\necho --err " + marker(i) + "\n";
    if (i < commands.size()) script += commands[i].line + "\n";
  }
  test::WriteFile(tmp.path() + "/commands", script);
  std::filesystem::create_directories(tmp.path() + "/home");
  std::string env = "cd " + test::ShellQuote(tmp.path()) +
                    " && env TZ=UTC LC_ALL=C LANG=C TERM=dumb COLUMNS=1000000 HOME=" +
                    test::ShellQuote(tmp.path() + "/home") +
                    " XDG_CONFIG_HOME=" + test::ShellQuote(tmp.path() + "/home") +
                    " XDG_CACHE_HOME=" + test::ShellQuote(tmp.path() + "/home") +
                    " faketime -f '2024-01-01 00:00:00' virsh -c " + test::ShellQuote(uri) +
                    " <commands >stdout 2>stderr";
  int rc = test::RunShell(env);
  INFO("virsh session exit status " << rc);
  REQUIRE(rc == 0);
  std::string out = test::ReadFile(tmp.path() + "/stdout");
  std::string err = test::ReadFile(tmp.path() + "/stderr");
  std::vector<std::pair<std::string, std::string>> results;
  for (size_t i = 0; i < commands.size(); ++i) {
    // stdout: "MARK\nvirsh # echo --err MARK\n\nvirsh # LINE\n" OUTPUT "virsh # echo NEXT"
    std::string start_out = "\n" + marker(i) + "\n";
    size_t a = out.find(start_out);
    std::string echo = "virsh # " + commands[i].line + "\n";
    size_t b = a == std::string::npos ? a : out.find(echo, a);
    size_t c = out.find("virsh # echo " + marker(i + 1) + "\n", a);
    std::string o = (b == std::string::npos || c == std::string::npos || b > c)
                        ? "<could not find the output in virsh's stdout>"
                        : out.substr(b + echo.size(), c - b - echo.size());
    std::string start_err = "error: " + marker(i) + "\n";
    size_t d = err.find(start_err);
    size_t e = err.find("error: " + marker(i + 1) + "\n");
    std::string s = (d == std::string::npos || e == std::string::npos)
                        ? "<could not find the output in virsh's stderr>"
                        : err.substr(d + start_err.size(), e - d - start_err.size());
    results.emplace_back(o, s);
  }
  return results;
}

std::string Label(const std::string& label) { return "[" + label + "]"; }

int RunIdentity() {
  test::TempDir tmp;
  // The test-driver node: the two example domains, running.
  std::string node = "<node>\n" + Embedded("single") + Embedded("multi") + "</node>\n";
  test::WriteFile(tmp.path() + "/node.xml", node);
  std::string uri = "test://" + tmp.path() + "/node.xml";

  std::map<std::string, DomainDef> domains = {{"single", test::ExampleDomain("single")},
                                              {"multi", test::ExampleDomain("multi")}};
  CurrentTracker current;
  std::vector<Command> commands;
  size_t documents = 0;
  std::vector<Step> steps = Scenario();
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    std::string file = tmp.path() + "/doc" + std::to_string(i) + ".xml";
    test::WriteFile(file, step.xml);
    CheckpointDef def =
        virtckpt::conf::ParseCheckpoint(step.xml, step.redefine ? unsigned{kParseRedefine} : 0u);
    const DomainDef& domain = domains.at(step.domain);
    if (step.redefine) {
      virtckpt::conf::PrepareRedefine(&def, domain);
      current.Redefined(step.domain, def);
    } else {
      virtckpt::conf::PrepareCreate(&def, domain, test::kNow);
      def.parent = current.ParentForCreate(step.domain);
      current.Created(step.domain, def.name);
    }
    std::string base = "doc" + std::to_string(i) + ".xml";
    commands.push_back(
        {"checkpoint-create " + step.domain + " " + base + (step.redefine ? " --redefine" : ""),
         "Domain checkpoint " + def.name + " created from '" + base + "'\n", "",
         Label(step.label) + " create"});
    for (const Variant& v : kVariants) {
      commands.push_back({"checkpoint-dumpxml " + step.domain + " " + def.name + v.options,
                          FormatCheckpoint(def, v.flags) + "\n", "",
                          Label(step.label) + " dumpxml" + v.options});
    }
    ++documents;
  }
  // Every invalid golden case, in the same session: virsh's message is ours.
  for (const test::Case& c : test::kInvalidCases) {
    std::string file = test::Golden("invalid/") + c.name + ".xml";
    std::string message;
    try {
      test::CreateOrRedefine(c, test::ReadFile(file));
      message = "<accepted>";
    } catch (const virtckpt::util::Error& e) {
      message = test::ReplaceAll(e.what(), virtckpt::xml::SchemaPath("domaincheckpoint.rng"),
                                 kLibvirtSchema);
    }
    std::string domain = c.domain == test::Dom::kSingle ? "single" : "multi";
    commands.push_back({"checkpoint-create " + domain + " " + test::ShellQuote(file) +
                            (test::IsRedefine(c.name) ? " --redefine" : ""),
                        "\n", "error: " + message + "\n", Label(c.name)});
  }
  auto results = RunVirsh(tmp, uri, commands);
  REQUIRE(results.size() == commands.size());
  size_t compared = 0;
  for (size_t i = 0; i < commands.size(); ++i) {
    INFO(commands[i].what << "\n$ " << commands[i].line);
    CHECK(results[i].first == commands[i].expected_stdout);
    CHECK(results[i].second == commands[i].expected_stderr);
    compared += results[i].first == commands[i].expected_stdout &&
                results[i].second == commands[i].expected_stderr;
  }
  std::printf(
      "virsh identity: %zu documents x %zu dumpxml variants, %zu invalid documents; "
      "%zu of %zu commands identical\n",
      documents, std::size(kVariants), std::size(test::kInvalidCases), compared, commands.size());
  CHECK(documents >= 15);
  return 0;
}

}  // namespace

TEST_CASE("checkpoint-dumpxml of virsh 9.0 equals FormatCheckpoint, byte for byte", "[virsh]") {
  RunIdentity();
}

int main(int argc, char** argv) {
  if (!test::HaveProgram("virsh")) {
    std::printf(
        "SKIP: virsh (package libvirt-clients) is not installed; byte identity with "
        "libvirt not checked\n");
    return 77;
  }
  if (!test::HaveProgram("faketime")) {
    std::printf(
        "SKIP: faketime (package faketime) is not installed; byte identity with "
        "libvirt not checked\n");
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
