#include "cli/validate_command.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/runner.hpp"
#include "conf/document_kind.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"
#include "util/json.hpp"
#include "xml/document.hpp"

namespace virtckpt::cli {

namespace {

// What became of one file.
struct FileVerdict {
  std::string file;
  std::optional<conf::DocumentKind> kind;
  bool valid = false;
  std::vector<std::string> schemas;  // the schemas applied, the one that failed last
  std::string error;                 // why not, as virsh prints it after "error: "
};

// "a, b, c or d"
std::string AlternativesText(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

std::optional<conf::DocumentKind> GivenKind(const Arguments& args) {
  std::optional<std::string> type = args.Get("type");
  if (!type) return std::nullopt;
  std::optional<conf::DocumentKind> kind = conf::DocumentKindFromString(*type);
  if (!kind) {
    throw util::Error(util::ErrorCode::InvalidArg,
                      "unknown document type '" + *type + "' (expected " +
                          AlternativesText(conf::DocumentKindNames()) + ")");
  }
  return kind;
}

constexpr size_t kMaxBytes = 1u << 30;

// Reads FILE, or standard input for "-" (once: a second "-" gets what the first read).
class Reader {
 public:
  explicit Reader(bool commands_on_stdin) : commands_on_stdin_(commands_on_stdin) {}

  // Why "-" cannot be read, if it cannot: as checkpoint-import says it.
  std::optional<std::string> Refusal(const std::string& file) const {
    if (file != "-" || !commands_on_stdin_) return std::nullopt;
    return "standard input holds the commands: give the document as a file, or run validate as "
           "the command line's only command";
  }

  std::string Read(const std::string& file) {
    if (file != "-") return util::ReadAnyFile(file, kMaxBytes);
    if (!stdin_) stdin_ = util::ReadStandardInput(kMaxBytes);
    return *stdin_;
  }

 private:
  bool commands_on_stdin_;
  std::optional<std::string> stdin_;
};

// The parser's limits for a file: checkpoint-import's for a bundle (which holds every checkpoint
// document of a domain), so that validate accepts what import reads.
xml::ParseOptions ParseOptionsFor(const std::string& file) {
  xml::ParseOptions options;
  options.source = file;
  options.max_bytes = kMaxBytes;
  options.max_elements = 50000000;
  return options;
}

FileVerdict Check(const std::string& file, std::optional<conf::DocumentKind> given,
                  Reader& reader) {
  FileVerdict verdict;
  verdict.file = file;
  verdict.kind = given;
  if (std::optional<std::string> refusal = reader.Refusal(file)) {
    verdict.error = *refusal;
    return verdict;
  }
  try {
    xml::Document doc = xml::Document::Parse(reader.Read(file), ParseOptionsFor(file));
    if (!verdict.kind) verdict.kind = conf::DetectDocumentKind(doc);
    conf::ValidateDocument(doc, *verdict.kind, &verdict.schemas);
    verdict.valid = true;
  } catch (const util::Error& e) {
    verdict.error = e.what();
  }
  return verdict;
}

std::string KindSuffix(const FileVerdict& verdict) {
  return verdict.kind ? std::string(" (") + conf::DocumentKindToString(*verdict.kind) + ")" : "";
}

void PrintText(Context& ctx, const FileVerdict& verdict) {
  if (!verdict.valid) {
    PrintErrors(ctx, {verdict.file + " fails to validate" + KindSuffix(verdict), verdict.error});
    return;
  }
  std::string schemas;
  for (size_t i = 0; i < verdict.schemas.size(); ++i) {
    schemas += (i > 0 ? " and " : "") + verdict.schemas[i];
  }
  ctx.out << verdict.file << " validates against " << schemas << KindSuffix(verdict) << "\n";
}

// The lines of an error message, without the newline that ends libxml2's last message.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string Json(const std::vector<FileVerdict>& verdicts, bool all_valid) {
  util::JsonWriter json;
  json.BeginObject().Key("files").BeginArray();
  for (const FileVerdict& verdict : verdicts) {
    json.BeginObject().Key("file").String(verdict.file).Key("type");
    if (verdict.kind) {
      json.String(conf::DocumentKindToString(*verdict.kind));
    } else {
      json.Null();
    }
    json.Key("valid").Bool(verdict.valid).Key("schemas").BeginArray();
    for (const std::string& schema : verdict.schemas) json.String(schema);
    json.EndArray().Key("errors").BeginArray();
    for (const std::string& line : Lines(verdict.error)) json.String(line);
    json.EndArray().EndObject();
  }
  json.EndArray().Key("valid").Bool(all_valid).EndObject();
  return json.str();
}

}  // namespace

void RunValidate(Context& ctx, const Arguments& args) {
  std::optional<conf::DocumentKind> given = GivenKind(args);
  bool json = args.Flag("json");
  Reader reader(ctx.interactive);
  std::vector<FileVerdict> verdicts;
  bool all_valid = true;
  for (const std::string& file : args.All("file")) {
    verdicts.push_back(Check(file, given, reader));
    all_valid &= verdicts.back().valid;
    if (!json) PrintText(ctx, verdicts.back());
  }
  if (json) ctx.out << Json(verdicts, all_valid) << "\n";
  // Every file has been reported; the command fails when one was not valid.
  if (!all_valid) throw CommandError({});
}

}  // namespace virtckpt::cli
