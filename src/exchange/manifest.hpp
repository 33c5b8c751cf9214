// The manifest of an export (manifest.xml) and the bundle that carries the documents inside it
// (docs/export-format.md; schemas/checkpointmanifest.rng, schemas/checkpointbundle.rng).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conf/checkpoint_def.hpp"
#include "conf/domain_def.hpp"
#include "store/records.hpp"
#include "store/settings.hpp"
#include "xml/node.hpp"

namespace virtckpt::exchange {

struct ManifestEntry {
  std::string name;
  std::string parent;
  std::string file;    // relative to the manifest; "" in a bundle
  std::string sha256;  // of the document as checkpoint-dumpxml prints it
  int64_t creation_time = 0;
  store::CheckpointState state = store::CheckpointState::Committed;
  std::string owner;
  bool reconstructed = false;
  std::vector<store::DiskIdentity> disks;
  // A bundle's entry: the <domaincheckpoint> element it carries.
  std::optional<xml::Node> document;
};

struct Manifest {
  std::string domain_name;
  std::string uuid;
  store::DomainSettings settings;
  std::optional<std::string> current;
  std::optional<conf::DomainDef> definition;
  std::vector<ManifestEntry> entries;  // parents first
};

enum class ManifestKind { Directory, Bundle };
const char* ManifestRootName(ManifestKind kind);

// The manifest document. A bundle carries documents[i], formatted with `document_flags`
// (conf::FormatFlags), inside entries[i].
std::string FormatManifest(const Manifest& manifest, bool secure, ManifestKind kind,
                           const std::vector<conf::CheckpointDef>* documents = nullptr,
                           unsigned document_flags = 0);

// Safe parse and schema check of a manifest or bundle (by its root element); `source` names the
// file in errors.
Manifest ParseManifest(const std::string& text, const std::string& source, ManifestKind kind);

// The text a bundle's embedded document stands for: what checkpoint-dumpxml printed when it
// was exported (the layout of the bundle does not matter).
std::string EmbeddedDocumentText(const xml::Node& document);

}  // namespace virtckpt::exchange
