// What checkpoint-import reads: export directories, bundles, loose checkpoint documents and
// libvirt checkpoint metadata directories (docs/export-format.md, "What import accepts").
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "conf/checkpoint_def.hpp"
#include "exchange/manifest.hpp"

namespace virtckpt::exchange {

struct SourceDocument {
  std::string file;  // named in messages: a path, or "BUNDLE#NAME" for a bundle's entry
  std::string text;  // the document as checkpoint-dumpxml printed it
  conf::CheckpointDef def;
  // Its entry in the manifest (an export directory's or a bundle's), if it has one.
  std::optional<size_t> entry;
  // From a libvirt metadata directory: an orphan becomes a root there, as libvirt loads it.
  bool libvirt = false;
};

struct ImportSources {
  std::optional<Manifest> manifest;
  std::string manifest_file;
  std::vector<SourceDocument> documents;
  // Entries of libvirt directories that were skipped, one line each.
  std::vector<std::string> warnings;
  bool from_libvirt = false;
};

// Reads every source; `-` is read with `read_stdin`. Throws ImportError naming the file for
// anything that cannot be imported: a document that does not parse or validate (the errors of
// checkpoint-create --redefine), a checksum that does not match, a second manifest.
ImportSources ReadImportSources(const std::vector<std::string>& sources,
                                const std::function<std::string()>& read_stdin);

}  // namespace virtckpt::exchange
