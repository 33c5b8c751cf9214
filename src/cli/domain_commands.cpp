#include "cli/domain_commands.hpp"

#include <ostream>

#include "cli/affect_flags.hpp"
#include "cli/domain_access.hpp"
#include "cli/domain_list.hpp"
#include "cli/table.hpp"
#include "cli/undefine_options.hpp"
#include "cli/xml_output.hpp"
#include "conf/domain_def.hpp"
#include "store/domain_definition.hpp"
#include "store/domain_removal.hpp"
#include "store/settings_rules.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"
#include "util/json.hpp"
#include "xml/document.hpp"

namespace virtckpt::cli {

namespace {

// --bitmap-model, --bitmap-mode, --granularity, as given.
store::SettingsChoice SettingsChoiceFrom(const Arguments& args) {
  return {args.Get("bitmap-model"), args.Get("bitmap-mode"), args.Get("granularity")};
}

xml::Node ParseDeviceFile(const std::string& path) {
  xml::ParseOptions options;
  options.source = "(device_definition)";
  return xml::Document::Parse(util::ReadFile(path), options).Root();
}

// virsh's --print-xml of detach-disk: the <disk> element cut out of the definition as dumpxml
// prints it, its inner whitespace kept (libxml2's serialization, double quotes), without a
// final newline.
std::string DiskXmlAsInDefinition(const conf::DomainDef& def, const conf::DomainDisk& disk) {
  xml::ParseOptions options;
  options.source = "(domain_definition)";
  xml::Document doc = xml::Document::Parse(def.Format(0, false), options);
  std::string xml =
      doc.DumpXPath("/domain/devices/disk[" + std::to_string(disk.position + 1) + "]", false);
  if (!xml.empty() && xml.back() == '\n') xml.pop_back();
  return xml;
}

}  // namespace

void RunDefine(Context& ctx, const Arguments& args) {
  std::string file = args.GetNonEmpty("file").value_or("");
  std::string text = util::ReadFile(file);
  // The definition's refusals, the bitmap options' too, come after virsh's first line; a file
  // that cannot be read does not.
  auto refused = [&](auto&& check) {
    try {
      return check();
    } catch (const util::Error& e) {
      throw CommandError({"Failed to define domain from " + file, e.what()});
    }
  };
  store::DomainDefinition definition(ctx.backend(),
                                     refused([&] { return conf::DomainDef::Parse(text); }));
  if (const store::Catalog* existing = definition.existing()) WarnIfJobPending(ctx, *existing);
  refused([&] { definition.CheckUuid(); });
  definition.EnsureUuid();
  store::SettingsChoice choice = SettingsChoiceFrom(args);
  if (!definition.existing() || !choice.empty()) {
    store::DomainSettings wanted =
        refused([&] { return store::ApplySettingsChoice(choice, definition.settings()); });
    refused([&] { definition.SetSettings(wanted); });
  }
  refused([&] { RefuseIfReadOnly(ctx); });
  definition.Commit();
  PrintExtra(ctx, "Domain '" + definition.def().name() + "' defined from " + file + "\n");
}

namespace {

// One line of what a pending bitmap operation would have done.
std::string DescribeBitmapOp(const store::BitmapOp& op) {
  std::string what = std::string(store::BitmapOpKindToString(op.kind)) + " bitmap '" + op.bitmap +
                     "'" + (op.into.empty() ? "" : " into '" + op.into + "'") + " of disk " +
                     op.disk;
  if (!op.image.empty()) what += " (" + op.image + ")";
  return op.reason.empty() ? what : what + ", recorded by " + op.reason;
}

}  // namespace

void RunUndefine(Context& ctx, const Arguments& args) {
  CheckUndefineOptions(args);
  std::string name = ResolveDomain(ctx, args);
  // virsh names the domain as it was given, a uuid too.
  std::string given = *args.Get("domain");
  {
    std::unique_ptr<store::DomainSession> session = ctx.backend().Open(name, store::Access::Read);
    WarnIfJobPending(ctx, store::Catalog(*session));
    CheckRemovals(session->domain(), args);
  }
  std::vector<store::BitmapOp> dropped;
  try {
    RefuseIfReadOnly(ctx);
    dropped = store::UndefineDomain(ctx.backend(), name, args.Flag("checkpoints-metadata"));
  } catch (const util::Error& e) {
    if (e.code() != util::ErrorCode::OperationInvalid &&
        e.code() != util::ErrorCode::OperationDenied) {
      throw;
    }
    throw CommandError({"Failed to undefine domain '" + given + "'", e.what()});
  }
  for (const store::BitmapOp& op : dropped) {
    ctx.out.flush();
    ctx.err << "warning: pending bitmap operation dropped: " << DescribeBitmapOp(op) << "\n";
  }
  PrintExtra(ctx, "Domain '" + given + "' has been undefined\n");
}

void RunList(Context& ctx, const Arguments& args) {
  for (const char* other : {"name", "uuid", "id", "table"}) {
    if (args.Flag("json") && args.Flag(other)) {
      throw CommandError(
          {std::string("Options --json and --") + other + " are mutually exclusive"});
    }
  }
  std::vector<ListedDomain> domains = SelectDomains(ctx, args);
  if (args.Flag("json")) {
    util::JsonWriter json;
    json.BeginObject().Key("domains").BeginArray();
    for (const ListedDomain& domain : domains) {
      json.BeginObject()
          .Key("name")
          .String(domain.name)
          .Key("uuid")
          .String(domain.uuid)
          .EndObject();
    }
    ctx.out << json.EndArray().EndObject().str() << "\n";
    return;
  }
  PrintDomainList(ctx, args, domains);
}

void RunDumpXml(Context& ctx, const Arguments& args) {
  OpenDomain open = Open(ctx, args, store::Access::Read);
  std::string xml = open.catalog->domain().Format(0, args.Flag("security-info"));
  PrintXmlOrXPath(ctx, args, xml, "(domain_definition)");
}

void RunDomBlkList(Context& ctx, const Arguments& args) {
  OpenDomain open = Open(ctx, args, store::Access::Read);
  if (args.Flag("json")) {
    util::JsonWriter json;
    json.BeginObject().Key("domain").String(open.catalog->domain().name()).Key("disks");
    json.BeginArray();
    for (const auto& disk : open.catalog->domain().disks()) {
      json.BeginObject()
          .Key("target")
          .String(disk.target_dev)
          .Key("type")
          .String(disk.type)
          .Key("device")
          .String(disk.device)
          .Key("source")
          .StringOrNull(disk.source.Identity())
          .Key("format")
          .StringOrNull(disk.driver_type)
          .EndObject();
    }
    ctx.out << json.EndArray().EndObject().str() << "\n";
    return;
  }
  bool details = args.Flag("details");
  Table table(details ? std::vector<std::string>{"Type", "Device", "Target", "Source"}
                      : std::vector<std::string>{"Target", "Source"});
  for (const auto& disk : open.catalog->domain().disks()) {
    std::string source = disk.IsEmpty() ? "-" : disk.source.Identity();
    if (details) {
      table.AddRow({disk.type, disk.device, disk.target_dev, source});
    } else {
      table.AddRow({disk.target_dev, source});
    }
  }
  ctx.out << table.Format(ctx.quiet);
}

void RunAttachDevice(Context& ctx, const Arguments& args) {
  RefuseClashingAffectFlags(args);
  OpenDomain open = OpenForDeviceChange(ctx, args);
  std::string file = args.GetNonEmpty("file").value_or("");
  try {
    RefuseDeviceChangeIfReadOnly(ctx, args);
    open.catalog->AttachDevice(ParseDeviceFile(file));
  } catch (const util::Error& e) {
    throw CommandError({"Failed to attach device from " + file, e.what()});
  }
  PrintExtra(ctx, "Device attached successfully\n");
}

void RunDetachDevice(Context& ctx, const Arguments& args) {
  RefuseClashingAffectFlags(args);
  OpenDomain open = OpenForDeviceChange(ctx, args);
  std::string file = args.GetNonEmpty("file").value_or("");
  try {
    RefuseDeviceChangeIfReadOnly(ctx, args);
    open.catalog->DetachDevice(ParseDeviceFile(file));
  } catch (const util::Error& e) {
    throw CommandError({"Failed to detach device from " + file, e.what()});
  }
  PrintExtra(ctx, "Device detached successfully\n");
}

void RunDetachDisk(Context& ctx, const Arguments& args) {
  RefuseClashingAffectFlags(args);
  bool print_xml = args.Flag("print-xml");
  OpenDomain open =
      print_xml ? Open(ctx, args, store::Access::Read) : OpenForDeviceChange(ctx, args);
  std::string target = args.GetNonEmpty("target").value_or("");
  conf::DomainDef def = open.catalog->domain();
  const conf::DomainDisk* disk = def.FindDisk(target);
  if (!disk) throw CommandError({"No disk found whose source path or target is " + target});
  if (print_xml) {
    ctx.out << DiskXmlAsInDefinition(def, *disk);
    return;
  }
  try {
    RefuseDeviceChangeIfReadOnly(ctx, args);
  } catch (const util::Error& e) {
    throw CommandError({"Failed to detach disk", e.what()});
  }
  open.catalog->DetachDisk(disk->target_dev);
  PrintExtra(ctx, "Disk detached successfully\n");
}

void RunDomainSet(Context& ctx, const Arguments& args) {
  store::SettingsChoice choice = SettingsChoiceFrom(args);
  OpenDomain open = Open(ctx, args, choice.empty() ? store::Access::Read : store::Access::Write);
  store::DomainSettings settings = open.catalog->settings();
  if (!choice.empty()) {
    settings = store::ApplySettingsChoice(choice, settings);
    open.catalog->ChangeSettings(settings);
  }
  if (args.Flag("json")) {
    util::JsonWriter json;
    json.BeginObject()
        .Key("domain")
        .String(open.catalog->domain().name())
        .Key("bitmapModel")
        .String(store::BitmapModelToString(settings.model))
        .Key("bitmapMode")
        .String(store::BitmapModeToString(settings.mode))
        .Key("granularity")
        .Unsigned(settings.granularity)
        .EndObject();
    ctx.out << json.str() << "\n";
    return;
  }
  ctx.out << "Bitmap model:   " << store::BitmapModelToString(settings.model) << "\n"
          << "Bitmap mode:    " << store::BitmapModeToString(settings.mode) << "\n"
          << "Granularity:    " << settings.granularity << "\n";
}

}  // namespace virtckpt::cli
