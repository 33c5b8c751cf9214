#include "xml/document.hpp"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>

#include "util/error.hpp"
#include "util/file_util.hpp"

namespace virtckpt::xml {

using util::Error;
using util::ErrorCode;

namespace {

struct ParseState {
  std::string source;
  bool captured = false;
  std::string message;
  bool doctype = false;
  int doctype_line = 0;
};

// Records the first fatal error with the line it happened on and a pointer to the column.
void OnParseError(void* ctx, const char* /*msg*/, ...) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
  if (!ctxt || !ctxt->_private || !ctxt->input) return;
  auto* state = static_cast<ParseState*>(ctxt->_private);
  if (state->captured || ctxt->lastError.level != XML_ERR_FATAL || !ctxt->lastError.message) {
    return;
  }
  const xmlChar* base = ctxt->input->base;
  const xmlChar* cur = ctxt->input->cur;
  while (cur > base && (*cur == '\n' || *cur == '\r')) --cur;
  while (cur > base && *cur != '\n' && *cur != '\r') --cur;
  if (*cur == '\n' || *cur == '\r') ++cur;
  size_t column = static_cast<size_t>(ctxt->input->cur - cur);
  std::string line_text;
  for (const xmlChar* p = cur; *p && *p != '\n' && *p != '\r'; ++p) {
    line_text += static_cast<char>(*p);
  }
  std::string pointer;
  for (size_t i = 0; i < column && i < line_text.size(); ++i) {
    pointer += line_text[i] == '\t' ? '\t' : '-';
  }
  pointer += '^';
  state->captured = true;
  state->message = state->source + ":" + std::to_string(ctxt->lastError.line) + ": " +
                   ctxt->lastError.message + (line_text.empty() ? "(null)" : line_text) + "\n" +
                   pointer;
}

void OnInternalSubset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
  auto* state = static_cast<ParseState*>(ctxt->_private);
  state->doctype = true;
  state->doctype_line = ctxt->input ? ctxt->input->line : 0;
  xmlStopParser(ctxt);
}

void AppendToBuffer(void* ctx, const char* msg, ...) {
  char buf[4096];
  va_list args;
  va_start(args, msg);
  int n = vsnprintf(buf, sizeof buf, msg, args);
  va_end(args);
  if (n > 0) static_cast<std::string*>(ctx)->append(buf, std::min<size_t>(n, sizeof buf - 1));
}

void IgnoreMessage(void*, const char*, ...) {}

std::string QualifiedName(const xmlChar* name, xmlNsPtr ns) {
  std::string out;
  if (ns && ns->prefix) {
    out += reinterpret_cast<const char*>(ns->prefix);
    out += ':';
  }
  out += reinterpret_cast<const char*>(name);
  return out;
}

struct ConvertState {
  const ParseOptions& options;
  size_t elements = 0;
};

std::string At(const ConvertState& state, xmlNodePtr node) {
  return state.options.source + ":" + std::to_string(xmlGetLineNo(node)) + ": ";
}

