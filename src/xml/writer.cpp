#include "xml/writer.hpp"

namespace virtckpt::xml {
namespace {

bool IsBlank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

}  // namespace

std::string Escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (c >= 0x20 || ch == '\n' || ch == '\t' || ch == '\r') out += ch;
    }
  }
  return out;
}

void FormatElement(const Node& element, int indent, std::string* out) {
  out->append(static_cast<size_t>(indent), ' ');
  *out += '<';
  *out += element.name();
  for (const auto& [key, value] : element.attributes()) {
    *out += ' ';
    *out += key;
    *out += "='";
    *out += Escape(value);
    *out += '\'';
  }
  bool has_elements = false;
  bool has_text = false;
  for (const auto& child : element.children()) {
    if (child.IsElement()) {
      has_elements = true;
    } else if (!IsBlank(child.text())) {
      has_text = true;
    }
  }
  if (!has_elements && !has_text) {
    *out += "/>\n";
    return;
  }
  if (!has_elements) {
    *out += '>';
    *out += Escape(element.TextContent());
    *out += "</";
    *out += element.name();
    *out += ">\n";
    return;
  }
  *out += ">\n";
  for (const auto& child : element.children()) {
    if (child.IsElement()) {
      FormatElement(child, indent + 2, out);
    } else if (!IsBlank(child.text())) {
      out->append(static_cast<size_t>(indent + 2), ' ');
      *out += Escape(child.text());
      *out += '\n';
    }
  }
  out->append(static_cast<size_t>(indent), ' ');
  *out += "</";
  *out += element.name();
  *out += ">\n";
}

std::string FormatElement(const Node& element, int indent) {
  std::string out;
  FormatElement(element, indent, &out);
  return out;
}

}  // namespace virtckpt::xml
