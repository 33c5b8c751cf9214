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

#include <optional>
#include <string>

namespace virtckpt::xml {

std::string SchemaPath(const std::string& file_name);

// One of libvirt's own RelaxNG schemas (domain.rng, domaincheckpoint.rng, ...), read where
// libvirt installed them and never copied: in $VIRTCKPT_LIBVIRT_SCHEMA_DIR when it is set (set
// and empty: libvirt's schemas are not used, nullopt), else in the configured directory (meson
// option libvirt_schema_dir, Debian's /usr/share/libvirt/schemas) when the file is there.
std::optional<std::string> LibvirtSchemaPath(const std::string& file_name);

}  // namespace virtckpt::xml
