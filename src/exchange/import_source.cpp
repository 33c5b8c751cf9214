#include "exchange/import_source.hpp"

#include <algorithm>
#include <map>

#include "exchange/export.hpp"
#include "exchange/import_error.hpp"
#include "util/directory.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"
#include "util/sha256.hpp"
#include "xml/document.hpp"

namespace virtckpt::exchange {

using util::Error;

namespace {

constexpr size_t kDocumentLimit = 16u << 20;
constexpr size_t kBundleLimit = 1u << 30;

std::string OneLine(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

conf::CheckpointDef ParseDocument(const std::string& file, const std::string& text) {
  try {
    return conf::ParseCheckpoint(text, conf::kParseRedefine);
  } catch (const Error& e) {
    throw ImportError(file, e.what());
  }
}

std::string ReadSourceFile(const std::string& path, size_t limit) {
  try {
    return util::ReadFileLimited(path, limit);
  } catch (const Error& e) {
    throw ImportError(path, e.what());
  }
}

// The root element's name, or "" when the text does not parse (the caller's parser says why).
std::string RootOf(const std::string& text, const std::string& file) {
  try {
    xml::ParseOptions options;
    options.source = file;
    options.max_bytes = kBundleLimit;
    options.max_elements = 50000000;
    return xml::Document::Parse(text, options).RootName();
  } catch (const Error&) {
    return "";
  }
}

// The document as checkpoint-dumpxml --security-info prints it: two sources that hold this text
// hold the same checkpoint, whatever else their files hold (libvirt's comment header, another
// layout).
std::string CanonicalText(const conf::CheckpointDef& def) {
  return conf::FormatCheckpoint(
      def, conf::kFormatSecure | (def.domain ? 0u : unsigned{conf::kFormatNoDomain}));
}

bool IsSafeRelativePath(const std::string& file) {
  if (file.empty() || file[0] == '/') return false;
  size_t start = 0;
  while (start <= file.size()) {
    size_t end = file.find('/', start);
    if (end == std::string::npos) end = file.size();
    std::string part = file.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

class SourceReader {
 public:
  explicit SourceReader(const std::function<std::string()>& read_stdin) : read_stdin_(read_stdin) {}

  void Read(const std::string& source) {
    if (source == "-") {
      ReadText("-", read_stdin_());
      return;
    }
    std::optional<util::FileStat> stat = util::StatPath(source);
    if (stat && !stat->regular && IsDirectory(source)) {
      if (util::PathExists(JoinPath(source, kManifestFile))) {
        ReadExportDirectory(source);
      } else {
        ReadLibvirtDirectory(source);
      }
      return;
    }
    ReadText(source, ReadSourceFile(source, kBundleLimit));
  }

  ImportSources Take() { return std::move(sources_); }

 private:
  static bool IsDirectory(const std::string& path) {
    try {
      util::OpenDirectory(path);
      return true;
    } catch (const Error&) {
      return false;
    }
  }

  // Before anything of a second export is read: its documents would be compared with the
  // first one's, and the error would not say why.
  void RefuseSecondManifest(const std::string& file) const {
    if (sources_.manifest) {
      throw ImportError(file,
                        "only one export (a directory with a manifest, or a bundle) can be "
                        "imported at a time; '" +
                            sources_.manifest_file + "' is one already");
    }
  }

  void SetManifest(Manifest manifest, const std::string& file) {
    RefuseSecondManifest(file);
    sources_.manifest = std::move(manifest);
    sources_.manifest_file = file;
  }

  void ReadText(const std::string& file, const std::string& text) {
    std::string root = RootOf(text, file);
    if (root == ManifestRootName(ManifestKind::Bundle)) {
      ReadBundle(file, text);
    } else if (root == ManifestRootName(ManifestKind::Directory)) {
      throw ImportError(file,
                        "a manifest is imported with its export directory: give the "
                        "directory that holds it");
    } else if (root.empty() || root == "domaincheckpoint") {
      Add(file, text, ParseDocument(file, text), std::nullopt, false);
    } else {
      throw ImportError(file,
                        "expecting a checkpoint document, an export directory or a "
                        "bundle, not a document with root element '" +
                            root + "'");
    }
  }

  Manifest ParseManifestOf(const std::string& file, const std::string& text, ManifestKind kind) {
    try {
      return ParseManifest(text, file, kind);
    } catch (const Error& e) {
      throw ImportError(file, e.what());
    }
  }

  static void CheckSum(const std::string& file, const std::string& text,
                       const ManifestEntry& entry) {
    std::string sum = util::Sha256Hex(text);
    if (sum != entry.sha256) {
      throw ImportError(file, "its SHA-256 is " + sum + ", the manifest says " + entry.sha256 +
                                  ": the file is not the one that was exported");
    }
  }

  static void CheckAgainstEntry(const std::string& file, const conf::CheckpointDef& def,
                                const ManifestEntry& entry) {
    if (def.name != entry.name) {
      throw ImportError(
          file, "it holds checkpoint '" + def.name + "', the manifest names '" + entry.name + "'");
    }
    if (def.parent != entry.parent) {
      throw ImportError(
          file, "its parent is '" + def.parent + "', the manifest says '" + entry.parent + "'");
    }
  }

  void ReadBundle(const std::string& file, const std::string& text) {
    RefuseSecondManifest(file);
    Manifest manifest = ParseManifestOf(file, text, ManifestKind::Bundle);
    for (size_t i = 0; i < manifest.entries.size(); ++i) {
      ManifestEntry& entry = manifest.entries[i];
      std::string label = file + "#" + entry.name;
      std::string document;
      try {
        document = EmbeddedDocumentText(*entry.document);
      } catch (const Error& e) {
        throw ImportError(label, e.what());
      }
      entry.document.reset();
      CheckSum(label, document, entry);
      conf::CheckpointDef def = ParseDocument(label, document);
      CheckAgainstEntry(label, def, entry);
      Add(label, document, std::move(def), i, false);
    }
    SetManifest(std::move(manifest), file);
  }

  void ReadExportDirectory(const std::string& dir) {
    std::string manifest_file = JoinPath(dir, kManifestFile);
    RefuseSecondManifest(manifest_file);
    Manifest manifest = ParseManifestOf(manifest_file, ReadSourceFile(manifest_file, kBundleLimit),
                                        ManifestKind::Directory);
    for (size_t i = 0; i < manifest.entries.size(); ++i) {
      const ManifestEntry& entry = manifest.entries[i];
      if (!IsSafeRelativePath(entry.file)) {
        throw ImportError(manifest_file, "the file '" + entry.file + "' of checkpoint " +
                                             entry.name + " is not inside the export directory");
      }
      std::string path = JoinPath(dir, entry.file);
      std::string text = ReadSourceFile(path, kDocumentLimit);
      CheckSum(path, text, entry);
      conf::CheckpointDef def = ParseDocument(path, text);
      CheckAgainstEntry(path, def, entry);
      Add(path, text, std::move(def), i, false);
    }
    SetManifest(std::move(manifest), manifest_file);
  }

  // As libvirt loads its checkpoint directory at start-up: every entry, and whatever does not
  // load is skipped with a warning.
  void ReadLibvirtDirectory(const std::string& dir) {
    sources_.from_libvirt = true;
    std::vector<std::string> names = util::ListDirectory(dir);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      std::string path = JoinPath(dir, name);
      std::string text;
      try {
        text = util::ReadFileLimited(path, kLibvirtFileLimit);
      } catch (const Error& e) {
        Skip(path, e.what());
        continue;
      }
      conf::CheckpointDef def;
      try {
        def = conf::ParseCheckpoint(text, conf::kParseRedefine);
      } catch (const Error& e) {
        Skip(path, e.what());
        continue;
      }
      auto known = by_name_.find(def.name);
      if (known != by_name_.end() && sources_.documents[known->second].libvirt) {
        Skip(path, "checkpoint '" + def.name + "' is already in '" +
                       sources_.documents[known->second].file + "'");
        continue;
      }
      Add(path, text, std::move(def), std::nullopt, true);
    }
  }

  void Skip(const std::string& path, const std::string& reason) {
    sources_.warnings.push_back("skipping '" + path + "': " + OneLine(reason));
  }

  void Add(const std::string& file, const std::string& text, conf::CheckpointDef def,
           std::optional<size_t> entry, bool libvirt) {
    auto known = by_name_.find(def.name);
    if (known != by_name_.end()) {
      SourceDocument& earlier = sources_.documents[known->second];
      if (earlier.text == text || CanonicalText(earlier.def) == CanonicalText(def)) {
        if (entry) earlier.entry = entry;
        return;
      }
      throw ImportError(file, "checkpoint '" + def.name + "' is also in '" + earlier.file +
                                  "', with other content");
    }
    by_name_.emplace(def.name, sources_.documents.size());
    SourceDocument document;
    document.file = file;
    document.text = text;
    document.def = std::move(def);
    document.entry = entry;
    document.libvirt = libvirt;
    sources_.documents.push_back(std::move(document));
  }

  const std::function<std::string()>& read_stdin_;
  ImportSources sources_;
  std::map<std::string, size_t> by_name_;
};

}  // namespace

ImportSources ReadImportSources(const std::vector<std::string>& sources,
                                const std::function<std::string()>& read_stdin) {
  SourceReader reader(read_stdin);
  for (const std::string& source : sources) reader.Read(source);
  return reader.Take();
}

}  // namespace virtckpt::exchange
