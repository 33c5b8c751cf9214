// What -h and -V print, in virsh's layout.
#pragma once

#include <string>

namespace virtckpt::cli {

// -h and --help: the usage lines, the options, the commands by group.
std::string UsageText();

// -V and --version=long: the version, the stores this build can open and the libraries it was
// compiled with.
std::string LongVersionText();

}  // namespace virtckpt::cli
