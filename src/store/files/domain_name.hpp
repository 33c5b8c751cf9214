// Domain names become directory names: refuse those that cannot be one.
#pragma once

#include <string>

namespace virtckpt::store::files {

// Throws Error(InvalidArgument) for "", ".", "..", names with '/' or NUL, names over 255
// bytes, and names that begin with kReservedNamePrefix (file_names.hpp).
void CheckDomainName(const std::string& name);
bool IsUsableDomainName(const std::string& name);

}  // namespace virtckpt::store::files
