// libvirt's uuids: the forms it reads and the one form it writes.
#pragma once

#include <optional>
#include <string>

namespace virtckpt::conf {

// The uuid in libvirt's form (lower-case, dashed: 8-4-4-4-12), from any text that libvirt's
// virUUIDParse reads: whitespace around it, 32 hex digits in pairs, '-' or ' ' anywhere between
// pairs. nullopt for anything else.
std::optional<std::string> ParseUuid(const std::string& text);

// A random (version 4) uuid in libvirt's form; throws Error(Internal) when /dev/urandom cannot
// be read.
std::string RandomUuid();

}  // namespace virtckpt::conf
