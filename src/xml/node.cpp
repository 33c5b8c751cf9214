#include "xml/node.hpp"

namespace virtckpt::xml {

Node Node::Element(std::string name) {
  Node n;
  n.kind_ = Kind::Element;
  n.name_ = std::move(name);
  return n;
}

Node Node::Text(std::string text) {
  Node n;
  n.kind_ = Kind::Text;
  n.text_ = std::move(text);
  return n;
}

Node Node::CData(std::string text) {
  Node n = Text(std::move(text));
  n.kind_ = Kind::CData;
  return n;
}

Node Node::Comment(std::string text) {
  Node n = Text(std::move(text));
  n.kind_ = Kind::Comment;
  return n;
}

std::optional<std::string> Node::Attribute(const std::string& name) const {
  for (const auto& [key, value] : attributes_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Node& Node::SetAttribute(const std::string& name, const std::string& value) {
  for (auto& attr : attributes_) {
    if (attr.first == name) {
      attr.second = value;
      return *this;
    }
  }
  attributes_.emplace_back(name, value);
  return *this;
}

void Node::RemoveAttribute(const std::string& name) {
  for (auto it = attributes_.begin(); it != attributes_.end(); ++it) {
    if (it->first == name) {
      attributes_.erase(it);
      return;
    }
  }
}

Node& Node::AppendChild(Node child) {
  children_.push_back(std::move(child));
  return children_.back();
}

const Node* Node::FirstChild(const std::string& name) const {
  for (const auto& c : children_) {
    if (c.IsElement() && c.name_ == name) return &c;
  }
  return nullptr;
}

Node* Node::FirstChild(const std::string& name) {
  for (auto& c : children_) {
    if (c.IsElement() && c.name_ == name) return &c;
  }
  return nullptr;
}

std::vector<const Node*> Node::ChildElements() const {
  std::vector<const Node*> out;
  for (const auto& c : children_) {
    if (c.IsElement()) out.push_back(&c);
  }
  return out;
}

std::vector<const Node*> Node::ChildElements(const std::string& name) const {
  std::vector<const Node*> out;
  for (const auto& c : children_) {
    if (c.IsElement() && c.name_ == name) out.push_back(&c);
  }
  return out;
}

size_t Node::RemoveChildren(const std::string& name) {
  size_t before = children_.size();
  std::vector<Node> kept;
  kept.reserve(children_.size());
  for (auto& c : children_) {
    if (!(c.IsElement() && c.name_ == name)) kept.push_back(std::move(c));
  }
  children_ = std::move(kept);
  return before - children_.size();
}

std::string Node::TextContent() const {
  std::string out;
  for (const auto& c : children_) {
    if (c.IsText()) out += c.text_;
  }
  return out;
}

std::optional<std::string> Node::ChildText(const std::string& name) const {
  const Node* child = FirstChild(name);
  if (!child) return std::nullopt;
  return child->TextContent();
}

bool Node::operator==(const Node& other) const {
  return kind_ == other.kind_ && name_ == other.name_ && text_ == other.text_ &&
         attributes_ == other.attributes_ && children_ == other.children_;
}

}  // namespace virtckpt::xml
