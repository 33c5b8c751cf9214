#include <ostream>

#include "cli/checkpoint_commands.hpp"
#include "cli/domain_access.hpp"
#include "conf/checkpoint_def.hpp"
#include "util/file_util.hpp"
#include "util/strings.hpp"
#include "xml/writer.hpp"

namespace virtckpt::cli {

namespace {

std::string OwnerOf(const Arguments& args) { return args.Get("owner").value_or(""); }

// Creates or redefines from a document; returns the checkpoint's name.
std::string CreateFromXml(Context& ctx, const Arguments& args, const std::string& text,
                          bool redefine, bool validate) {
  OpenDomain open = Open(ctx, args, store::Access::Write);
  conf::CheckpointDef def =
      conf::ParseCheckpoint(text, redefine ? unsigned{conf::kParseRedefine} : 0u);
  if (!redefine) return open.catalog->Create(std::move(def), OwnerOf(args), ctx.now());
  return open.catalog->Redefine(std::move(def), args.Get("owner"), validate);
}

// Splits at ',' where ",," stands for a comma, as virsh's vshStringToArray.
std::vector<std::string> SplitCommaList(const std::string& text) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != ',') {
      parts.back() += text[i];
    } else if (i + 1 < text.size() && text[i + 1] == ',') {
      parts.back() += ',';
      ++i;
    } else {
      parts.emplace_back();
    }
  }
  return parts;
}

// virsh's --diskspec: "disk[,checkpoint=type][,bitmap=name]", each key at most once.
void WriteDiskSpec(const std::string& spec, xml::Writer* writer) {
  std::vector<std::string> parts = SplitCommaList(spec);
  std::optional<std::string> checkpoint;
  std::optional<std::string> bitmap;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (!checkpoint && util::StartsWith(parts[i], "checkpoint=")) {
      checkpoint = parts[i].substr(11);
    } else if (!bitmap && util::StartsWith(parts[i], "bitmap=")) {
      bitmap = parts[i].substr(7);
    } else {
      throw CommandError({"unable to parse diskspec: " + spec});
    }
  }
  writer->Start("disk").Attribute("name", parts[0]);
  if (checkpoint) writer->Attribute("checkpoint", *checkpoint);
  if (bitmap) writer->Attribute("bitmap", *bitmap);
  writer->End();
}

}  // namespace

void RunCheckpointCreate(Context& ctx, const Arguments& args) {
  bool redefine = args.Flag("redefine");
  bool validate = args.Flag("redefine-validate");
  if (validate && !redefine) {
    throw CommandError({"Option --redefine is required by option --redefine-validate"});
  }
  ResolveDomain(ctx, args);
  std::optional<std::string> file = args.GetNonEmpty("xmlfile");
  std::string text = file ? util::ReadFile(*file) : "<domaincheckpoint/>";
  std::string name = CreateFromXml(ctx, args, text, redefine, validate);
  if (file) {
    PrintExtra(ctx, "Domain checkpoint " + name + " created from '" + *file + "'");
  } else {
    PrintExtra(ctx, "Domain checkpoint " + name + " created");
  }
}

void RunCheckpointCreateAs(Context& ctx, const Arguments& args) {
  ResolveDomain(ctx, args);
  std::optional<std::string> name = args.GetNonEmpty("name");
  std::optional<std::string> description = args.GetNonEmpty("description");
  std::string xml;
  xml::Writer writer(&xml);
  writer.StartBlock("domaincheckpoint");
  if (name) writer.TextElement("name", *name);
  if (description) writer.TextElement("description", *description);
  const auto& specs = args.All("diskspec");
  if (!specs.empty()) {
    writer.Start("disks");
    for (const auto& spec : specs) WriteDiskSpec(spec, &writer);
    writer.End();
  }
  writer.End();
  if (args.Flag("print-xml")) {
    ctx.out << xml << "\n";
    return;
  }
  std::string created = CreateFromXml(ctx, args, xml, false, false);
  PrintExtra(ctx, "Domain checkpoint " + created + " created");
}

}  // namespace virtckpt::cli
