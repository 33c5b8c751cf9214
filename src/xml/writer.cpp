#include "xml/writer.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <optional>

namespace virtckpt::xml {
namespace {

bool IsBlank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// The characters of text or of an attribute value, escaped so that libxml2 reads them back
// unchanged (a literal tab or newline in an attribute value would be read as a space).
void AppendEscapedExactly(const std::string& text, bool attribute, std::string* out) {
  for (char ch : text) {
    switch (ch) {
      case '<':
        *out += "&lt;";
        break;
      case '>':
        *out += "&gt;";
        break;
      case '&':
        *out += "&amp;";
        break;
      case '\r':
        *out += "&#13;";
        break;
      case '"':
        *out += attribute ? "&quot;" : "\"";
        break;
      case '\n':
        *out += attribute ? "&#10;" : "\n";
        break;
      case '\t':
        *out += attribute ? "&#9;" : "\t";
        break;
      default:
        *out += ch;
    }
  }
}

// The subtree as a document that libxml2 parses into the tree it was parsed from: every text
// node as it was (whitespace included), CDATA sections and comments as they were.
void AppendExactly(const Node& node, std::string* out) {
  switch (node.kind()) {
    case Node::Kind::Text:
      AppendEscapedExactly(node.text(), false, out);
      return;
    case Node::Kind::CData:
      *out += "<![CDATA[" + node.text() + "]]>";
      return;
    case Node::Kind::Comment:
      *out += "<!--" + node.text() + "-->";
      return;
    case Node::Kind::Element:
      break;
  }
  *out += '<' + node.name();
  for (const auto& [key, value] : node.attributes()) {
    *out += ' ' + key + "=\"";
    AppendEscapedExactly(value, true, out);
    *out += '"';
  }
  if (node.children().empty()) {
    *out += "/>";
    return;
  }
  *out += '>';
  for (const Node& child : node.children()) AppendExactly(child, out);
  *out += "</" + node.name() + '>';
}

void IgnoreMessage(void*, const char*, ...) {}

struct FreeDoc {
  void operator()(xmlDocPtr doc) const { xmlFreeDoc(doc); }
};
struct FreeNode {
  void operator()(xmlNodePtr node) const { xmlFreeNode(node); }
};
struct FreeBuffer {
  void operator()(xmlBufferPtr buffer) const { xmlBufferFree(buffer); }
};

// What libvirt prints for an element it keeps as libxml2 parsed it (a domain's <metadata>):
// libvirt parses the domain with libxml2's blank text dropped, copies the element out of the
// document and prints the copy with xmlNodeDump at its indentation level, formatted. None if
// libxml2 does not read the subtree back (a namespace prefix declared outside it).
std::optional<std::string> DumpAsLibvirt(const Node& element, int level) {
  std::string text;
  AppendExactly(element, &text);
  std::unique_ptr<xmlParserCtxt, void (*)(xmlParserCtxtPtr)> ctxt(xmlNewParserCtxt(),
                                                                  xmlFreeParserCtxt);
  if (!ctxt || !ctxt->sax) return std::nullopt;
  ctxt->sax->error = IgnoreMessage;
  ctxt->sax->warning = IgnoreMessage;
  std::unique_ptr<xmlDoc, FreeDoc> doc(xmlCtxtReadMemory(
      ctxt.get(), text.data(), static_cast<int>(text.size()), "(metadata)", nullptr,
      XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc || !ctxt->wellFormed || !ctxt->nsWellFormed || !xmlDocGetRootElement(doc.get())) {
    return std::nullopt;
  }
  std::unique_ptr<xmlNode, FreeNode> copy(xmlCopyNode(xmlDocGetRootElement(doc.get()), 1));
  std::unique_ptr<xmlBuffer, FreeBuffer> buffer(xmlBufferCreate());
  if (!copy || !buffer) return std::nullopt;
  int indent_tree = xmlIndentTreeOutput;
  xmlIndentTreeOutput = 1;
  int written = xmlNodeDump(buffer.get(), nullptr, copy.get(), level, 1);
  xmlIndentTreeOutput = indent_tree;
  if (written < 0) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer.get())),
                     static_cast<size_t>(xmlBufferLength(buffer.get())));
}

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

void Writer::Verbatim(const Node& element) {
  OpenContent();
  int indent = indent_ + 2 * static_cast<int>(open_.size());
  std::optional<std::string> dumped = DumpAsLibvirt(element, indent / 2);
  if (!dumped) {
    Subtree(element);
    return;
  }
  Indent();
  *out_ += *dumped;
  *out_ += '\n';
}

void Writer::Subtree(const Node& element, const std::string& verbatim_child) {
  bool has_elements = false;
  bool has_text = false;
  for (const auto& child : element.children()) {
    if (child.IsElement()) {
      has_elements = true;
    } else if (child.IsText() && !IsBlank(child.text())) {
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
      if (!verbatim_child.empty() && child.name() == verbatim_child) {
        Verbatim(child);
      } else {
        Subtree(child);
      }
    } else if (child.IsText() && !IsBlank(child.text())) {
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