Node Convert(xmlNodePtr element, int depth, ConvertState* state) {
  const std::string& source = state->options.source;
  int max_depth = state->options.max_depth;
  if (depth > max_depth) {
    throw Error(ErrorCode::XmlDetail, source + ":" + std::to_string(xmlGetLineNo(element)) +
                                          ": document nested deeper than " +
                                          std::to_string(max_depth) + " levels");
  }
  if (++state->elements > state->options.max_elements) {
    throw Error(ErrorCode::XmlDetail, At(*state, element) + "document has more than " +
                                          std::to_string(state->options.max_elements) +
                                          " elements");
  }
  Node node = Node::Element(QualifiedName(element->name, element->ns));
  node.set_line(static_cast<int>(xmlGetLineNo(element)));
  for (xmlNsPtr ns = element->nsDef; ns; ns = ns->next) {
    std::string key = ns->prefix ? "xmlns:" + std::string(reinterpret_cast<const char*>(ns->prefix))
                                 : std::string("xmlns");
    node.SetAttribute(key, ns->href ? reinterpret_cast<const char*>(ns->href) : "");
  }
  for (xmlAttrPtr attr = element->properties; attr; attr = attr->next) {
    xmlChar* value = xmlNodeGetContent(reinterpret_cast<xmlNodePtr>(attr));
    node.SetAttribute(QualifiedName(attr->name, attr->ns),
                      value ? reinterpret_cast<const char*>(value) : "");
    xmlFree(value);
  }
  size_t child_elements = 0;
  for (xmlNodePtr child = element->children; child; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) {
      if (++child_elements > state->options.max_children) {
        throw Error(ErrorCode::XmlDetail,
                    At(*state, child) + "element " + node.name() + " has more than " +
                        std::to_string(state->options.max_children) + " child elements");
      }
      node.AppendChild(Convert(child, depth + 1, state));
    } else if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE ||
               child->type == XML_COMMENT_NODE) {
      std::string content = child->content ? reinterpret_cast<const char*>(child->content) : "";
      node.AppendChild(child->type == XML_TEXT_NODE            ? Node::Text(std::move(content))
                       : child->type == XML_CDATA_SECTION_NODE ? Node::CData(std::move(content))
                                                               : Node::Comment(std::move(content)));
    }
  }
  return node;
}

struct DocFree {
  void operator()(xmlDocPtr doc) const { xmlFreeDoc(doc); }
};

// libxml2 checks each attribute of a start tag against all earlier ones, so a tag with 200,000
// attributes takes minutes to parse. One linear pass over the text (skipping comments, CDATA
// and processing instructions) bounds the attributes per tag before libxml2 sees it.
void CheckAttributeCounts(const std::string& text, const ParseOptions& options) {
  const size_t n = text.size();
  int line = 1;
  auto skip_to = [&](size_t from, const char* end) {
    size_t at = text.find(end, from);
    size_t stop = at == std::string::npos ? n : at;
    for (size_t k = from; k < stop; ++k) line += text[k] == '\n';
    return stop;
  };
  for (size_t i = 0; i < n; ++i) {
    if (text[i] == '\n') ++line;
    if (text[i] != '<') continue;
    if (text.compare(i, 4, "<!--") == 0) {
      i = skip_to(i + 4, "-->");
    } else if (text.compare(i, 9, "<![CDATA[") == 0) {
      i = skip_to(i + 9, "]]>");
    } else if (text.compare(i, 2, "<?") == 0) {
      i = skip_to(i + 2, "?>");
    } else {
      // A start tag, or a declaration such as <!DOCTYPE (scanned the same way: libxml2 goes on
      // parsing after an error, so what follows a bad declaration must be bounded too).
      int tag_line = line;
      size_t attributes = 0;
      char quote = 0;
      for (++i; i < n && (quote || text[i] != '>'); ++i) {
        char c = text[i];
        if (c == '\n') ++line;
        if (quote) {
          if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '=' && ++attributes > options.max_attributes) {
          throw Error(ErrorCode::XmlDetail,
                      options.source + ":" + std::to_string(tag_line) + ": element has more than " +
                          std::to_string(options.max_attributes) + " attributes");
        }
      }
    }
  }
}

std::string NodeToString(xmlDocPtr doc, xmlNodePtr node) {
  xmlBufferPtr buf = xmlBufferCreate();
  xmlNodeDump(buf, doc, node, 0, 1);
  std::string out(reinterpret_cast<const char*>(xmlBufferContent(buf)),
                  static_cast<size_t>(xmlBufferLength(buf)));
  xmlBufferFree(buf);
  return out;
}

}  // namespace

struct Document::Impl {
  std::unique_ptr<xmlDoc, DocFree> doc;
  ParseOptions options;
};

