#include "cli/domain_commands.hpp"

#include <ostream>

#include "cli/domain_access.hpp"
#include "cli/domain_list.hpp"
#include "cli/table.hpp"
#include "cli/undefine_options.hpp"
#include "cli/xml_output.hpp"
#include "conf/domain_def.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"
#include "xml/document.hpp"

namespace virtckpt::cli {

namespace {

// --bitmap-model, --bitmap-mode, --granularity on top of `base`.
store::DomainSettings SettingsFrom(const Arguments& args, store::DomainSettings base) {
  if (auto model = args.Get("bitmap-model")) {
    auto parsed = store::BitmapModelFromString(*model);
    if (!parsed) {
      throw CommandError({"invalid argument: unknown bitmap model '" + *model +
                          "' (expected cumulative or delta)"});
    }
    base.model = *parsed;
  }
  if (auto mode = args.Get("bitmap-mode")) {
    auto parsed = store::BitmapModeFromString(*mode);
    if (!parsed) {
      throw CommandError(
          {"invalid argument: unknown bitmap mode '" + *mode + "' (expected external or managed)"});
    }
    base.mode = *parsed;
  }
  if (auto granularity = args.Get("granularity")) {
    auto parsed = util::ParseUint64(*granularity);
    // qcow2 bitmaps: a power of two from 512 bytes to 2 GiB.
    if (!parsed || *parsed < 512 || *parsed > (1ull << 31) || (*parsed & (*parsed - 1)) != 0) {
      throw CommandError({"invalid argument: granularity '" + *granularity +
                          "' must be a power of two between 512 and 2147483648"});
    }
    base.granularity = *parsed;
  }
  return base;
}

bool HasSettingOptions(const Arguments& args) {
  return args.Has("bitmap-model") || args.Has("bitmap-mode") || args.Has("granularity");
}

std::string ModelChangeRefused(const std::string& domain, size_t checkpoints) {
  return "Requested operation is not valid: cannot change the bitmap model of domain '" + domain +
         "' while it has " + std::to_string(checkpoints) + " checkpoints";
}

xml::Node ParseDeviceFile(const std::string& path) {
  xml::ParseOptions options;
  options.source = "(device_definition)";
  return xml::Document::Parse(util::ReadFile(path), options).Root();
}

xml::Node DiskDevice(const xml::Node& device) {
  if (device.name() != "disk") {
    throw util::Error(util::ErrorCode::Unsupported,
                      "Operation not supported: only <disk> devices can be attached or detached, "
                      "not <" +
                          device.name() + ">");
  }
  return device;
}

void Commit(OpenDomain& open, const conf::DomainDef& def) {
  store::Change change;
  change.domain = def;
  open.session->Commit(change);
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
  auto fail = [&](const std::string& why) -> CommandError {
    return CommandError({"Failed to define domain from " + file, why});
  };
  conf::DomainDef def = [&] {
    try {
      return conf::DomainDef::Parse(text);
    } catch (const util::Error& e) {
      throw fail(e.what());
    }
  }();
  // A store that does not exist yet holds no domain; its first define makes it.
  bool store_exists = ctx.backend().Exists();
  if (store_exists && !def.uuid().empty()) {
    std::optional<std::string> holder = ctx.backend().ResolveDomain(def.uuid());
    if (holder && *holder != def.name()) {
      throw fail("operation failed: domain '" + *holder + "' already exists with uuid " +
                 def.uuid());
    }
  }
  std::optional<store::DomainSettings> settings;
  if (store_exists && ctx.backend().ResolveDomain(def.name()) == def.name()) {
    auto session = ctx.backend().Open(def.name(), store::Access::Read);
    WarnIfJobPending(ctx, store::Catalog(*session));
    const std::string& old_uuid = session->domain().uuid();
    if (!def.uuid().empty() && def.uuid() != old_uuid) {
      throw fail("operation failed: domain '" + def.name() + "' already exists with uuid " +
                 old_uuid);
    }
    def.EnsureUuid(old_uuid);
    if (HasSettingOptions(args)) {
      settings = SettingsFrom(args, session->settings());
      size_t count = session->checkpoints().size();
      if (settings->model != session->settings().model && count > 0) {
        throw fail(ModelChangeRefused(def.name(), count));
      }
    }
  } else {
    def.EnsureUuid();
    settings = SettingsFrom(args, {});
  }
  try {
    RefuseIfReadOnly(ctx);
  } catch (const util::Error& e) {
    throw fail(e.what());
  }
  ctx.backend().Define(def, settings);
  PrintExtra(ctx, "Domain '" + def.name() + "' defined from " + file + "\n");
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
  RefuseRemovals(ctx.backend().Open(name, store::Access::Read)->domain(), args);
  std::vector<store::BitmapOp> dropped;
  try {
    RefuseIfReadOnly(ctx);
    dropped = ctx.backend().Undefine(name, args.Flag("checkpoints-metadata"));
  } catch (const util::Error& e) {
    if (e.code() != util::ErrorCode::OperationInvalid && e.code() != util::ErrorCode::Forbidden) {
      throw;
    }
    throw CommandError({"Failed to undefine domain '" + name + "'", e.what()});
  }
  for (const store::BitmapOp& op : dropped) {
    ctx.out.flush();
    ctx.err << "warning: pending bitmap operation dropped: " << DescribeBitmapOp(op) << "\n";
  }
  PrintExtra(ctx, "Domain '" + name + "' has been undefined\n");
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
  OpenDomain open = OpenForDeviceChange(ctx, args);
  std::string file = args.GetNonEmpty("file").value_or("");
  try {
    RefuseDeviceChangeIfReadOnly(ctx, args);
    conf::DomainDef def = open.catalog->domain();
    def.AttachDisk(DiskDevice(ParseDeviceFile(file)));
    Commit(open, def);
  } catch (const util::Error& e) {
    throw CommandError({"Failed to attach device from " + file, e.what()});
  }
  PrintExtra(ctx, "Device attached successfully\n");
}

void RunDetachDevice(Context& ctx, const Arguments& args) {
  OpenDomain open = OpenForDeviceChange(ctx, args);
  std::string file = args.GetNonEmpty("file").value_or("");
  try {
    RefuseDeviceChangeIfReadOnly(ctx, args);
    conf::DomainDef def = open.catalog->domain();
    def.DetachDisk(conf::ParseDomainDisk(DiskDevice(ParseDeviceFile(file))).target_dev);
    Commit(open, def);
  } catch (const util::Error& e) {
    throw CommandError({"Failed to detach device from " + file, e.what()});
  }
  PrintExtra(ctx, "Device detached successfully\n");
}

void RunDetachDisk(Context& ctx, const Arguments& args) {
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
  def.DetachDisk(disk->target_dev);
  Commit(open, def);
  PrintExtra(ctx, "Disk detached successfully\n");
}

void RunDomainSet(Context& ctx, const Arguments& args) {
  OpenDomain open =
      Open(ctx, args, HasSettingOptions(args) ? store::Access::Write : store::Access::Read);
  store::DomainSettings settings = open.session->settings();
  if (HasSettingOptions(args)) {
    store::DomainSettings wanted = SettingsFrom(args, settings);
    size_t count = open.catalog->tree().size();
    if (wanted.model != settings.model && count > 0) {
      throw CommandError({ModelChangeRefused(open.catalog->domain().name(), count)});
    }
    store::Change change;
    change.settings = wanted;
    open.session->Commit(change);
    settings = wanted;
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
