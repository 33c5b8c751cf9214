// How virsh's echo quotes its arguments: for a POSIX shell, for XML text, or split at commas.
#pragma once

#include <string>
#include <vector>

namespace virtckpt::cli {

// As is when no shell metacharacter occurs, else in single quotes ('' for the empty string).
std::string EscapeForShell(const std::string& word);

// <, >, &, " and ' as entities; control characters other than tab, newline and carriage return
// dropped (XML cannot hold them).
std::string EscapeForXml(const std::string& word);

// Split at each ',' that is not part of ",,", which stands for a literal comma; nothing for
// the empty string.
std::vector<std::string> SplitAtCommas(const std::string& word);

}  // namespace virtckpt::cli
