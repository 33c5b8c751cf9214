// Writes XML the way libvirt formats it: two-space indentation, attributes in single quotes,
// libvirt's escaping, empty elements as <x/>; what libvirt passes through as libxml2 parsed it
// (a domain's <metadata>) as libxml2 writes it (Writer::Subtree). Every document virtckpt writes
// goes through here, from a Node tree (FormatElement) or element by element (Writer).
#pragma once

#include <string>
#include <vector>

#include "xml/node.hpp"

namespace virtckpt::xml {

// Escapes < > & ' " and drops control characters other than tab, newline and carriage return.
std::string Escape(const std::string& text);

// Writes elements one at a time into `out`, the outermost at `indent` spaces, each line ending in
// a newline. Start and End nest; an element ended with nothing in it is written <x/>.
class Writer {
 public:
  explicit Writer(std::string* out, int indent = 0) : out_(out), indent_(indent) {}

  Writer& Start(const std::string& name);
  // Start without attributes, written <x> ... </x> even with nothing in it, as virsh writes the
  // document of checkpoint-create-as.
  void StartBlock(const std::string& name);
  // Only between Start and the first child or text of that element.
  Writer& Attribute(const std::string& key, const std::string& value);
  void End();
  // <name>text</name> with the text as given, even when it is blank (virsh keeps
  // --description " ").
  void TextElement(const std::string& name, const std::string& text);
  // An element and its subtree; text that is only whitespace is layout and is dropped, so an
  // element holding nothing else is written <x/>; CDATA is text, comments are left out. Its
  // direct children named `verbatim_child` are written as libvirt writes the <metadata> of a
  // domain, which it keeps as libxml2 parsed it and prints with libxml2's xmlNodeDump:
  // whitespace between elements dropped as libxml2 drops it, the rest re-indented unless an
  // element holds text, attributes in double quotes, comments and CDATA sections kept.
  void Subtree(const Node& element, const std::string& verbatim_child = "");

 private:
  struct Open {
    std::string name;
    bool start_tag_open;
  };

  // Ends the innermost open start tag with '>' and a newline before its first child.
  void OpenContent();
  void Verbatim(const Node& element);
  void Indent();

  std::string* out_;
  int indent_;
  std::vector<Open> open_;
};

// Appends the element (and its subtree), starting at `indent` spaces, ending in a newline.
void FormatElement(const Node& element, int indent, std::string* out);
std::string FormatElement(const Node& element, int indent = 0);

}  // namespace virtckpt::xml
