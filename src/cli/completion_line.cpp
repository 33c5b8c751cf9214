#include "cli/completion_line.hpp"

namespace virtckpt::cli {

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Inside "...", a backslash escapes only these (bash's rule).
bool EscapableInDoubleQuotes(char c) {
  return c == '$' || c == '`' || c == '"' || c == '\\' || c == '\n';
}

}  // namespace

CompletionLine SplitCompletionLine(const std::string& text, const std::string& wordbreaks) {
  CompletionLine line;
  std::string word;
  bool in_word = false;
  char quote = 0;
  size_t quote_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == '\'') {
      if (c == '\'') {
        quote = 0;
      } else {
        word += c;
      }
      continue;
    }
    if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else if (c == '\\' && i + 1 < text.size() && EscapableInDoubleQuotes(text[i + 1])) {
        word += text[++i];
      } else {
        word += c;
      }
      continue;
    }
    if (IsBlank(c)) {
      if (in_word) line.words.push_back(word);
      word.clear();
      in_word = false;
      line.replaced_from = 0;
      continue;
    }
    in_word = true;
    if (c == '\'' || c == '"') {
      quote = c;
      quote_start = word.size();
    } else if (c == '\\') {
      if (i + 1 < text.size() && text[++i] != '\n') word += text[i];
    } else {
      word += c;
      if (wordbreaks.find(c) != std::string::npos) line.replaced_from = word.size();
    }
  }
  // readline completes the text inside a quote that is still open.
  if (quote) line.replaced_from = quote_start;
  line.partial = word;
  return line;
}

}  // namespace virtckpt::cli
