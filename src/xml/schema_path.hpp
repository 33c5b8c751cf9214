// Where virtckpt's RelaxNG schemas are, in this order:
// 1. $VIRTCKPT_SCHEMA_DIR, when set and not empty;
// 2. an installed binary (one in the configured bindir, or in a copy of it under another root,
//    as `meson install --destdir ROOT` stages it) reads datadir/virtckpt/schemas under the same
//    root: /usr/bin/virtckpt reads /usr/share/virtckpt/schemas, ROOT/usr/bin/virtckpt reads
//    ROOT/usr/share/virtckpt/schemas;
// 3. a binary inside the build tree (meson test, a developer's build/src/virtckpt) reads the
//    source tree's schemas/;
// 4. any other binary reads the configured datadir/virtckpt/schemas.
// An installed binary never falls back to the source tree.
#pragma once

#include <string>

namespace virtckpt::xml {

std::string SchemaPath(const std::string& file_name);

}  // namespace virtckpt::xml