Document::Document(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

Document Document::Parse(const std::string& text, const ParseOptions& options) {
  if (text.size() > options.max_bytes) {
    throw Error(ErrorCode::XmlDetail,
                options.source + ": document of " + std::to_string(text.size()) +
                    " bytes exceeds the limit of " + std::to_string(options.max_bytes) + " bytes");
  }
  // libxml2 stops reading at a NUL byte after the root element and would silently drop the
  // rest, so a NUL anywhere is an error.
  if (size_t nul = text.find('\0'); nul != std::string::npos) {
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + nul, '\n'));
    throw Error(ErrorCode::XmlDetail,
                options.source + ":" + std::to_string(line) + ": document contains a NUL byte");
  }
  CheckAttributeCounts(text, options);
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (!ctxt || !ctxt->sax) {
    if (ctxt) xmlFreeParserCtxt(ctxt);
    throw Error(ErrorCode::InternalError, "cannot allocate an XML parser");
  }
  ParseState state;
  state.source = options.source;
  ctxt->_private = &state;
  ctxt->sax->error = OnParseError;
  ctxt->sax->internalSubset = OnInternalSubset;
  ctxt->sax->externalSubset = nullptr;
  int flags = XML_PARSE_NONET | XML_PARSE_NOWARNING;
  if (options.drop_blanks) flags |= XML_PARSE_NOBLANKS;
  xmlDocPtr raw = xmlCtxtReadMemory(ctxt, text.data(), static_cast<int>(text.size()),
                                    options.source.c_str(), nullptr, flags);
  std::unique_ptr<xmlDoc, DocFree> doc(raw);
  xmlFreeParserCtxt(ctxt);
  if (state.doctype) {
    throw Error(ErrorCode::XmlDetail,
                options.source + ":" + std::to_string(state.doctype_line) +
                    ": DOCTYPE declarations are not allowed (no DTDs, no entities)");
  }
  if (state.captured) throw Error(ErrorCode::XmlDetail, state.message);
  if (!doc) {
    throw Error(ErrorCode::XmlError, "failed to parse xml document '" + options.source + "'");
  }
  if (!xmlDocGetRootElement(doc.get())) {
    throw Error(ErrorCode::InternalError, "missing root element");
  }
  auto impl = std::make_unique<Impl>();
  impl->doc = std::move(doc);
  impl->options = options;
  Document result(std::move(impl));
  // Walk once so that the depth limit applies to every document, used or not.
  result.Root();
  return result;
}

std::string Document::RootName() const {
  xmlNodePtr root = xmlDocGetRootElement(impl_->doc.get());
  return QualifiedName(root->name, root->ns);
}

Node Document::Root() const {
  ConvertState state{impl_->options};
  return Convert(xmlDocGetRootElement(impl_->doc.get()), 1, &state);
}

void Document::Validate(const Schema& schema) const {
  xmlRelaxNGValidCtxtPtr valid =
      xmlRelaxNGNewValidCtxt(static_cast<xmlRelaxNGPtr>(schema.grammar_));
  if (!valid) {
    throw Error(ErrorCode::InternalError,
                "Unable to create RNG validation context " + schema.path());
  }
  std::string messages;
  xmlRelaxNGSetValidErrors(valid, AppendToBuffer, IgnoreMessage, &messages);
  int rc = xmlRelaxNGValidateDoc(valid, impl_->doc.get());
  xmlRelaxNGFreeValidCtxt(valid);
  if (rc != 0) {
    throw Error(ErrorCode::XmlInvalidSchema,
                "Unable to validate doc against " + schema.path() + "\n" + messages);
  }
}

