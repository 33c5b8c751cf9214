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

void Writer::Indent() { out_->append(static_cast<size_t>(indent_) + 2 * open_.size(), ' '); }

void Writer::OpenContent() {
  if (open_.empty() || !open_.back().start_tag_open) return;
  *out_ += ">\n";
  open_.back().start_tag_open = false;
}

Writer& Writer::Start(const std::string& name) {
  OpenContent();
  Indent();
  *out_ += '<';
  *out_ += name;
  open_.push_back({name, true});
  return *this;
}

void Writer::StartBlock(const std::string& name) {
  Start(name);
  OpenContent();
}

Writer& Writer::Attribute(const std::string& key, const std::string& value) {
  *out_ += ' ';
  *out_ += key;
  *out_ += "='";
  *out_ += Escape(value);
  *out_ += '\'';
  return *this;
}

void Writer::End() {
  Open element = std::move(open_.back());
  open_.pop_back();
  if (element.start_tag_open) {
    *out_ += "/>\n";
    return;
  }
  Indent();
  *out_ += "</";
  *out_ += element.name;
  *out_ += ">\n";
}

void Writer::TextElement(const std::string& name, const std::string& text) {
  OpenContent();
  Indent();
  *out_ += '<';
  *out_ += name;
  *out_ += '>';
  *out_ += Escape(text);
  *out_ += "</";
  *out_ += name;
  *out_ += ">\n";
}

void Writer::Subtree(const Node& element) {
  bool has_elements = false;
  bool has_text = false;
  for (const auto& child : element.children()) {
    if (child.IsElement()) {
      has_elements = true;
    } else if (!IsBlank(child.text())) {
      has_text = true;
    }
  }
  if (!has_elements) {
    if (has_text) {
      OpenContent();
      Indent();
      *out_ += '<';
      *out_ += element.name();
      for (const auto& [key, value] : element.attributes()) Attribute(key, value);
      *out_ += '>';
      *out_ += Escape(element.TextContent());
      *out_ += "</";
      *out_ += element.name();
      *out_ += ">\n";
      return;
    }
    Start(element.name());
    for (const auto& [key, value] : element.attributes()) Attribute(key, value);
    End();
    return;
  }
  Start(element.name());
  for (const auto& [key, value] : element.attributes()) Attribute(key, value);
  for (const auto& child : element.children()) {
    if (child.IsElement()) {
      Subtree(child);
    } else if (!IsBlank(child.text())) {
      OpenContent();
      Indent();
      *out_ += Escape(child.text());
      *out_ += '\n';
    }
  }
  End();
}

void FormatElement(const Node& element, int indent, std::string* out) {
  Writer(out, indent).Subtree(element);
}

std::string FormatElement(const Node& element, int indent) {
  std::string out;
  FormatElement(element, indent, &out);
  return out;
}

}  // namespace virtckpt::xml
