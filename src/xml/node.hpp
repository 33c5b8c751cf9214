// A plain XML tree owned by virtckpt: what the parser returns and the writer formats.
// It hides libxml2 from every other layer.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace virtckpt::xml {

class Node {
 public:
  // CData is text that a document wrote as a CDATA section, Comment a comment. Both are kept so
  // that what libvirt copies through verbatim (a domain's <metadata>) can be written again as
  // libvirt writes it (Writer::Subtree); everything else reads CDATA as text and skips comments.
  enum class Kind { Element, Text, CData, Comment };

  static Node Element(std::string name);
  static Node Text(std::string text);
  static Node CData(std::string text);
  static Node Comment(std::string text);

  Kind kind() const { return kind_; }
  bool IsElement() const { return kind_ == Kind::Element; }
  // Text or CDATA: the characters of the element that holds it.
  bool IsText() const { return kind_ == Kind::Text || kind_ == Kind::CData; }
  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  int line() const { return line_; }
  void set_line(int line) { line_ = line; }

  const std::vector<std::pair<std::string, std::string>>& attributes() const { return attributes_; }
  std::optional<std::string> Attribute(const std::string& name) const;
  // Sets (replacing in place) or appends an attribute.
  Node& SetAttribute(const std::string& name, const std::string& value);
  void RemoveAttribute(const std::string& name);

  const std::vector<Node>& children() const { return children_; }
  std::vector<Node>& mutable_children() { return children_; }
  Node& AppendChild(Node child);
  // First child element with that name, or nullptr.
  const Node* FirstChild(const std::string& name) const;
  Node* FirstChild(const std::string& name);
  // Child elements, all or those with one name, in document order.
  std::vector<const Node*> ChildElements() const;
  std::vector<const Node*> ChildElements(const std::string& name) const;
  // Removes every child element with that name; returns how many.
  size_t RemoveChildren(const std::string& name);
  // Concatenated text of the direct text and CDATA children.
  std::string TextContent() const;
  // Text of the first child element with that name, if that element exists.
  std::optional<std::string> ChildText(const std::string& name) const;

  bool operator==(const Node& other) const;
  bool operator!=(const Node& other) const { return !(*this == other); }

 private:
  Kind kind_ = Kind::Element;
  std::string name_;
  std::string text_;
  int line_ = 0;
  std::vector<std::pair<std::string, std::string>> attributes_;
  std::vector<Node> children_;
};

}  // namespace virtckpt::xml
