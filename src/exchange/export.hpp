// checkpoint-export: a domain's checkpoints as redefine-ready documents with their manifest, in
// an export directory, as one bundle, or in libvirt's checkpoint metadata layout
// (docs/export-format.md).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "conf/checkpoint_def.hpp"
#include "exchange/manifest.hpp"
#include "store/catalog.hpp"

namespace virtckpt::exchange {

struct ExportOptions {
  bool secure = false;     // --security-info
  bool no_domain = false;  // --no-domain
};

struct ExportSet {
  Manifest manifest;
  // Parallel to manifest.entries: each checkpoint and what checkpoint-dumpxml prints of it with
  // `flags`.
  std::vector<conf::CheckpointDef> defs;
  std::vector<std::string> documents;
  unsigned flags = 0;
};

// Everything of the domain, parents first and siblings oldest first; refused with
// Error(OperationInvalid) while a backup job is pending or bitmap operations are recorded.
ExportSet CollectExport(store::Catalog& catalog, const ExportOptions& options);

// libvirt reads at most this much of a checkpoint metadata file.
constexpr size_t kLibvirtFileLimit = 1u << 20;

// `name` inside the directory `dir`.
std::string JoinPath(const std::string& dir, const std::string& name);

// The export directory's files, relative to it.
constexpr const char* kManifestFile = "manifest.xml";
std::string ExportFileName(const std::string& checkpoint);

// Replaces the export in `dir` (made if needed) as a whole: a killed or failed export leaves the
// old manifest with its files, or no manifest; never one that names a missing or partial file.
void WriteExportDirectory(const std::string& dir, const ExportSet& set);

std::string FormatBundle(const ExportSet& set);

// The comment libvirt puts at the top of the metadata files it writes.
std::string LibvirtHeader();
// `dir`/DOMAIN/NAME.xml for every checkpoint of a set collected with security information, as
// libvirt's qemu driver writes them; other checkpoint documents that libvirt would load from
// that directory are removed. Returns that directory.
std::string WriteLibvirtLayout(const std::string& dir, const ExportSet& set);

}  // namespace virtckpt::exchange
