// A file of a new name holding a document that another program (an editor) is to change.
#pragma once

#include <string>

namespace virtckpt::util {

// Creates DIR/PREFIXxxxxxxSUFFIX (six random characters) with mode 0600, holding `contents`,
// and returns its path. Throws Error(SystemError) with the messages of glib as virsh prints
// them, and leaves no file behind:
//   "g_mkstemp_full: failed to create temporary file: REASON"
//   "write: PATH: failed to write to temporary file: REASON"
//   "close: PATH: failed to write or close temporary file: REASON"
std::string CreateTempFile(const std::string& dir, const std::string& prefix,
                           const std::string& suffix, const std::string& contents);

}  // namespace virtckpt::util
