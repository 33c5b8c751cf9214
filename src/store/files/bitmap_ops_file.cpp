#include "store/files/bitmap_ops_file.hpp"

#include "util/error.hpp"
#include "xml/document.hpp"
#include "xml/schema_path.hpp"
#include "xml/writer.hpp"

namespace virtckpt::store::files {

std::string FormatBitmapOps(const std::vector<BitmapOp>& ops) {
  xml::Node root = xml::Node::Element("bitmapops");
  for (const auto& op : ops) {
    xml::Node& node = root.AppendChild(xml::Node::Element("op"));
    node.SetAttribute("kind", BitmapOpKindToString(op.kind));
    node.SetAttribute("disk", op.disk);
    if (!op.image.empty()) node.SetAttribute("image", op.image);
    node.SetAttribute("bitmap", op.bitmap);
    if (!op.into.empty()) node.SetAttribute("into", op.into);
    if (!op.reason.empty()) node.SetAttribute("reason", op.reason);
  }
  return xml::FormatElement(root);
}

std::vector<BitmapOp> ParseBitmapOps(const std::string& text, const std::string& source) {
  xml::ParseOptions options;
  options.source = source;
  xml::Document doc = xml::Document::Parse(text, options);
  doc.Validate(xml::Schema::Load(xml::SchemaPath("bitmapops.rng")));
  std::vector<BitmapOp> ops;
  xml::Node root = doc.Root();
  for (const xml::Node* node : root.ChildElements("op")) {
    BitmapOp op;
    op.kind = BitmapOpKindFromString(node->Attribute("kind").value_or("")).value_or(op.kind);
    op.disk = node->Attribute("disk").value_or("");
    op.image = node->Attribute("image").value_or("");
    op.bitmap = node->Attribute("bitmap").value_or("");
    op.into = node->Attribute("into").value_or("");
    op.reason = node->Attribute("reason").value_or("");
    ops.push_back(std::move(op));
  }
  return ops;
}

}  // namespace virtckpt::store::files
