#include "exchange/export.hpp"

#include <algorithm>
#include <set>

#include "util/directory.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"
#include "util/file_util.hpp"
#include "util/sha256.hpp"
#include "xml/document.hpp"

namespace virtckpt::exchange {

using util::Error;
using util::ErrorCode;

namespace {

constexpr const char* kCheckpointFolder = "checkpoints";

// Parents first; the children of each checkpoint in the order they were linked.
std::vector<const store::CheckpointSummary*> ParentFirst(const store::CheckpointTree& tree) {
  std::vector<const store::CheckpointSummary*> order;
  std::vector<const store::CheckpointSummary*> stack;
  auto push_children = [&](std::string_view name) {
    // Children are listed newest first; the stack pops the oldest first.
    for (const store::CheckpointSummary* child : tree.Children(name)) stack.push_back(child);
  };
  push_children("");
  while (!stack.empty()) {
    const store::CheckpointSummary* next = stack.back();
    stack.pop_back();
    order.push_back(next);
    push_children(next->name);
  }
  return order;
}

// The files an earlier export's manifest names (none when there is no readable manifest).
std::vector<std::string> FilesOfOldExport(const std::string& dir) {
  std::string path = JoinPath(dir, kManifestFile);
  std::vector<std::string> files;
  if (!util::PathExists(path)) return files;
  try {
    Manifest old = ParseManifest(util::ReadFile(path), path, ManifestKind::Directory);
    for (const ManifestEntry& entry : old.entries) files.push_back(entry.file);
  } catch (const Error&) {
  }
  return files;
}

// Whether libvirt would load `path` as a checkpoint.
bool IsCheckpointDocument(const std::string& path) {
  try {
    xml::ParseOptions options;
    options.source = path;
    return xml::Document::Parse(util::ReadFileLimited(path, kLibvirtFileLimit), options)
               .RootName() == "domaincheckpoint";
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

ExportSet CollectExport(store::Catalog& catalog, const ExportOptions& options) {
  catalog.RefuseWhilePending("export checkpoints");
  std::vector<std::string> broken = catalog.unloadable();
  if (!broken.empty()) {
    std::string names;
    for (const std::string& name : broken) names += (names.empty() ? "'" : ", '") + name + "'";
    throw Error(ErrorCode::OperationFailedCorrupt,
                "cannot export the checkpoints of domain '" + catalog.domain().name() +
                    "': the files of " + names +
                    " do not load (see the warnings); an export would leave them out");
  }
  // The bitmap operations that deletes and aborted jobs recorded are not part of an export: a
  // store that imported the checkpoints without them would plan as if the images' bitmaps were
  // already merged and removed.
  if (size_t ops = catalog.bitmap_ops().size()) {
    throw Error(ErrorCode::OperationInvalid,
                "cannot export checkpoints while " + std::to_string(ops) +
                    (ops == 1 ? " bitmap operation" : " bitmap operations") +
                    " recorded by deletes or aborted jobs " + (ops == 1 ? "is" : "are") +
                    " not carried out yet (see bitmap-ops); carry them out and acknowledge "
                    "them with bitmap-ops --clear");
  }
  ExportSet set;
  if (options.secure) set.flags |= conf::kFormatSecure;
  if (options.no_domain) set.flags |= conf::kFormatNoDomain;
  Manifest& manifest = set.manifest;
  const conf::DomainDef& domain = catalog.domain();
  manifest.domain_name = domain.name();
  manifest.uuid = domain.uuid();
  manifest.settings = catalog.settings();
  manifest.current = catalog.current();
  manifest.definition = domain;
  for (const store::CheckpointSummary* summary : ParentFirst(catalog.tree())) {
    store::CheckpointRecord record = catalog.Read(summary->name);
    ManifestEntry entry;
    entry.name = record.def.name;
    entry.parent = record.def.parent;
    entry.file = ExportFileName(entry.name);
    entry.creation_time = record.def.creation_time;
    entry.state = record.meta.state;
    entry.owner = record.meta.owner;
    entry.reconstructed = record.meta.reconstructed;
    entry.disks = record.meta.disks;
    std::string document = conf::FormatCheckpoint(record.def, set.flags);
    entry.sha256 = util::Sha256Hex(document);
    manifest.entries.push_back(std::move(entry));
    set.documents.push_back(std::move(document));
    set.defs.push_back(std::move(record.def));
  }
  return set;
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  return dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string ExportFileName(const std::string& checkpoint) {
  return std::string(kCheckpointFolder) + "/" + checkpoint + ".xml";
}

void WriteExportDirectory(const std::string& dir, const ExportSet& set) {
  util::MakeDirectories(dir, 0700);
  // One export at a time into DIR: two at once would each write their files over the other's,
  // and the manifest written last would name files that are not the ones it describes.
  util::FileLock lock(dir, util::FileLock::Mode::ExclusiveDirectory);
  std::vector<std::string> old_files = FilesOfOldExport(dir);
  // From here until the new manifest is in place, DIR holds no manifest at all.
  util::RemoveFileDurable(JoinPath(dir, kManifestFile));
  std::set<std::string> new_files;
  for (const ManifestEntry& entry : set.manifest.entries) new_files.insert(entry.file);
  for (const std::string& file : old_files) {
    if (!new_files.count(file) && file.find("..") == std::string::npos && file[0] != '/') {
      util::RemoveFile(JoinPath(dir, file));
    }
  }
  util::MakeDirectories(JoinPath(dir, kCheckpointFolder), 0700);
  std::vector<std::pair<std::string, std::string>> files;
  for (size_t i = 0; i < set.documents.size(); ++i) {
    files.emplace_back(JoinPath(dir, set.manifest.entries[i].file), set.documents[i]);
  }
  util::WriteFilesAtomic(files);
  util::WriteFileAtomic(
      JoinPath(dir, kManifestFile),
      FormatManifest(set.manifest, set.flags & conf::kFormatSecure, ManifestKind::Directory));
}

std::string FormatBundle(const ExportSet& set) {
  return FormatManifest(set.manifest, set.flags & conf::kFormatSecure, ManifestKind::Bundle,
                        &set.defs, set.flags);
}

std::string LibvirtHeader() {
  return "<!--\n"
         "WARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n"
         "OVERWRITTEN AND LOST. Changes to this xml configuration should be made using:\n"
         "  virsh checkpoint-edit\n"
         "or other application using the libvirt API.\n"
         "-->\n\n";
}

std::string WriteLibvirtLayout(const std::string& dir, const ExportSet& set) {
  std::string domain_dir = JoinPath(dir, set.manifest.domain_name);
  util::MakeDirectories(domain_dir, 0700);
  // One export at a time into it: a second one would remove the first one's documents as
  // "other checkpoint documents".
  util::FileLock lock(domain_dir, util::FileLock::Mode::ExclusiveDirectory);
  std::set<std::string> written;
  std::vector<std::pair<std::string, std::string>> files;
  for (size_t i = 0; i < set.documents.size(); ++i) {
    std::string name = set.manifest.entries[i].name + ".xml";
    files.emplace_back(JoinPath(domain_dir, name), LibvirtHeader() + set.documents[i]);
    written.insert(name);
  }
  util::WriteFilesAtomic(files);
  std::vector<std::string> entries = util::ListDirectory(domain_dir);
  std::sort(entries.begin(), entries.end());
  for (const std::string& name : entries) {
    std::string path = JoinPath(domain_dir, name);
    if (written.count(name) || util::IsTempFileName(name)) continue;
    std::optional<util::FileStat> stat = util::StatPath(path);
    if (stat && stat->regular && IsCheckpointDocument(path)) util::RemoveFileDurable(path);
  }
  return domain_dir;
}

}  // namespace virtckpt::exchange
