#include "cli/backup_commands.hpp"

#include <cstdio>
#include <ostream>

#include "backup/chain_walker.hpp"
#include "backup/domain_backup_xml.hpp"
#include "cli/domain_access.hpp"
#include "cli/plan_output.hpp"
#include "cli/table.hpp"
#include "conf/checkpoint_def.hpp"
#include "qcow2/image_probe.hpp"
#include "util/clock.hpp"
#include "util/file_util.hpp"
#include "util/json.hpp"
#include "xml/document.hpp"
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
    throw CommandError({"invalid argument: --pull-socket needs an absolute path"});
  }
}

backup::BackupPlan Plan(const store::Catalog& catalog, const std::optional<std::string>& since) {
  backup::WalkInput input{catalog.domain(),   catalog.tree(), catalog.current(),
                          catalog.settings(), since,          qcow2::ProbeDiskImage};
  backup::BackupPlan plan = backup::PlanBackup(input);
  size_t ops = catalog.bitmap_ops().size();
  if (ops > 0) {
    plan.notes.push_back(
        std::to_string(ops) +
        " bitmap operations recorded by deletes or aborted jobs are not carried out yet "
        "(see bitmap-ops)");
  }
  return plan;
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

// The <incremental> of a <domainbackup> document, if any.
std::optional<std::string> IncrementalOf(const std::string& path) {
  xml::ParseOptions options;
  options.source = "(domain_backup)";
  xml::Document doc = xml::Document::Parse(util::ReadFile(path), options);
  if (doc.RootName() != "domainbackup") {
    throw CommandError(
        {"XML error: expecting root element of 'domainbackup', not '" + doc.RootName() + "'"});
  }
  return doc.Root().ChildText("incremental");
}

}  // namespace

void RunBackupPlan(Context& ctx, const Arguments& args) {
  ExclusiveOutputs(args);
  OpenDomain open = Open(ctx, args, store::Access::Read);
  PrintPlan(ctx, args, Plan(*open.catalog, args.GetNonEmpty("since")), std::nullopt);
}

void RunBackupBegin(Context& ctx, const Arguments& args) {
  ExclusiveOutputs(args);
  std::optional<std::string> since = args.GetNonEmpty("since");
  if (auto backup_xml = args.GetNonEmpty("backupxml")) {
    std::optional<std::string> incremental = IncrementalOf(*backup_xml);
    if (since && incremental && *since != *incremental) {
      throw CommandError({"invalid argument: --since names checkpoint '" + *since +
                          "' but the <incremental> of " + *backup_xml + " names '" + *incremental +
                          "'"});
    }
    if (!since) since = incremental;
  }
  std::optional<std::string> name = args.GetNonEmpty("checkpoint");
  std::optional<std::string> file = args.GetNonEmpty("checkpointxml");
  // The name goes through the document, so that the schema checks it as for checkpoint-create.
  std::string checkpoint_xml = file ? util::ReadFile(*file)
                                    : "<domaincheckpoint>" +
                                          (name ? "<name>" + xml::Escape(*name) + "</name>" : "") +
                                          "</domaincheckpoint>";
  conf::CheckpointDef def = conf::ParseCheckpoint(checkpoint_xml, 0);
  if (name && file) {
    if (!conf::IsValidCheckpointName(*name)) {
      throw CommandError({"invalid argument: checkpoint name '" + *name +
                          "' must match [a-zA-Z0-9_-][a-zA-Z0-9_.-]*"});
    }
    if (!def.name.empty() && def.name != *name) {
      throw CommandError({"invalid argument: --checkpoint names checkpoint '" + *name + "' but " +
                          *file + " names '" + def.name + "'"});
    }
    def.name = *name;
  }
  if (def.name.empty()) {
    throw CommandError(
        {"backup-begin needs the new checkpoint: --checkpoint NAME or "
         "--checkpointxml FILE"});
  }
  OpenDomain open = Open(ctx, args, store::Access::Write, false);
  backup::BackupPlan plan = Plan(*open.catalog, since);
  open.catalog->BeginBackup(std::move(def), since.value_or(""), args.Get("owner").value_or(""),
                            ctx.now());
  std::optional<store::BackupJob> job = open.catalog->PendingJob();
  if (!args.Flag("xml") && !args.Flag("json")) {
    PrintExtra(ctx, "Backup started: checkpoint " + job->checkpoint + " is pending\n");
  }
  PrintPlan(ctx, args, plan, job);
}

void RunBackupEnd(Context& ctx, const Arguments& args) {
  bool commit = args.Flag("commit");
  bool abort = args.Flag("abort");
  if (commit == abort) throw CommandError({"exactly one of --commit and --abort is required"});
  OpenDomain open = Open(ctx, args, store::Access::Write, false);
  std::optional<store::BackupJob> job = open.catalog->PendingJob();
  if (commit) {
    open.catalog->CommitBackup();
    PrintExtra(ctx, "Backup job of checkpoint " + job->checkpoint + " committed\n");
  } else {
    open.catalog->AbortBackup();
    PrintExtra(ctx,
               "Backup job of checkpoint " + job->checkpoint + " aborted: checkpoint removed\n");
  }
}

void RunDomJobInfo(Context& ctx, const Arguments& args) {
  OpenDomain open = Open(ctx, args, store::Access::Read, false);
  std::optional<store::BackupJob> job = open.catalog->PendingJob();
  if (args.Flag("json")) {
    util::JsonWriter json;
    json.BeginObject().Key("domain").String(open.catalog->domain().name()).Key("job");
    if (job) {
      json.BeginObject()
          .Key("operation")
          .String("backup")
          .Key("checkpoint")
          .String(job->checkpoint)
          .Key("since")
          .StringOrNull(job->since)
          .Key("started")
          .Number(job->started)
          .EndObject();
    } else {
      json.Null();
    }
    json.EndObject();
    ctx.out << json.str() << "\n";
    return;
  }
  char line[1024];
  auto print = [&](const char* key, const std::string& value) {
    snprintf(line, sizeof line, "%-17s %s\n", key, value.c_str());
    ctx.out << line;
  };
  if (!job) {
    print("Job type:", "None");
    return;
  }
  print("Job type:", "Unbounded");
  print("Operation:", "Backup");
  print("Checkpoint:", job->checkpoint);
  print("Since:", job->since.empty() ? "-" : job->since);
  print("Started:", util::FormatLocalTime(job->started));
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
    json.BeginArray();
    for (const auto& op : ops) {
      json.BeginObject()
          .Key("op")
          .String(store::BitmapOpKindToString(op.kind))
          .Key("disk")
          .String(op.disk)
          .Key("image")
          .StringOrNull(op.image)
          .Key("bitmap")
          .String(op.bitmap)
          .Key("into")
          .StringOrNull(op.into)
          .Key("reason")
          .StringOrNull(op.reason)
          .EndObject();
    }
    json.EndArray();
    ctx.out << json.str() << "\n";
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
