// The bash command line that is being completed, up to the cursor, split into words as bash
// would split it (quotes and backslashes removed).
#pragma once

#include <string>
#include <vector>

namespace virtckpt::cli {

struct CompletionLine {
  // The finished words before the cursor.
  std::vector<std::string> words;
  // The word the cursor is in (empty after a space).
  std::string partial;
  // How many characters of `partial` come before the word readline replaces: readline starts
  // that word after the last unquoted character of COMP_WORDBREAKS ("--domain=vm" replaces
  // "vm"), so candidates are printed without them.
  size_t replaced_from = 0;
};

CompletionLine SplitCompletionLine(const std::string& text, const std::string& wordbreaks);

}  // namespace virtckpt::cli
