#include "cli/backup_commands.hpp"

#include <cstdio>
#include <ostream>

#include "backup/backup_request.hpp"
#include "backup/catalog_backup.hpp"
#include "backup/domain_backup_xml.hpp"
#include "cli/domain_access.hpp"
#include "cli/job_info.hpp"
#include "cli/json_output.hpp"
#include "cli/plan_output.hpp"
#include "cli/table.hpp"
#include "cli/xml_output.hpp"
#include "conf/checkpoint_def.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"
#include "util/json.hpp"
#include "xml/writer.hpp"

namespace virtckpt::cli {

namespace {

void ExclusiveOutputs(const Arguments& args) {
  if (args.Flag("json") && args.Flag("xml")) {
    throw CommandError({"Options --json and --xml are mutually exclusive"});
  }
  if (args.Has("pull-socket") && !args.Flag("xml")) {
    throw CommandError({"Option --xml is required by option --pull-socket"});
  }
  if (auto socket = args.Get("pull-socket"); socket && (socket->empty() || (*socket)[0] != '/')) {
    throw util::Error(util::ErrorCode::InvalidArg, "--pull-socket needs an absolute path");
  }
}

void PrintPlan(Context& ctx, const Arguments& args, const backup::BackupPlan& plan,
               const std::optional<store::BackupJob>& job) {
  if (args.Flag("xml")) {
    ctx.out << backup::FormatDomainBackup(plan, args.Get("pull-socket"));
  } else if (args.Flag("json")) {
    ctx.out << FormatPlanJson(plan, job);
  } else {
    ctx.out << FormatPlanText(plan, ctx.quiet);
  }
}

// Both sources of one fact must agree: never resolved silently in favour of one.
void Agree(const std::optional<std::string>& option, const std::string& option_name,
           const std::optional<std::string>& document, const std::string& what,
           const std::string& file) {
  if (option && document && *option != *document) {
    throw util::Error(util::ErrorCode::InvalidArg, option_name + " names checkpoint '" + *option +
                                                       "' but the " + what + " of " + file +
                                                       " names '" + *document + "'");
  }
}

// The checkpoint the job creates, from --checkpoint and --checkpointxml; none when neither.
std::optional<conf::CheckpointDef> NewCheckpoint(const Arguments& args) {
  std::optional<std::string> name = args.GetNonEmpty("checkpoint");
  std::optional<std::string> file = args.GetNonEmpty("checkpointxml");
  if (!name && !file) return std::nullopt;
  // The name goes through the document, so that the schema checks it as for checkpoint-create.
  std::string checkpoint_xml;
  if (file) {
    checkpoint_xml = util::ReadFile(*file);
  } else {
    xml::Writer writer(&checkpoint_xml);
    writer.Start("domaincheckpoint");
    writer.TextElement("name", *name);
    writer.End();
  }
  conf::CheckpointDef def = conf::ParseCheckpoint(checkpoint_xml, 0);
  if (name && file) {
    conf::CheckCheckpointName(*name);
    Agree(name, "--checkpoint", def.name.empty() ? std::nullopt : std::optional(def.name), "<name>",
          *file);
    def.name = *name;
  }
  return def;
}

// Our own options: the plan is printed. Without them the command is virsh's.
bool OwnForm(const Arguments& args) {
  for (const char* option : {"since", "checkpoint", "json", "xml", "pull-socket", "owner"}) {
    if (args.Has(option)) return true;
  }
  return false;
}

std::string EndedMessage(const store::BackupJob& job, const char* how) {
  if (job.checkpoint.empty()) return std::string("Backup job ") + how + "\n";
  return "Backup job of checkpoint " + job.checkpoint + " " + how +
         (std::string(how) == "aborted" ? ": checkpoint removed\n" : "\n");
}

}  // namespace

void RunBackupPlan(Context& ctx, const Arguments& args) {
  ExclusiveOutputs(args);
  OpenDomain open = Open(ctx, args, store::Access::Read);
  PrintPlan(ctx, args, backup::PlanDomainBackup(*open.catalog, args.GetNonEmpty("since")),
            std::nullopt);
}

void RunBackupBegin(Context& ctx, const Arguments& args) {
  ExclusiveOutputs(args);
  std::optional<std::string> since = args.GetNonEmpty("since");
  std::optional<std::string> pull_socket = args.Get("pull-socket");
  if (auto backup_xml = args.GetNonEmpty("backupxml")) {
    backup::BackupRequest request =
        backup::ParseBackupRequest(util::ReadFile(*backup_xml), *backup_xml);
    Agree(since, "--since", request.incremental, "<incremental>", *backup_xml);
    if (!since) since = request.incremental;
    if (pull_socket && request.pull_socket && *pull_socket != *request.pull_socket) {
      throw util::Error(util::ErrorCode::InvalidArg, "--pull-socket names '" + *pull_socket +
                                                         "' but the <server> of " + *backup_xml +
                                                         " names '" + *request.pull_socket + "'");
    }
    if (!pull_socket) pull_socket = request.pull_socket;
  }
  backup::BackupStart start;
  start.since = since;
  start.pull_socket = pull_socket;
  start.reuse_external = args.Flag("reuse-external");
  start.checkpoint = NewCheckpoint(args);
  start.owner = args.Get("owner").value_or("");
  OpenDomain open = Open(ctx, args, store::Access::Write, false);
  backup::StartedBackup started =
      backup::BeginDomainBackup(*open.catalog, std::move(start), ctx.now);
  const store::BackupJob& job = started.job;
  if (!OwnForm(args)) {
    ctx.out << "Backup started\n";
    return;
  }
  if (!args.Flag("xml") && !args.Flag("json")) {
    PrintExtra(ctx, job.checkpoint.empty()
                        ? std::string("Backup started: no checkpoint is created\n")
                        : "Backup started: checkpoint " + job.checkpoint + " is pending\n");
  }
  PrintPlan(ctx, args, started.plan, job);
}

void RunBackupDumpXml(Context& ctx, const Arguments& args) {
  OpenDomain open = Open(ctx, args, store::Access::Read, false);
  PrintXmlOrXPath(ctx, args, backup::PendingBackupXml(*open.catalog), "(domain_backup)");
}

void RunBackupEnd(Context& ctx, const Arguments& args) {
  bool commit = args.Flag("commit");
  bool abort = args.Flag("abort");
  if (commit == abort) throw CommandError({"exactly one of --commit and --abort is required"});
  OpenDomain open = Open(ctx, args, store::Access::Write, false);
  if (commit) {
    PrintExtra(ctx, EndedMessage(open.catalog->CommitBackup(ctx.now()), "committed"));
  } else {
    PrintExtra(ctx, EndedMessage(open.catalog->AbortBackup(ctx.now()), "aborted"));
  }
}

void RunDomJobAbort(Context& ctx, const Arguments& args) {
  OpenDomain open = Open(ctx, args, store::Access::Write, false);
  open.catalog->AbortJob(ctx.now(), args.Flag("postcopy"));
}

void RunDomJobInfo(Context& ctx, const Arguments& args) {
  CheckJobInfoOptions(args);
  if (args.Flag("completed")) {
    RunCompletedJobInfo(ctx, args);
    return;
  }
  OpenDomain open = Open(ctx, args, store::Access::Read, false);
  std::optional<store::BackupJob> job = open.catalog->PendingJob();
  if (args.Flag("json")) {
    util::JsonWriter json;
    json.BeginObject().Key("domain").String(open.catalog->domain().name()).Key("job");
    if (job) {
      WriteJob(json, *job);
    } else {
      json.Null();
    }
    json.EndObject();
    ctx.out << json.str() << "\n";
    return;
  }
  PrintRunningJobInfo(ctx, args, job);
}

void RunBitmapOps(Context& ctx, const Arguments& args) {
  OpenDomain open =
      Open(ctx, args, args.Flag("clear") ? store::Access::Write : store::Access::Read);
  if (args.Flag("clear")) {
    open.catalog->ClearBitmapOps();
    PrintExtra(ctx,
               "Bitmap operations of domain '" + open.catalog->domain().name() + "' cleared\n");
    return;
  }
  const auto& ops = open.catalog->bitmap_ops();
  if (args.Flag("json")) {
    util::JsonWriter json;
    json.BeginObject().Key("domain").String(open.catalog->domain().name());
    json.Key("bitmapOps").BeginArray();
    for (const auto& op : ops) {
      json.BeginObject()
          .Key("operation")
          .String(store::BitmapOpKindToString(op.kind))
          .Key("target")
          .String(op.disk)
          .Key("source")
          .StringOrNull(op.image)
          .Key("bitmap")
          .String(op.bitmap)
          .Key("into")
          .StringOrNull(op.into)
          .Key("reason")
          .StringOrNull(op.reason)
          .EndObject();
    }
    ctx.out << json.EndArray().EndObject().str() << "\n";
    return;
  }
  Table table({"Op", "Disk", "Image", "Bitmap", "Into", "Reason"});
  for (const auto& op : ops) {
    table.AddRow({store::BitmapOpKindToString(op.kind), op.disk, op.image.empty() ? "-" : op.image,
                  op.bitmap, op.into.empty() ? "-" : op.into, op.reason});
  }
  ctx.out << table.Format(ctx.quiet);
}

}  // namespace virtckpt::cli
