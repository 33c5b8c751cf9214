#include "cli/echo_escape.hpp"

#include <cstring>

namespace virtckpt::cli {

std::string EscapeForShell(const std::string& word) {
  if (word.empty()) return "''";
  if (word.find_first_of("\r\t\n !\"#$&'()*;<>?[\\]^`{|}~") == std::string::npos) return word;
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string EscapeForXml(const std::string& word) {
  std::string out;
  for (char c : word) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
          out += c;
        }
    }
  }
  return out;
}

std::vector<std::string> SplitAtCommas(const std::string& word) {
  if (word.empty()) return {};
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < word.size(); ++i) {
    if (word[i] != ',') {
      parts.back() += word[i];
    } else if (i + 1 < word.size() && word[i + 1] == ',') {
      parts.back() += ',';
      ++i;
    } else {
      parts.emplace_back();
    }
  }
  return parts;
}

}  // namespace virtckpt::cli
