#include "cli/job_info.hpp"

#include <algorithm>
#include <array>
#include <ostream>

#include "cli/domain_access.hpp"
#include "util/clock.hpp"
#include "util/enum_names.hpp"
#include "util/json.hpp"

namespace virtckpt::cli {

namespace {

// The job types of libvirt's virDomainJobType that a backup job has, with virsh's names.
enum class JobType { None, Unbounded, Completed, Cancelled };
constexpr JobType kLastJobType = JobType::Cancelled;

constexpr util::EnumNames<JobType, 4> kJobTypeNames{{{
    {JobType::None, "None"},
    {JobType::Unbounded, "Unbounded"},
    {JobType::Completed, "Completed"},
    {JobType::Cancelled, "Cancelled"},
}}};
static_assert(kJobTypeNames.Covers(kLastJobType));

// The virDomainJobType numbers of the same types, which --rawstats prints.
constexpr std::array<int, 4> kLibvirtJobTypes = {0, 2, 3, 5};
static_assert(kLibvirtJobTypes.size() == static_cast<size_t>(kLastJobType) + 1);

// libvirt's VIR_DOMAIN_JOB_OPERATION_BACKUP.
constexpr int kBackupOperation = 9;

// What libvirt reports of a job, and what virtckpt knows of it besides.
struct JobStats {
  JobType type = JobType::None;
  int64_t elapsed_ms = 0;
  std::optional<bool> success;  // once the job has ended
  std::string checkpoint;
  std::string since;
  int64_t started = 0;
  std::optional<int64_t> ended;
};

int64_t ElapsedMs(int64_t started, int64_t ended) {
  return std::max<int64_t>(ended - started, 0) * 1000;
}

JobStats RunningStats(const store::BackupJob& job, int64_t now) {
  JobStats stats;
  stats.type = JobType::Unbounded;
  stats.elapsed_ms = ElapsedMs(job.started, now);
  stats.checkpoint = job.checkpoint;
  stats.since = job.since;
  stats.started = job.started;
  return stats;
}

JobStats CompletedStats(const store::CompletedJob& job) {
  bool committed = job.outcome == store::CompletedJob::Outcome::Committed;
  JobStats stats;
  stats.type = committed ? JobType::Completed : JobType::Cancelled;
  stats.elapsed_ms = ElapsedMs(job.started, job.ended);
  stats.success = committed;
  stats.checkpoint = job.checkpoint;
  stats.since = job.since;
  stats.started = job.started;
  stats.ended = job.ended;
  return stats;
}

std::string PadRight(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

// virsh's "%-17s %-12s" lines.
void PrintField(std::ostream& out, const char* label, const std::string& value) {
  out << PadRight(label, 17) << " " << PadRight(value, 12) << "\n";
}

// Ours, after virsh's lines: "%-17s %s".
void PrintExtraField(std::ostream& out, const char* label, const std::string& value) {
  out << PadRight(label, 17) << " " << value << "\n";
}

void PrintText(std::ostream& out, const JobStats& stats, bool anystats, bool completed) {
  PrintField(out, "Job type:", kJobTypeNames.Name(stats.type));
  if (stats.type == JobType::None) return;
  PrintField(out, "Operation:", "Backup");
  // virsh prints the statistics of running jobs, of a completed one asked for with
  // --completed, and of any other (a cancelled one) only with --anystats.
  bool statistics = anystats || stats.type == JobType::Unbounded ||
                    (completed && stats.type == JobType::Completed);
  if (!statistics) return;
  out << PadRight("Time elapsed:", 17) << " " << PadRight(std::to_string(stats.elapsed_ms), 12)
      << " ms\n";
  PrintExtraField(out, "Checkpoint:", stats.checkpoint.empty() ? "-" : stats.checkpoint);
  PrintExtraField(out, "Since:", stats.since.empty() ? "-" : stats.since);
  PrintExtraField(out, "Started:", util::FormatLocalTime(stats.started));
  if (stats.ended) PrintExtraField(out, "Ended:", util::FormatLocalTime(*stats.ended));
}

// virsh --rawstats: the job type's number, a blank line, then the typed parameters as
// "field: value" (libvirt's first, then ours).
void PrintRaw(std::ostream& out, const JobStats& stats) {
  out << "Job type: " << kLibvirtJobTypes[static_cast<size_t>(stats.type)] << "\n\n";
  if (stats.type == JobType::None) return;
  out << "operation: " << kBackupOperation << "\n";
  out << "time_elapsed: " << stats.elapsed_ms << "\n";
  if (stats.success) out << "success: " << (*stats.success ? "yes" : "no") << "\n";
  if (!stats.checkpoint.empty()) out << "checkpoint: " << stats.checkpoint << "\n";
  if (!stats.since.empty()) out << "since: " << stats.since << "\n";
  out << "started: " << stats.started << "\n";
  if (stats.ended) out << "ended: " << *stats.ended << "\n";
}

void PrintStats(Context& ctx, const Arguments& args, const JobStats& stats) {
  if (args.Flag("rawstats")) {
    PrintRaw(ctx.out, stats);
  } else {
    PrintText(ctx.out, stats, args.Flag("anystats"), args.Flag("completed"));
  }
}

std::string CompletedJson(const std::string& domain,
                          const std::optional<store::CompletedJob>& job) {
  util::JsonWriter json;
  json.BeginObject().Key("domain").String(domain).Key("job");
  if (job) {
    json.BeginObject()
        .Key("operation")
        .String("backup")
        .Key("outcome")
        .String(store::JobOutcomeToString(job->outcome))
        .Key("checkpoint")
        .StringOrNull(job->checkpoint)
        .Key("since")
        .StringOrNull(job->since)
        .Key("started")
        .Number(job->started)
        .Key("ended")
        .Number(job->ended)
        .EndObject();
  } else {
    json.Null();
  }
  json.EndObject();
  return json.str() + "\n";
}

}  // namespace

void CheckJobInfoOptions(const Arguments& args) {
  if (args.Flag("keep-completed") && !args.Flag("completed")) {
    throw CommandError({"Option --completed is required by option --keep-completed"});
  }
  if (args.Flag("json") && args.Flag("rawstats")) {
    throw CommandError({"Options --rawstats and --json are mutually exclusive"});
  }
}

void RunCompletedJobInfo(Context& ctx, const Arguments& args) {
  bool keep = args.Flag("keep-completed");
  OpenDomain open = Open(ctx, args, keep ? store::Access::Read : store::Access::Write, false);
  std::optional<store::CompletedJob> job = open.catalog->completed_job();
  // Forgotten before anything is printed: a failure to forget prints nothing.
  if (!keep) open.catalog->ForgetCompletedJob();
  if (args.Flag("json")) {
    ctx.out << CompletedJson(open.catalog->domain().name(), job);
    return;
  }
  PrintStats(ctx, args, job ? CompletedStats(*job) : JobStats{});
}

void PrintRunningJobInfo(Context& ctx, const Arguments& args,
                         const std::optional<store::BackupJob>& job) {
  PrintStats(ctx, args, job ? RunningStats(*job, ctx.now()) : JobStats{});
}

}  // namespace virtckpt::cli
