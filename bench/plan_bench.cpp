// Chain walker speed: a synthetic chain of 10,000 checkpoints with 50 disks each, built in
// memory (CheckpointSummary vector + CheckpointTree), and backup::PlanBackup since the root,
// the longest path there is. Prints the median of 20 runs next to the target (< 50 ms), for
// both bitmap models, and the time to build the tree separately.
//
//   plan_bench [CHECKPOINTS [DISKS [RUNS]]]     defaults: 10000 50 20
//
// Exit status 1 when a median misses the target (so that it can run as a benchmark test).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backup/chain_walker.hpp"
#include "backup/plan.hpp"
#include "conf/domain_def.hpp"
#include "store/checkpoint_tree.hpp"
#include "store/records.hpp"
#include "store/settings.hpp"

namespace {

using namespace virtckpt;
using Clock = std::chrono::steady_clock;

constexpr double kTargetMs = 50.0;
constexpr uint64_t kDiskSize = 10737418240ull;  // 10 GiB

// vda ... vdz, vdaa, vdab, ... as libvirt names them.
std::string Target(size_t index) {
  std::string suffix;
  size_t n = index + 1;
  while (n > 0) {
    --n;
    suffix.insert(suffix.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  }
  return "vd" + suffix;
}

std::string Source(size_t disk) {
  return "/var/lib/libvirt/images/bench-" + Target(disk) + ".qcow2";
}

std::string CheckpointName(size_t i) { return "ckpt-" + std::to_string(i); }

conf::DomainDef MakeDomain(size_t disks) {
  std::string xml =
      "<domain type='kvm'>\n"
      "  <name>bench</name>\n"
      "  <uuid>0b0a6a2c-5c4e-4d8e-9a77-000000000be1</uuid>\n"
      "  <memory unit='KiB'>1048576</memory>\n"
      "  <os>\n"
      "    <type arch='x86_64'>hvm</type>\n"
      "  </os>\n"
      "  <devices>\n";
  for (size_t d = 0; d < disks; ++d) {
    xml +=
        "    <disk type='file' device='disk'>\n"
        "      <driver name='qemu' type='qcow2'/>\n"
        "      <source file='" +
        Source(d) +
        "'/>\n"
        "      <target dev='" +
        Target(d) +
        "' bus='virtio'/>\n"
        "    </disk>\n";
  }
  xml += "  </devices>\n</domain>\n";
  return conf::DomainDef::Parse(xml, "(bench domain)");
}

store::CheckpointSummaries MakeChain(size_t count, size_t disks) {
  store::CheckpointSummaries chain;
  chain.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    store::CheckpointSummary c;
    c.name = CheckpointName(i);
    c.parent = i == 0 ? "" : CheckpointName(i - 1);
    c.creation_time = 1704067200 + static_cast<int64_t>(i) * 3600;
    c.link_seq = i + 1;
    c.has_domain = true;
    std::vector<store::CheckpointSummary::Disk> entries;
    entries.reserve(disks);
    for (size_t d = 0; d < disks; ++d) {
      store::CheckpointSummary::Disk disk;
      disk.target = Target(d);
      disk.type = conf::CheckpointType::Bitmap;
      disk.bitmap = c.name;
      disk.source = Source(d);
      disk.format = "qcow2";
      disk.virtual_size = kDiskSize;
      entries.push_back(std::move(disk));
    }
    c.set_disks(std::move(entries));
    chain.push_back(std::move(c));
  }
  return chain;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// CPU time of this thread: on a loaded machine wall time also counts the time spent waiting
// for a CPU, so both are reported.
double CpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct Stats {
  double median = 0, min = 0, max = 0;
  double cpu_median = 0;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

Stats Measure(size_t runs, const std::function<void()>& body) {
  std::vector<double> wall, cpu;
  wall.reserve(runs);
  cpu.reserve(runs);
  for (size_t r = 0; r < runs; ++r) {
    double cpu_start = CpuMs();
    auto start = Clock::now();
    body();
    wall.push_back(Ms(Clock::now() - start));
    cpu.push_back(CpuMs() - cpu_start);
  }
  Stats s;
  s.min = *std::min_element(wall.begin(), wall.end());
  s.max = *std::max_element(wall.begin(), wall.end());
  s.median = Median(wall);
  s.cpu_median = Median(cpu);
  return s;
}

void Print(const char* what, const Stats& s, bool with_target) {
  std::printf("%-40s median %8.3f ms wall, %8.3f ms cpu  (wall min %8.3f, max %8.3f)", what,
              s.median, s.cpu_median, s.min, s.max);
  if (with_target) {
    std::printf("  target < %.0f ms: %s", kTargetMs, s.median < kTargetMs ? "ok" : "MISSED");
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10000;
  size_t disks = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 50;
  size_t runs = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 20;
  if (count == 0 || disks == 0 || runs == 0) {
    std::fprintf(stderr, "usage: plan_bench [CHECKPOINTS [DISKS [RUNS]]]\n");
    return 2;
  }

  auto start = Clock::now();
  conf::DomainDef domain = MakeDomain(disks);
  store::CheckpointSummaries chain = MakeChain(count, disks);
  double setup_ms = Ms(Clock::now() - start);
  std::printf("synthetic chain: %zu checkpoints x %zu disks (%zu disk entries), %zu runs each\n",
              count, disks, count * disks, runs);
  std::printf("%-40s %8.3f ms (not part of any figure below)\n", "building the summaries",
              setup_ms);

  Stats tree_stats = Measure(runs, [&] {
    store::CheckpointTree tree(chain);
    if (tree.size() != count) std::abort();
  });
  Print("CheckpointTree construction", tree_stats, false);

  store::CheckpointTree tree(chain);
  std::string root = CheckpointName(0);
  std::string current = CheckpointName(count - 1);
  bool all_ok = true;
  for (store::BitmapModel model : {store::BitmapModel::Cumulative, store::BitmapModel::Delta}) {
    store::DomainSettings settings;
    settings.model = model;
    backup::WalkInput input{domain,
                            tree,
                            current,
                            settings,
                            root,
                            [](const conf::DomainDisk&) -> std::optional<qcow2::ImageFacts> {
                              return qcow2::ImageFacts{"qcow2", kDiskSize};
                            }};
    // Check the answer once: every disk incremental, with 1 or `count` bitmaps.
    backup::BackupPlan plan = backup::PlanBackup(input);
    size_t want = model == store::BitmapModel::Delta ? count : 1;
    if (plan.path.size() != count || plan.disks.size() != disks) {
      std::fprintf(stderr, "unexpected plan: path %zu, disks %zu\n", plan.path.size(),
                   plan.disks.size());
      return 2;
    }
    for (const auto& d : plan.disks) {
      if (d.mode != backup::DiskMode::Incremental || d.bitmaps.size() != want) {
        std::fprintf(stderr, "unexpected plan for disk %s: %s, %zu bitmaps\n", d.target.c_str(),
                     backup::DiskModeToString(d.mode), d.bitmaps.size());
        return 2;
      }
    }
    Stats s = Measure(runs, [&] {
      backup::BackupPlan p = backup::PlanBackup(input);
      if (p.disks.size() != disks) std::abort();
    });
    std::string label =
        std::string("PlanBackup since the root (") + store::BitmapModelToString(model) + ")";
    Print(label.c_str(), s, true);
    all_ok &= s.median < kTargetMs;
    Stats both = Measure(runs, [&] {
      store::CheckpointTree t(chain);
      backup::WalkInput fresh{input.domain,   t,           input.current,
                              input.settings, input.since, input.read_image};
      backup::BackupPlan p = backup::PlanBackup(fresh);
      if (p.disks.size() != disks) std::abort();
    });
    label = std::string("tree + PlanBackup (") + store::BitmapModelToString(model) + ")";
    Print(label.c_str(), both, true);
  }
  return all_ok ? 0 : 1;
}
