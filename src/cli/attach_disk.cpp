// attach-disk: the <disk> element from virsh's options, with virsh's checks in virsh's order;
// printed with --print-xml (the domain is not even looked up), else added to the definition.
#include <ostream>

#include "cli/affect_flags.hpp"
#include "cli/domain_access.hpp"
#include "cli/domain_commands.hpp"
#include "conf/domain_def.hpp"
#include "conf/new_disk.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"
#include "util/strings.hpp"
#include "xml/writer.hpp"

namespace virtckpt::cli {

namespace {

void RefuseBoth(const Arguments& args, const char* a, const char* b) {
  if (args.Has(a) && args.Has(b)) {
    throw CommandError({std::string("Options --") + a + " and --" + b + " are mutually exclusive"});
  }
}

void RequireFor(const Arguments& args, const char* option, const char* required) {
  if (args.Has(option) && !args.Has(required)) {
    throw CommandError(
        {std::string("Option --") + required + " is required by option --" + option});
  }
}

void CheckOptionCombinations(const Arguments& args) {
  RefuseClashingAffectFlags(args);
  RequireFor(args, "source-host-name", "source-protocol");
  RequireFor(args, "source-host-transport", "source-protocol");
  RequireFor(args, "source-host-socket", "source-protocol");
  RequireFor(args, "source-host-socket", "source-host-transport");
  RefuseBoth(args, "source-host-name", "source-host-socket");
}

// Options that may not be empty, in the order virsh reads them (the source may be empty).
constexpr const char* kNonEmptyOptions[] = {
    "target",
    "driver",
    "subdriver",
    "type",
    "mode",
    "iothread",
    "cache",
    "io",
    "serial",
    "wwn",
    "address",
    "targetbus",
    "alias",
    "sourcetype",
    "source-protocol",
    "source-host-name",
    "source-host-transport",
    "source-host-socket",
};

// Without --sourcetype: network with a protocol, block for a block device (unless the driver is
// file or tap), else file.
conf::DiskSourceType SourceType(const Arguments& args, const std::string& source) {
  if (auto name = args.Get("sourcetype")) {
    auto type = conf::DiskSourceTypeFromString(*name);
    if (!type) throw CommandError({"Unknown source type: '" + *name + "'"});
    return *type;
  }
  if (args.Has("source-protocol")) return conf::DiskSourceType::Network;
  std::string driver = args.Get("driver").value_or("");
  if (driver != "file" && driver != "tap" && util::IsBlockDevice(source)) {
    return conf::DiskSourceType::Block;
  }
  return conf::DiskSourceType::File;
}

// virsh's targets name the address types they take: vd* pci or ccw, sd* scsi, usb or sata,
// hd* ide; other targets take any.
void CheckAddressFitsTarget(const conf::DiskAddress& address, const std::string& target) {
  using conf::DiskAddressType;
  DiskAddressType type = address.type;
  if (util::StartsWith(target, "vd")) {
    if (type != DiskAddressType::Pci && type != DiskAddressType::Ccw) {
      throw CommandError({"expecting a pci:0000.00.00.00 or ccw:00.0.0000 address."});
    }
  } else if (util::StartsWith(target, "sd")) {
    if (type != DiskAddressType::Scsi && type != DiskAddressType::Usb &&
        type != DiskAddressType::Sata) {
      throw CommandError({"expecting a scsi:00.00.00 or usb:00.00 or sata:00.00.00 address."});
    }
  } else if (util::StartsWith(target, "hd")) {
    if (type != DiskAddressType::Ide) throw CommandError({"expecting an ide:00.00.00 address."});
  }
}

conf::NewDisk NewDiskFrom(const Arguments& args) {
  conf::NewDisk disk;
  disk.source = args.Get("source").value_or("");
  disk.target = *args.Get("target");
  disk.source_type = SourceType(args, disk.source);
  bool network = disk.source_type == conf::DiskSourceType::Network;
  if (network != args.Has("source-protocol")) {
    throw CommandError({"--source-protocol option requires --sourcetype network"});
  }
  if (auto mode = args.Get("mode")) {
    auto parsed = conf::DiskModeFromString(*mode);
    if (!parsed) throw CommandError({"No support for " + *mode + " in command 'attach-disk'"});
    disk.mode = *parsed;
  }
  disk.wwn = args.Get("wwn");
  if (disk.wwn && !conf::IsValidWwn(*disk.wwn)) {
    throw util::Error(util::ErrorCode::InternalError, "Malformed wwn: " + *disk.wwn);
  }
  disk.device = args.Get("type");
  disk.rawio = args.Flag("rawio");
  disk.driver_name = args.Get("driver");
  disk.driver_type = args.Get("subdriver");
  disk.iothread = args.Get("iothread");
  disk.cache = args.Get("cache");
  disk.io = args.Get("io");
  if (network) {
    disk.protocol = *args.Get("source-protocol");
    disk.host_transport = args.Get("source-host-transport");
    disk.host_socket = args.Get("source-host-socket");
    // NAME[:PORT], split at the first colon.
    if (auto host = args.Get("source-host-name")) {
      size_t colon = host->find(':');
      disk.host_name = host->substr(0, colon);
      if (colon != std::string::npos) disk.host_port = host->substr(colon + 1);
    }
  }
  disk.target_bus = args.Get("targetbus");
  disk.serial = args.Get("serial");
  disk.alias = args.Get("alias");
  if (auto text = args.Get("address")) {
    disk.address = conf::ParseDiskAddress(*text);
    if (!disk.address) throw CommandError({"Invalid address."});
    disk.address->multifunction = args.Flag("multifunction");
    CheckAddressFitsTarget(*disk.address, disk.target);
  }
  return disk;
}

}  // namespace

void RunAttachDisk(Context& ctx, const Arguments& args) {
  CheckOptionCombinations(args);
  for (const char* option : kNonEmptyOptions) args.GetNonEmpty(option);
  xml::Node disk = conf::FormatNewDisk(NewDiskFrom(args));
  if (args.Flag("print-xml")) {
    ctx.out << xml::FormatElement(disk);
    return;
  }
  OpenDomain open = OpenForDeviceChange(ctx, args);
  try {
    RefuseDeviceChangeIfReadOnly(ctx, args);
    open.catalog->AttachDevice(disk);
  } catch (const util::Error& e) {
    throw CommandError({"Failed to attach disk", e.what()});
  }
  PrintExtra(ctx, "Disk attached successfully\n");
}

}  // namespace virtckpt::cli