std::optional<Document> Document::ChildDocument(const std::string& name) const {
  xmlNodePtr root = xmlDocGetRootElement(impl_->doc.get());
  for (xmlNodePtr child = root->children; child; child = child->next) {
    if (child->type != XML_ELEMENT_NODE || child->ns ||
        name != reinterpret_cast<const char*>(child->name)) {
      continue;
    }
    std::unique_ptr<xmlDoc, DocFree> copy(xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0")));
    xmlNodePtr element = copy ? xmlDocCopyNode(child, copy.get(), 1) : nullptr;
    if (!element) throw Error(ErrorCode::InternalError, "cannot copy element " + name);
    xmlDocSetRootElement(copy.get(), element);
    auto impl = std::make_unique<Impl>();
    impl->doc = std::move(copy);
    impl->options = impl_->options;
    return Document(std::move(impl));
  }
  return std::nullopt;
}

std::string Document::DumpXPath(const std::string& expr, bool wrap) const {
  xmlDocPtr doc = impl_->doc.get();
  xmlXPathContextPtr ctxt = xmlXPathNewContext(doc);
  ctxt->node = xmlDocGetRootElement(doc);
  xmlXPathObjectPtr obj = xmlXPathEval(reinterpret_cast<const xmlChar*>(expr.c_str()), ctxt);
  xmlXPathFreeContext(ctxt);
  if (!obj || obj->type != XPATH_NODESET) {
    if (obj) xmlXPathFreeObject(obj);
    throw Error(ErrorCode::InternalError, "Incorrect xpath '" + expr + "'");
  }
  std::string out;
  xmlNodeSetPtr set = obj->nodesetval;
  int count = set ? set->nodeNr : 0;
  if (wrap) {
    xmlDocPtr wrapped = xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0"));
    xmlNodePtr root = xmlNewNode(nullptr, reinterpret_cast<const xmlChar*>("nodes"));
    xmlDocSetRootElement(wrapped, root);
    for (int i = 0; i < count; ++i) xmlAddChild(root, xmlDocCopyNode(set->nodeTab[i], wrapped, 1));
    out = NodeToString(doc, root) + "\n";
    xmlFreeDoc(wrapped);
  } else {
    for (int i = 0; i < count; ++i) out += NodeToString(doc, set->nodeTab[i]) + "\n";
  }
  xmlXPathFreeObject(obj);
  return out;
}

namespace {

// Throws SchemaUnreadable unless path is a regular file this process can read.
void CheckReadable(const std::string& path) {
  if (int err = util::OpenForReadingError(path); err != 0) {
    throw SchemaUnreadable("cannot read schema '" + path + "': " + std::strerror(err));
  }
}

// libxml2's messages while a schema is parsed: kept instead of printed. An include that cannot
// be loaded is an I/O error naming the file.
struct SchemaParseErrors {
  std::string messages;
  std::string unloadable;
};

void OnSchemaError(void* ctx, xmlErrorPtr error) {
  auto* errors = static_cast<SchemaParseErrors*>(ctx);
  if (!error) return;
  bool io_load = error->domain == XML_FROM_IO && error->code == XML_IO_LOAD_ERROR;
  bool rng_load = error->domain == XML_FROM_RELAXNGP && error->code == XML_RNGP_PARSE_ERROR &&
                  error->message && std::strstr(error->message, "could not load");
  if ((io_load || rng_load) && error->str1 && errors->unloadable.empty()) {
    errors->unloadable = error->str1;
  }
  if (error->message) errors->messages += error->message;
}

}  // namespace

Schema::Schema(std::string path) : path_(std::move(path)) {
  CheckReadable(path_);
  xmlRelaxNGParserCtxtPtr parser = xmlRelaxNGNewParserCtxt(path_.c_str());
  if (!parser) {
    throw Error(ErrorCode::InternalError, "Unable to create RNG parser for " + path_);
  }
  SchemaParseErrors errors;
  xmlRelaxNGSetParserStructuredErrors(parser, OnSchemaError, &errors);
  // Included files are read by parsers of their own, which report to the global handlers.
  xmlStructuredErrorFunc saved_handler = xmlStructuredError;
  void* saved_context = xmlStructuredErrorContext;
  xmlSetStructuredErrorFunc(&errors, OnSchemaError);
  grammar_ = xmlRelaxNGParse(parser);
  xmlSetStructuredErrorFunc(saved_context, saved_handler);
  xmlRelaxNGFreeParserCtxt(parser);
  if (!grammar_) {
    if (!errors.unloadable.empty()) CheckReadable(errors.unloadable);
    throw Error(ErrorCode::InternalError, "Unable to parse RNG " + path_ + ": " + errors.messages);
  }
}

Schema::~Schema() { xmlRelaxNGFree(static_cast<xmlRelaxNGPtr>(grammar_)); }

const Schema& Schema::Load(const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<Schema>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(path);
  if (it == cache.end()) {
    it = cache.emplace(path, std::unique_ptr<Schema>(new Schema(path))).first;
  }
  return *it->second;
}

}  // namespace virtckpt::xml
