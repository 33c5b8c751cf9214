#include "cli/xml_output.hpp"

#include <ostream>

#include "xml/document.hpp"

namespace virtckpt::cli {

void PrintXmlOrXPath(Context& ctx, const Arguments& args, const std::string& xml,
                     const char* source) {
  std::optional<std::string> xpath = args.Get("xpath");
  if (!xpath) {
    ctx.out << xml;
    return;
  }
  xml::ParseOptions options;
  options.source = source;
  options.drop_blanks = true;
  ctx.out.flush();
  ctx.out << xml::Document::Parse(xml, options).DumpXPath(*xpath, args.Flag("wrap"));
}

}  // namespace virtckpt::cli
