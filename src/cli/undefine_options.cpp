#include "cli/undefine_options.hpp"

#include <optional>
#include <string>
#include <vector>

namespace virtckpt::cli {

namespace {

// A disk virsh would count as a storage volume: one with a target and a source.
struct Volume {
  std::string target;
  std::string source;
};

std::vector<Volume> VolumesOf(const conf::DomainDef& def) {
  std::vector<Volume> volumes;
  for (const conf::DomainDisk& disk : def.disks()) {
    const conf::DiskSource& s = disk.source;
    for (const std::string* source : {&s.file, &s.dir, &s.name, &s.dev, &s.volume}) {
      if (source->empty()) continue;
      volumes.push_back({disk.target_dev, *source});
      break;
    }
  }
  return volumes;
}

// virsh's comma-separated list: ",," stands for a comma.
std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items(1);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != ',') {
      items.back() += text[i];
    } else if (i + 1 < text.size() && text[i + 1] == ',') {
      items.back() += ',';
      ++i;
    } else {
      items.emplace_back();
    }
  }
  return items;
}

// The volumes --storage names (each entry takes the first disk whose target or source it is,
// in the definition's order), or virsh's errors for entries that name no disk.
std::vector<Volume> NamedVolumes(const std::vector<Volume>& volumes, const std::string& list) {
  std::vector<std::optional<std::string>> entries;
  for (std::string& entry : SplitList(list)) entries.emplace_back(std::move(entry));
  std::vector<Volume> named;
  for (const Volume& volume : volumes) {
    for (auto& entry : entries) {
      if (entry && (*entry == volume.target || *entry == volume.source)) {
        entry.reset();
        named.push_back(volume);
        break;
      }
    }
  }
  std::vector<std::string> missing;
  for (const auto& entry : entries) {
    if (entry) missing.push_back("Volume '" + *entry + "' was not found in domain's definition.\n");
  }
  if (!missing.empty()) throw CommandError(missing);
  return named;
}

std::string Describe(const std::vector<Volume>& volumes) {
  std::string text;
  for (const Volume& volume : volumes) {
    text += (text.empty() ? "'" : ", '") + volume.target + "'(" + volume.source + ")";
  }
  return text;
}

bool HasEmulatedTpm(const conf::DomainDef& def) {
  const xml::Node* devices = def.node().FirstChild("devices");
  if (!devices) return false;
  for (const xml::Node* tpm : devices->ChildElements("tpm")) {
    const xml::Node* backend = tpm->FirstChild("backend");
    if (backend && backend->Attribute("type") == "emulator") return true;
  }
  return false;
}

std::optional<std::string> NvramFile(const conf::DomainDef& def) {
  const xml::Node* os = def.node().FirstChild("os");
  if (!os || !os->FirstChild("nvram")) return std::nullopt;
  return os->ChildText("nvram");
}

CommandError Refusal(const conf::DomainDef& def, const std::string& why) {
  return CommandError(
      {"Failed to undefine domain '" + def.name() + "'", "Operation not supported: " + why});
}

}  // namespace

void CheckUndefineOptions(const Arguments& args) {
  if (args.Flag("delete-storage-volume-snapshots") && !args.Flag("remove-all-storage")) {
    throw CommandError(
        {"Option --remove-all-storage is required by option "
         "--delete-storage-volume-snapshots"});
  }
  for (const char* name : {"nvram", "tpm"}) {
    std::string keep = std::string("keep-") + name;
    if (args.Flag(name) && args.Flag(keep)) {
      throw CommandError(
          {std::string("Options --") + name + " and --" + keep + " are mutually exclusive"});
    }
  }
  if (args.Flag("wipe-storage") && !args.Has("storage") && !args.Flag("remove-all-storage")) {
    throw CommandError(
        {"'--wipe-storage' requires '--storage <string>' or '--remove-all-storage'"});
  }
}

void RefuseRemovals(const conf::DomainDef& def, const Arguments& args) {
  std::optional<std::string> storage = args.Get("storage");
  if (storage && storage->empty()) storage.reset();  // an empty list, as virsh reads it
  bool remove_all = args.Flag("remove-all-storage");
  if (storage && remove_all)
    throw CommandError({"Specified both --storage and --remove-all-storage"});
  std::vector<Volume> volumes = VolumesOf(def);
  if (storage) volumes = NamedVolumes(volumes, *storage);
  if ((storage || remove_all) && !volumes.empty()) {
    throw Refusal(def, "virtckpt does not manage storage volumes and cannot remove " +
                           Describe(volumes) + "; remove them yourself and undefine without " +
                           (storage ? "--storage" : "--remove-all-storage"));
  }
  if (args.Flag("nvram")) {
    if (std::optional<std::string> nvram = NvramFile(def)) {
      throw Refusal(def, "virtckpt does not manage NVRAM files and cannot remove '" + *nvram +
                             "'; remove it yourself and undefine with --keep-nvram");
    }
  }
  if (args.Flag("tpm") && HasEmulatedTpm(def)) {
    throw Refusal(
        def,
        "virtckpt does not manage TPM state and cannot remove the state of its emulated TPM; "
        "remove it yourself and undefine with --keep-tpm");
  }
}

}  // namespace virtckpt::cli
