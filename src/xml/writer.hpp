// Formats a Node tree the way libvirt formats its XML: two-space indentation, attributes in
// single quotes, libvirt's escaping, empty elements as <x/>.
#pragma once

#include <string>

#include "xml/node.hpp"

namespace virtckpt::xml {

// Escapes < > & ' " and drops control characters other than tab, newline and carriage return.
std::string Escape(const std::string& text);

// Appends the element (and its subtree), starting at `indent` spaces, ending in a newline.
void FormatElement(const Node& element, int indent, std::string* out);
std::string FormatElement(const Node& element, int indent = 0);

}  // namespace virtckpt::xml
