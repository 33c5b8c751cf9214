#include <cstring>

#include "cli/backup_commands.hpp"
#include "cli/checkpoint_commands.hpp"
#include "cli/command.hpp"
#include "cli/completion.hpp"
#include "cli/domain_commands.hpp"
#include "cli/exchange_commands.hpp"
#include "cli/help.hpp"
#include "cli/shell_commands.hpp"
#include "cli/validate_command.hpp"

namespace virtckpt::cli {

namespace {

constexpr OptionType kBool = OptionType::Bool;
constexpr OptionType kString = OptionType::String;
constexpr OptionType kData = OptionType::Data;
constexpr OptionType kArgv = OptionType::Argv;

const OptionDef kDomain{"domain", kData, "domain name, id or uuid"};
const OptionDef kJson{"json", kBool, "print JSON instead of text", true};
const OptionDef kOwner{"owner", kString, "record NAME as the checkpoint's owner", true};
const OptionDef kBitmapModel{"bitmap-model", kString, "bitmap model: cumulative (default) or delta",
                             true};
const OptionDef kBitmapMode{"bitmap-mode", kString,
                            "who manages the bitmaps: external (default) or managed", true};
const OptionDef kGranularity{"granularity", kString, "bitmap granularity in bytes", true};
const std::vector<OptionDef> kLiveConfigFlags = {
    {"persistent", kBool, "make live change persistent"},
    {"config", kBool, "affect next boot"},
    {"live", kBool, "affect running domain"},
    {"current", kBool, "affect current domain"},
};

std::vector<OptionDef> Join(std::vector<OptionDef> a, const std::vector<OptionDef>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

void RunHelp(Context& ctx, const Arguments& args) {
  std::optional<std::string> name = args.Get("command");
  if (!name) {
    ctx.out << FormatCommandList();
    return;
  }
  if (const CommandGroup* group = FindCommandGroup(*name)) {
    ctx.out << FormatCommandGroup(*group);
    return;
  }
  const CommandDef* command = FindCommand(*name);
  if (!command) {
    throw CommandError({"command or command group '" + *name + "' doesn't exist"});
  }
  ctx.out << FormatCommandHelp(*command);
}

std::vector<CommandDef> BuildCommands() {
  return {
      {"attach-device", "attach device from an XML file", "Attach device from an XML <file>.",
       Join({kDomain, {"file", kData, "XML file"}}, kLiveConfigFlags), RunAttachDevice},
      {"attach-disk",
       "attach disk device",
       "Attach new disk device.",
       Join({kDomain,
             {"source", kData, "source of disk device or name of network disk"},
             {"target", kData, "target of disk device"},
             {"targetbus", kString, "target bus of disk device"},
             {"driver", kString, "driver of disk device"},
             {"subdriver", kString, "subdriver of disk device"},
             {"iothread", kString, "IOThread to be used by supported device"},
             {"cache", kString, "cache mode of disk device"},
             {"io", kString, "io policy of disk device"},
             {"type", kString, "target device type"},
             {"mode", kString, "mode of device reading and writing"},
             {"sourcetype", kString, "type of source (block|file|network)"},
             {"serial", kString, "serial of disk device"},
             {"wwn", kString, "wwn of disk device"},
             {"alias", kString, "custom alias name of disk device"},
             {"rawio", kBool, "needs rawio capability"},
             {"address", kString, "address of disk device"},
             {"multifunction", kBool, "use multifunction pci under specified address"},
             {"print-xml", kBool, "print XML document rather than attach the disk"},
             {"source-protocol", kString, "protocol used by disk device source"},
             {"source-host-name", kString, "host name for source of disk device"},
             {"source-host-transport", kString, "host transport for source of disk device"},
             {"source-host-socket", kString, "host socket for source of disk device"}},
            kLiveConfigFlags),
       RunAttachDisk,
       false,
       {{"shareable", "mode=shareable"}}},
      {"backup-begin",
       "Start a disk backup of a live domain",
       "Use XML to start a full or incremental disk backup of a live domain, optionally "
       "creating a checkpoint",
       {kDomain,
        {"backupxml", kString, "domain backup XML"},
        {"checkpointxml", kString, "domain checkpoint XML"},
        {"reuse-external", kBool, "reuse files provided by caller"},
        {"since", kString, "base checkpoint of an incremental backup", true},
        {"checkpoint", kString, "name of the new checkpoint", true},
        kJson,
        {"xml", kBool, "print the <domainbackup> document", true},
        {"pull-socket", kString, "with --xml: pull mode over this unix socket", true},
        kOwner},
       RunBackupBegin},
      {"backup-dumpxml",
       "Dump XML for an ongoing domain block backup job",
       "Backup Dump XML",
       {kDomain,
        {"xpath", kString, "xpath expression to filter the XML document", false, true},
        {"wrap", kBool, "wrap xpath results in an common root element"}},
       RunBackupDumpXml},
      {"backup-end",
       "end a pending backup job",
       "Commits the pending checkpoint of the backup job, or aborts the job and removes it.",
       {kDomain,
        {"commit", kBool, "the backup succeeded: keep the new checkpoint", true},
        {"abort", kBool, "the backup failed: drop the new checkpoint", true}},
       RunBackupEnd},
      {"backup-plan",
       "plan a backup disk by disk",
       "Decides per disk whether a backup since a checkpoint can be incremental or must be "
       "full, and why.",
       {kDomain,
        {"since", kString, "base checkpoint of an incremental backup", true},
        kJson,
        {"xml", kBool, "print the <domainbackup> document", true},
        {"pull-socket", kString, "with --xml: pull mode over this unix socket", true}},
       RunBackupPlan},
      {"bitmap-ops",
       "list the bitmap operations checkpoint changes imply",
       "Lists the bitmap merges, enables and removals that deletes and aborted backups "
       "recorded, or acknowledges them as carried out.",
       {kDomain, kJson, {"clear", kBool, "acknowledge that they were carried out", true}},
       RunBitmapOps},
      {"cd",
       "change the current directory",
       "Change the current directory.",
       {{"dir", kString, "directory to switch to (default: home or else root)"}},
       RunCd},
      {"checkpoint-create",
       "Create a checkpoint from XML",
       "Create a checkpoint from XML for use in future incremental backups",
       {kDomain,
        {"xmlfile", kString, "domain checkpoint XML"},
        {"redefine", kBool, "redefine metadata for existing checkpoint"},
        {"redefine-validate", kBool, "validate the redefined checkpoint"},
        {"quiesce", kBool, "quiesce guest's file systems"},
        kOwner},
       RunCheckpointCreate},
      {"checkpoint-create-as",
       "Create a checkpoint from a set of args",
       "Create a checkpoint from arguments for use in future incremental backups",
       {kDomain,
        {"name", kString, "name of checkpoint"},
        {"description", kString, "description of checkpoint"},
        {"print-xml", kBool, "print XML document rather than create"},
        {"quiesce", kBool, "quiesce guest's file systems"},
        {"diskspec", kArgv, "disk attributes: disk[,checkpoint=type][,bitmap=name]"},
        kOwner},
       RunCheckpointCreateAs},
      {"checkpoint-delete",
       "Delete a domain checkpoint",
       "Checkpoint Delete",
       {kDomain,
        {"checkpointname", kString, "checkpoint name"},
        {"children", kBool, "delete checkpoint and all children"},
        {"children-only", kBool, "delete children but not checkpoint"},
        {"metadata", kBool, "delete only libvirt metadata, leaving checkpoint contents behind"}},
       RunCheckpointDelete},
      {"checkpoint-dumpxml",
       "Dump XML for a domain checkpoint",
       "Checkpoint Dump XML",
       {kDomain,
        {"checkpointname", kString, "checkpoint name"},
        {"security-info", kBool, "include security sensitive information in XML dump"},
        {"no-domain", kBool, "exclude <domain> from XML"},
        {"size", kBool, "include backup size estimate in XML dump"},
        {"xpath", kString, "xpath expression to filter the XML document", false, true},
        {"wrap", kBool, "wrap xpath results in an common root element"}},
       RunCheckpointDumpXml},
      {"checkpoint-edit",
       "edit XML for a checkpoint",
       "Edit the domain checkpoint XML for a named checkpoint",
       {kDomain, {"checkpointname", kString, "checkpoint name"}},
       RunCheckpointEdit},
      {"checkpoint-export",
       "export a domain's checkpoints",
       "Write every checkpoint of a domain as a redefine-ready file, with a manifest of what "
       "the store records, into a directory; or, with '-', one bundle document to standard "
       "output; or, with --libvirt-layout, libvirt's checkpoint metadata files.",
       {kDomain,
        {"dir", kData, "directory to export into, or '-' for a bundle on standard output"},
        {"no-domain", kBool, "exclude <domain> from the checkpoint files"},
        {"security-info", kBool, "include security sensitive information in the files"},
        {"libvirt-layout", kBool, "write DIR/DOMAIN/NAME.xml as libvirt's qemu driver does", true},
        kJson},
       RunCheckpointExport},
      {"checkpoint-import",
       "import checkpoints into a domain",
       "Define the checkpoints of export directories, bundles ('-' for standard input), "
       "checkpoint XML files or libvirt checkpoint metadata directories, parents first, as one "
       "change: all of them or none.",
       {kDomain,
        {"source", kArgv, "export directory, bundle, checkpoint file or libvirt directory"},
        {"redefine-validate", kBool, "validate the disks of each checkpoint against the domain"},
        {"rename-domain", kBool,
         "give the embedded <domain> the name and uuid of the target domain", true},
        {"owner", kString, "record NAME as the owner of the imported checkpoints", true},
        {"force", kBool, "replace checkpoints that differ, and take the export's settings", true},
        {"dry-run", kBool, "print what would be done, and change nothing", true},
        kJson},
       RunCheckpointImport},
      {"checkpoint-info",
       "checkpoint information",
       "Returns basic information about a checkpoint.",
       {kDomain, {"checkpointname", kString, "checkpoint name"}, kJson},
       RunCheckpointInfo},
      {"checkpoint-list",
       "List checkpoints for a domain",
       "Checkpoint List",
       {kDomain,
        {"parent", kBool, "add a column showing parent checkpoint"},
        {"roots", kBool, "list only checkpoints without parents"},
        {"leaves", kBool, "list only checkpoints without children"},
        {"no-leaves", kBool, "list only checkpoints that are not leaves (with children)"},
        {"tree", kBool, "list checkpoints in a tree"},
        {"from", kString, "limit list to children of given checkpoint"},
        {"descendants", kBool, "with --from, list all descendants"},
        {"name", kBool, "list checkpoint names only"},
        {"topological", kBool, "sort list topologically rather than by name"},
        kJson,
        {"owner", kString, "list only the checkpoints of this owner", true}},
       RunCheckpointList},
      {"checkpoint-parent",
       "Get the name of the parent of a checkpoint",
       "Extract the checkpoint's parent, if any",
       {kDomain, {"checkpointname", kString, "find parent of checkpoint name"}, kJson},
       RunCheckpointParent},
      {"complete",
       "internal command for autocompletion",
       "Prints the words that complete the last one of a command line.",
       {{"wordbreaks", kString, "readline's word break characters", false, true},
        {"line", kData, "the command line up to the cursor"}},
       RunComplete,
       true},
      {"connect",
       "(re)connect to hypervisor",
       "Connect to local hypervisor. This is built-in command after shell start up.",
       {{"name", kString, "hypervisor connection URI"},
        {"readonly", kBool, "read-only connection"}},
       RunConnect},
      {"define",
       "define (but don't start) a domain from an XML file",
       "Define a domain.",
       {{"file", kData, "file containing an XML domain description"},
        {"validate", kBool, "validate the XML against the schema"},
        kBitmapModel,
        kBitmapMode,
        kGranularity},
       RunDefine},
      {"detach-device", "detach device from an XML file", "Detach device from an XML <file>",
       Join({kDomain, {"file", kData, "XML file"}}, kLiveConfigFlags), RunDetachDevice},
      {"detach-disk", "detach disk device", "Detach disk device.",
       Join(Join({kDomain, {"target", kData, "target of disk device"}}, kLiveConfigFlags),
            {{"print-xml", kBool, "print XML document rather than detach the disk"}}),
       RunDetachDisk},
      {"domain-set",
       "show or change a domain's checkpoint settings",
       "Show the bitmap model, bitmap mode and granularity of a domain, or change them.",
       {kDomain, kBitmapModel, kBitmapMode, kGranularity, kJson},
       RunDomainSet},
      {"domjobabort",
       "abort active domain job",
       "Aborts the currently running domain job",
       {kDomain, {"postcopy", kBool, "interrupt post-copy migration"}},
       RunDomJobAbort},
      {"domjobinfo",
       "domain job information",
       "Returns information about jobs running on a domain.",
       {kDomain,
        {"completed", kBool, "return statistics of a recently completed job"},
        {"keep-completed", kBool,
         "don't destroy statistics of a recently completed job when reading"},
        {"anystats", kBool, "print statistics for any kind of job (even failed ones)"},
        {"rawstats", kBool, "print the raw data returned by libvirt"},
        kJson},
       RunDomJobInfo},
      {"domblklist",
       "list all domain blocks",
       "Get the summary of block devices for a domain.",
       {kDomain,
        {"inactive", kBool, "get inactive rather than running configuration"},
        {"details", kBool, "additionally display the type and device value"},
        kJson},
       RunDomBlkList},
      {"dumpxml",
       "domain information in XML",
       "Output the domain information as an XML dump to stdout.",
       {kDomain,
        {"inactive", kBool, "show inactive defined XML"},
        {"security-info", kBool, "include security sensitive information in XML dump"},
        {"update-cpu", kBool, "update guest CPU according to host CPU"},
        {"migratable", kBool, "provide XML suitable for migrations"},
        {"xpath", kString, "xpath expression to filter the XML document", false, true},
        {"wrap", kBool, "wrap xpath results in an common root element"}},
       RunDumpXml},
      {"echo",
       "echo arguments. Used for internal testing.",
       "Echo back arguments, possibly with quoting. Used for internal testing.",
       {{"shell", kBool, "escape for shell use"},
        {"xml", kBool, "escape for XML use"},
        {"split", kBool, "split each argument on ','; ',,' is an escape sequence"},
        {"err", kBool, "output to stderr"},
        {"string", kArgv, "arguments to echo"}},
       RunEcho},
      {"exit", "quit this interactive terminal", "", {}, RunQuit},
      {"help",
       "print help",
       "Prints global help, command specific help, or help for a\n    group of related commands",
       {{"command", kString,
         "Prints global help, command specific help, or help for a group of related commands"}},
       RunHelp},
      {"list",
       "list domains",
       "Returns list of domains.",
       {{"inactive", kBool, "list inactive domains"},
        {"all", kBool, "list inactive & active domains"},
        {"transient", kBool, "list transient domains"},
        {"persistent", kBool, "list persistent domains"},
        {"with-snapshot", kBool, "list domains with existing snapshot"},
        {"without-snapshot", kBool, "list domains without a snapshot"},
        {"with-checkpoint", kBool, "list domains with existing checkpoint"},
        {"without-checkpoint", kBool, "list domains without a checkpoint"},
        {"state-running", kBool, "list domains in running state"},
        {"state-paused", kBool, "list domains in paused state"},
        {"state-shutoff", kBool, "list domains in shutoff state"},
        {"state-other", kBool, "list domains in other states"},
        {"autostart", kBool, "list domains with autostart enabled"},
        {"no-autostart", kBool, "list domains with autostart disabled"},
        {"with-managed-save", kBool, "list domains with managed save state"},
        {"without-managed-save", kBool, "list domains without managed save"},
        {"uuid", kBool, "list uuid's only"},
        {"name", kBool, "list domain names only"},
        {"id", kBool, "list domain IDs only"},
        {"table", kBool, "list table (default)"},
        {"managed-save", kBool, "mark inactive domains with managed save state"},
        {"title", kBool, "show domain title"},
        kJson},
       RunList},
      {"pwd", "print the current directory", "Print the current directory.", {}, RunPwd},
      {"quit", "quit this interactive terminal", "", {}, RunQuit},
      {"undefine",
       "undefine a domain",
       "Undefine an inactive domain, or convert persistent to transient.",
       {kDomain,
        {"managed-save", kBool, "remove domain managed state file"},
        {"storage", kString,
         "remove associated storage volumes (comma separated list of targets or source paths) "
         "(see domblklist)"},
        {"remove-all-storage", kBool, "remove all associated storage volumes (use with caution)"},
        {"delete-storage-volume-snapshots", kBool,
         "delete snapshots associated with volume(s), requires --remove-all-storage (must be "
         "supported by storage driver)"},
        {"wipe-storage", kBool, "wipe data on the removed volumes"},
        {"snapshots-metadata", kBool, "remove all domain snapshot metadata (vm must be inactive)"},
        {"checkpoints-metadata", kBool,
         "remove all domain checkpoint metadata (vm must be inactive)"},
        {"nvram", kBool, "remove nvram file"},
        {"keep-nvram", kBool, "keep nvram file"},
        {"tpm", kBool, "remove TPM state"},
        {"keep-tpm", kBool, "keep TPM state"}},
       RunUndefine},
      {"validate",
       "validate XML documents against their schemas",
       "Checks each file (- for standard input) against virtckpt's schema of its document type, "
       "which its root element tells unless --type is given; a <domain> against libvirt's schema "
       "where it is installed. Opens no store.",
       {{"file", kArgv, "the documents to check (- for standard input)", false, false, true},
        {"type", kString,
         "document type: checkpoint, storefile, domain, domainbackup, manifest or bundle", true},
        kJson},
       RunValidate,
       false,
       {},
       false},
  };
}

}  // namespace

const std::vector<CommandGroup>& CommandGroups() {
  static const std::vector<CommandGroup> groups = {
      {"Domain Management",
       "domain",
       {"attach-device", "attach-disk", "define", "detach-device", "detach-disk", "domjobabort",
        "domjobinfo", "dumpxml", "undefine"}},
      {"Domain Monitoring", "monitor", {"domblklist", "list"}},
      {"Checkpoint",
       "checkpoint",
       {"checkpoint-create", "checkpoint-create-as", "checkpoint-delete", "checkpoint-dumpxml",
        "checkpoint-edit", "checkpoint-info", "checkpoint-list", "checkpoint-parent"}},
      {"Backup", "backup", {"backup-begin", "backup-dumpxml"}},
      {"Backup Plans and Jobs", "plan", {"backup-plan", "backup-end", "bitmap-ops"}},
      {"Checkpoint Settings", "settings", {"domain-set"}},
      {"Checkpoint Export and Import", "exchange", {"checkpoint-export", "checkpoint-import"}},
      {"Validation", "validation", {"validate"}},
      {"Virsh itself", "virsh", {"cd", "echo", "exit", "help", "pwd", "quit", "connect"}},
  };
  return groups;
}

const CommandGroup* FindCommandGroup(const std::string& keyword) {
  for (const auto& group : CommandGroups()) {
    if (keyword == group.keyword) return &group;
  }
  return nullptr;
}

const std::vector<CommandDef>& Commands() {
  static const std::vector<CommandDef> commands = BuildCommands();
  return commands;
}

const CommandDef* FindCommand(const std::string& name) {
  for (const auto& command : Commands()) {
    if (name == command.name) return &command;
  }
  return nullptr;
}

}  // namespace virtckpt::cli
