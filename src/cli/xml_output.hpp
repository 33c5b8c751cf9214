// Printing an XML document, or what virsh's --xpath [--wrap] selects of it.
#pragma once

#include <string>

#include "cli/command.hpp"

namespace virtckpt::cli {

// `source` names the document in parse errors, as libvirt does: "(domain_definition)".
void PrintXmlOrXPath(Context& ctx, const Arguments& args, const std::string& xml,
                     const char* source);

}  // namespace virtckpt::cli
