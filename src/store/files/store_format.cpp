#include "store/files/store_format.hpp"

#include "store/files/file_names.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"
#include "util/strings.hpp"

namespace virtckpt::store::files {

namespace {

constexpr const char* kMagic = "virtckpt-store-format ";

}  // namespace

int ReadStoreFormat(const std::string& root) {
  std::string path = StoreFormatFileName(root);
  if (!util::StatPath(path)) return 1;
  std::string text = util::ReadStoreFile(path);
  std::string magic = kMagic;
  std::optional<uint64_t> version;
  if (util::StartsWith(text, magic) && text.back() == '\n') {
    version = util::ParseUint64(text.substr(magic.size(), text.size() - magic.size() - 1));
  }
  if (!version || *version < 2) {
    throw util::Error(util::ErrorCode::InternalCorruption,
                      "malformed store format file '" + path + "'");
  }
  if (*version > static_cast<uint64_t>(kStoreFormatVersion)) {
    throw util::Error(util::ErrorCode::ConfigUnsupportedFormat,
                      "the store '" + root + "' has format version " + std::to_string(*version) +
                          ", newer than this virtckpt supports (" +
                          std::to_string(kStoreFormatVersion) + "); use a newer virtckpt");
  }
  return static_cast<int>(*version);
}

void WriteStoreFormat(const std::string& root) {
  util::WriteFileAtomic(StoreFormatFileName(root),
                        kMagic + std::to_string(kStoreFormatVersion) + "\n");
}

}  // namespace virtckpt::store::files
