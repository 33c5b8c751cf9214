#include <algorithm>
#include <iostream>
#include <iterator>

#include "cli/domain_access.hpp"
#include "cli/exchange_commands.hpp"
#include "exchange/import_error.hpp"
#include "exchange/import_plan.hpp"
#include "util/json.hpp"

namespace virtckpt::cli {

namespace {

std::string ReadStandardInput() {
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

void PrintJson(Context& ctx, const exchange::ImportPlan& plan, bool dry_run) {
  util::JsonWriter json;
  // Keys as every other command names them (camelCase; the settings as domain-set's).
  json.BeginObject().Key("domain").String(plan.domain).Key("dryRun").Bool(dry_run);
  json.Key("changed").Bool(!plan.changes_nothing());
  json.Key("defineDomain").Bool(plan.define_domain);
  json.Key("definitionSource").StringOrNull(plan.definition_source);
  json.Key("settings").BeginObject();
  json.Key("bitmapModel").String(store::BitmapModelToString(plan.settings.model));
  json.Key("bitmapMode").String(store::BitmapModeToString(plan.settings.mode));
  json.Key("granularity").Unsigned(plan.settings.granularity).EndObject();
  json.Key("settingsChange").Bool(plan.settings_change);
  json.Key("current").StringOrNull(plan.current.value_or(""));
  json.Key("checkpoints").BeginArray();
  for (const exchange::PlannedCheckpoint& c : plan.checkpoints) {
    json.BeginObject().Key("name").String(c.name).Key("file").String(c.file);
    json.Key("action").String(exchange::ImportActionName(c.action));
    json.Key("reason").String(c.reason).EndObject();
  }
  json.EndArray().Key("warnings").BeginArray();
  for (const std::string& warning : plan.warnings) json.String(warning);
  json.EndArray();
  ctx.out << json.EndObject().str() << "\n";
}

std::string Verb(exchange::ImportAction action, bool dry_run) {
  switch (action) {
    case exchange::ImportAction::Create:
      return dry_run ? "Would create" : "Created";
    case exchange::ImportAction::Replace:
      return dry_run ? "Would replace" : "Replaced";
    case exchange::ImportAction::Skip:
      return dry_run ? "Would skip" : "Skipped";
  }
  return "";
}

void PrintText(Context& ctx, const exchange::ImportPlan& plan, bool dry_run) {
  if (plan.define_domain) {
    PrintExtra(ctx, std::string(dry_run ? "Would define" : "Defined") + " domain " + plan.domain +
                        " from '" + plan.definition_source + "'" + "\n");
  } else if (plan.settings_change) {
    PrintExtra(ctx, std::string(dry_run ? "Would set" : "Set") + " the settings of domain " +
                        plan.domain + " to the export's (--force)" + "\n");
  }
  for (const exchange::PlannedCheckpoint& c : plan.checkpoints) {
    PrintExtra(ctx, Verb(c.action, dry_run) + " domain checkpoint " + c.name + " from '" + c.file +
                        "': " + c.reason + "\n");
  }
  if (plan.change.set_current) {
    if (plan.current) {
      PrintExtra(ctx, std::string(dry_run ? "Would make " : "Made ") + *plan.current +
                          " the current checkpoint" + "\n");
    } else {
      PrintExtra(ctx, std::string(dry_run ? "Would leave no checkpoint current"
                                          : "No checkpoint is current") +
                          "\n");
    }
  }
  if (plan.changes_nothing()) {
    PrintExtra(ctx, "Nothing to import: domain " + plan.domain + " has all of it already\n");
  } else if (dry_run) {
    PrintExtra(ctx, "Nothing was changed (--dry-run)\n");
  }
}

}  // namespace

void RunCheckpointImport(Context& ctx, const Arguments& args) {
  const std::vector<std::string>& sources = args.All("source");
  if (sources.empty()) {
    throw CommandError({"command 'checkpoint-import' requires <source> option"});
  }
  if (ctx.interactive &&
      std::find(sources.begin(), sources.end(), std::string("-")) != sources.end()) {
    throw CommandError(
        {"standard input holds the commands: give the bundle as a file, or run "
         "the import as the command line's only command"});
  }
  bool dry_run = args.Flag("dry-run");
  if (!dry_run) RefuseIfReadOnly(ctx);
  std::string domain = args.Get("domain").value_or("");
  exchange::ImportOptions options;
  options.rename_domain = args.Flag("rename-domain");
  options.force = args.Flag("force");
  options.validate_disks = args.Flag("redefine-validate");
  options.owner = args.Get("owner");
  try {
    exchange::ImportSources read = exchange::ReadImportSources(sources, ReadStandardInput);
    exchange::Importer importer(ctx.backend(), domain,
                                dry_run ? store::Access::Read : store::Access::Write);
    for (const std::string& warning : importer.LoadWarnings()) {
      ctx.out.flush();
      ctx.err << "warning: " << warning << "\n";
    }
    exchange::ImportPlan plan = importer.Plan(std::move(read), options);
    if (!args.Flag("json")) {
      for (const std::string& warning : plan.warnings) {
        ctx.out.flush();
        ctx.err << "warning: " << warning << "\n";
      }
    }
    if (!dry_run) importer.Apply(plan);
    if (args.Flag("json")) {
      PrintJson(ctx, plan, dry_run);
    } else {
      PrintText(ctx, plan, dry_run);
    }
  } catch (const exchange::ImportError& e) {
    throw CommandError(e.lines());
  }
}

}  // namespace virtckpt::cli
