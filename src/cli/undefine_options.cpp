#include "cli/undefine_options.hpp"

#include <optional>
#include <string>
#include <vector>

#include "conf/domain_files.hpp"
#include "store/domain_removal.hpp"
#include "util/error.hpp"

namespace virtckpt::cli {

namespace {

using conf::DomainVolume;

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
std::vector<DomainVolume> NamedVolumes(const std::vector<DomainVolume>& volumes,
                                       const std::string& list) {
  std::vector<std::optional<std::string>> entries;
  for (std::string& entry : SplitList(list)) entries.emplace_back(std::move(entry));
  std::vector<DomainVolume> named;
  for (const DomainVolume& volume : volumes) {
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

void CheckRemovals(const conf::DomainDef& def, const Arguments& args) {
  std::optional<std::string> storage = args.Get("storage");
  if (storage && storage->empty()) storage.reset();  // an empty list, as virsh reads it
  bool remove_all = args.Flag("remove-all-storage");
  if (storage && remove_all)
    throw CommandError({"Specified both --storage and --remove-all-storage"});
  store::Removals removals;
  if (storage) {
    removals.volumes = NamedVolumes(conf::VolumesOf(def), *storage);
    removals.named_volumes = true;
  } else if (remove_all) {
    removals.volumes = conf::VolumesOf(def);
  }
  removals.nvram = args.Flag("nvram");
  removals.tpm = args.Flag("tpm");
  try {
    store::RefuseRemovals(def, removals);
  } catch (const util::Error& e) {
    throw CommandError({"Failed to undefine domain '" + *args.Get("domain") + "'", e.what()});
  }
}

}  // namespace virtckpt::cli
