// The format version of a file store, kept in ROOT/.virtckpt-format (docs/store-format.md).
// Version 1 is the layout before the file existed; this program writes kStoreFormatVersion.
#pragma once

#include <string>

namespace virtckpt::store::files {

constexpr int kStoreFormatVersion = 3;

// The store's version: 1 without the file. Throws Error(Corruption) when the file is malformed
// and Error(Unsupported) when the version is newer than kStoreFormatVersion: such a store is
// never read or written.
int ReadStoreFormat(const std::string& root);
void WriteStoreFormat(const std::string& root);

}  // namespace virtckpt::store::files
