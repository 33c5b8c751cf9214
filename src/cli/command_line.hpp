// virsh's command-line grammar: splitting a line into commands and words, and matching words
// against a command's options.
#pragma once

#include <string>
#include <vector>

#include "cli/command.hpp"

namespace virtckpt::cli {

// A command line is malformed (an unknown option, a missing value, ...): printed as
// "error: MESSAGE" with no blank line after it, as virsh does.
class ParseError : public std::exception {
 public:
  explicit ParseError(std::string message) : lines_{std::move(message)} {}
  // Several messages at once, each printed as its own "error: " line.
  explicit ParseError(std::vector<std::string> lines) : lines_(std::move(lines)) {}
  const std::vector<std::string>& lines() const { return lines_; }
  const char* what() const noexcept override { return lines_.front().c_str(); }

 private:
  std::vector<std::string> lines_;
};

// Splits a line into commands (at ';' and newlines) and each command into words, with virsh's
// quoting: '...' literally (an unclosed one runs to the end), "..." and bare words with
// backslash escapes, '#' starts a comment.
std::vector<std::vector<std::string>> SplitCommandLine(const std::string& line);

// Matches words (after the command name) against the command's options.
Arguments ParseArguments(const CommandDef& command, const std::vector<std::string>& words);

}  // namespace virtckpt::cli
