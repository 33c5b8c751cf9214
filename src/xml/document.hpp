// The safe XML parser, RelaxNG validation and virsh-style XPath output, all over libxml2.
// libxml2 stays inside src/xml/*.cpp.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "xml/node.hpp"

namespace virtckpt::xml {

struct ParseOptions {
  // Named in every error message, as libvirt names "(domain_checkpoint)".
  std::string source = "(inline)";
  size_t max_bytes = 16u << 20;
  // libxml2's own nesting limit (256) applies as well.
  int max_depth = 256;
  // libxml2's RelaxNG validation takes time quadratic in the number of siblings (80,000
  // <disk> elements: 10 s), so documents are bounded before they are validated.
  size_t max_elements = 100000;
  size_t max_children = 10000;
  // libxml2's duplicate-attribute check is quadratic as well.
  size_t max_attributes = 1000;
  // Drop whitespace-only text between elements (virsh does so for --xpath output).
  bool drop_blanks = false;
};

class Schema;

// A parsed document. Never touches the network, never expands entities, never loads a DTD,
// and rejects any document with a DOCTYPE. Errors are Error(XmlSyntax) in libvirt's format:
// "SOURCE:LINE: MESSAGE\nCONTEXT-LINE\n----^".
class Document {
 public:
  static Document Parse(const std::string& text, const ParseOptions& options = {});
  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  ~Document();

  std::string RootName() const;
  Node Root() const;
  // Throws Error(SchemaInvalid): "XML document failed to validate against schema: Unable to
  // validate doc against PATH\n" followed by libxml2's messages, one per line.
  void Validate(const Schema& schema) const;
  // The first child element of the root with this name (no namespace prefix), copied into a
  // document of its own (same source, same line numbers), to be validated on its own.
  std::optional<Document> ChildDocument(const std::string& name) const;
  // Evaluates a node-set XPath and serializes each node as virsh --xpath does (libxml2's own
  // formatting, double quotes); with wrap, inside one <nodes> element. A result that is not a
  // node-set, or an expression that does not compile (libxml2 prints why on stderr), throws
  // Error(Internal) "internal error: Incorrect xpath 'EXPR'".
  std::string DumpXPath(const std::string& expr, bool wrap) const;

 private:
  struct Impl;
  explicit Document(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A schema file (or one it includes) cannot be read: "cannot read schema 'PATH': REASON". An
// installation fault, not a fault of the document: deliberately not a util::Error, so that no
// command turns it into its own message and nothing mistakes it for a damaged store file.
class SchemaUnreadable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Schema {
 public:
  // Loads and caches a RelaxNG schema; throws SchemaUnreadable if a file of it cannot be read,
  // Error(Internal) if it cannot be parsed. libxml2 prints nothing.
  static const Schema& Load(const std::string& path);
  ~Schema();
  const std::string& path() const { return path_; }

 private:
  friend class Document;
  explicit Schema(std::string path);
  std::string path_;
  void* grammar_ = nullptr;
};

}  // namespace virtckpt::xml
