#include "cli/domain_commands.hpp"

#include <ostream>

#include "cli/domain_access.hpp"
#include "cli/table.hpp"
#include "cli/xml_output.hpp"
#include "conf/domain_def.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"
#include "util/json.hpp"
#include "util/strings.hpp"
#include "xml/document.hpp"
#include "xml/writer.hpp"

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

// The bus libvirt gives a target when none is named.
std::string DefaultBus(const std::string& target) {
  if (util::StartsWith(target, "vd")) return "virtio";
  if (util::StartsWith(target, "sd")) return "scsi";
  if (util::StartsWith(target, "hd")) return "ide";
  if (util::StartsWith(target, "xvd")) return "xen";
  if (util::StartsWith(target, "fd")) return "fdc";
  return "";
}

xml::Node AttachDiskXml(const Arguments& args) {
  std::string source = *args.Get("source");
  std::string target = *args.Get("target");
  std::string source_type =
      args.Get("sourcetype").value_or(util::StartsWith(source, "/dev/") ? "block" : "file");
  if (source_type != "file" && source_type != "block") {
    throw CommandError({"Unknown source type: '" + source_type + "'"});
  }
  std::string device = args.Get("type").value_or("disk");
  xml::Node disk = xml::Node::Element("disk");
  disk.SetAttribute("type", source_type).SetAttribute("device", device);
  if (args.Has("driver") || args.Has("subdriver")) {
    xml::Node& driver = disk.AppendChild(xml::Node::Element("driver"));
    driver.SetAttribute("name", args.Get("driver").value_or("qemu"));
    if (auto subdriver = args.Get("subdriver")) driver.SetAttribute("type", *subdriver);
  }
  if (!source.empty()) {
    disk.AppendChild(xml::Node::Element("source"))
        .SetAttribute(source_type == "block" ? "dev" : "file", source);
  }
  xml::Node& target_node = disk.AppendChild(xml::Node::Element("target"));
  target_node.SetAttribute("dev", target);
  std::string bus = args.Get("targetbus").value_or(DefaultBus(target));
  if (!bus.empty()) target_node.SetAttribute("bus", bus);
  if (auto serial = args.Get("serial")) {
    disk.AppendChild(xml::Node::Element("serial")).AppendChild(xml::Node::Text(*serial));
  }
  if (auto mode = args.Get("mode")) {
    if (*mode != "readonly" && *mode != "shareable") {
      throw CommandError({"No support for " + *mode + " in command 'attach-disk'"});
    }
    disk.AppendChild(xml::Node::Element(*mode));
  }
  return disk;
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
  std::string name = ResolveDomain(ctx, args);
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
  for (const char* other : {"name", "uuid", "table"}) {
    if (args.Flag("json") && args.Flag(other)) {
      throw CommandError(
          {std::string("Options --json and --") + other + " are mutually exclusive"});
    }
  }
  std::vector<std::string> names = ctx.backend().ListDomains();
  if (args.Flag("json")) {
    util::JsonWriter json;
    json.BeginObject().Key("domains").BeginArray();
    for (const auto& name : names) {
      json.BeginObject()
          .Key("name")
          .String(name)
          .Key("uuid")
          .String(ctx.backend().Open(name, store::Access::Read)->domain().uuid())
          .EndObject();
    }
    ctx.out << json.EndArray().EndObject().str() << "\n";
    return;
  }
  if (args.Flag("name") || args.Flag("uuid")) {
    for (const auto& name : names) {
      if (args.Flag("uuid")) {
        ctx.out << ctx.backend().Open(name, store::Access::Read)->domain().uuid() << "\n";
      } else {
        ctx.out << name << "\n";
      }
    }
    return;
  }
  Table table({"Id", "Name", "State"});
  for (const auto& name : names) table.AddRow({"-", name, "-"});
  ctx.out << table.Format(ctx.quiet);
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
  OpenDomain open = Open(ctx, args, store::Access::Write);
  std::string file = args.GetNonEmpty("file").value_or("");
  try {
    conf::DomainDef def = open.catalog->domain();
    def.AttachDisk(DiskDevice(ParseDeviceFile(file)));
    Commit(open, def);
  } catch (const util::Error& e) {
    throw CommandError({"Failed to attach device from " + file, e.what()});
  }
  PrintExtra(ctx, "Device attached successfully\n");
}

void RunDetachDevice(Context& ctx, const Arguments& args) {
  OpenDomain open = Open(ctx, args, store::Access::Write);
  std::string file = args.GetNonEmpty("file").value_or("");
  try {
    conf::DomainDef def = open.catalog->domain();
    def.DetachDisk(conf::ParseDomainDisk(DiskDevice(ParseDeviceFile(file))).target_dev);
    Commit(open, def);
  } catch (const util::Error& e) {
    throw CommandError({"Failed to detach device from " + file, e.what()});
  }
  PrintExtra(ctx, "Device detached successfully\n");
}

void RunAttachDisk(Context& ctx, const Arguments& args) {
  OpenDomain open = Open(ctx, args, store::Access::Write);
  xml::Node disk = AttachDiskXml(args);
  if (args.Flag("print-xml")) {
    ctx.out << xml::FormatElement(disk);
    return;
  }
  try {
    conf::DomainDef def = open.catalog->domain();
    def.AttachDisk(disk);
    Commit(open, def);
  } catch (const util::Error& e) {
    throw CommandError({"Failed to attach disk", e.what()});
  }
  PrintExtra(ctx, "Disk attached successfully\n");
}

void RunDetachDisk(Context& ctx, const Arguments& args) {
  OpenDomain open = Open(ctx, args, store::Access::Write);
  std::string target = args.GetNonEmpty("target").value_or("");
  conf::DomainDef def = open.catalog->domain();
  const conf::DomainDisk* disk = def.FindDisk(target);
  if (!disk) throw CommandError({"No disk found whose source path or target is " + target});
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
