#include <cstdio>
#include <ostream>

#include "cli/checkpoint_commands.hpp"
#include "cli/domain_access.hpp"
#include "cli/json_output.hpp"
#include "cli/table_cell.hpp"
#include "cli/xml_output.hpp"
#include "conf/checkpoint_def.hpp"
#include "util/error.hpp"
#include "xml/document.hpp"

namespace virtckpt::cli {

void RunCheckpointDumpXml(Context& ctx, const Arguments& args) {
  unsigned flags = 0;
  if (args.Flag("security-info")) flags |= conf::kFormatSecure;
  if (args.Flag("no-domain")) flags |= conf::kFormatNoDomain;
  if (args.Flag("size")) flags |= conf::kFormatSize;
  OpenDomain open = Open(ctx, args, store::Access::Read);
  std::string name = CheckpointArgument(args, *open.catalog).name;
  if (flags & conf::kFormatSize) {
    throw util::Error(util::ErrorCode::OperationUnsupported,
                      "--size needs the qcow2 image reader, which "
                      "is not part of this version of virtckpt");
  }
  std::string xml = conf::FormatCheckpoint(open.catalog->Read(name).def, flags);
  PrintXmlOrXPath(ctx, args, xml, "(domain_checkpoint)");
}

void RunCheckpointInfo(Context& ctx, const Arguments& args) {
  OpenDomain open = Open(ctx, args, store::Access::Read);
  const store::CheckpointSummary& c = CheckpointArgument(args, *open.catalog);
  if (args.Flag("json")) {
    util::JsonWriter json;
    json.BeginObject().Key("domain").String(open.catalog->domain().name());
    WriteCheckpointKeys(json, c, *open.catalog);
    ctx.out << json.EndObject().str() << "\n";
    return;
  }
  const store::CheckpointTree& tree = open.catalog->tree();
  std::string parent = c.parent.empty() ? "-" : c.parent;
  char buf[1024];
  auto line = [&](const char* key, const std::string& value) {
    snprintf(buf, sizeof buf, "%-15s %s\n", key, value.c_str());
    ctx.out << buf;
  };
  line("Name:", c.name);
  line("Domain:", open.catalog->domain().name());
  line("Parent:", parent);
  line("Children:", std::to_string(tree.Children(c.name).size()));
  line("Descendants:", std::to_string(tree.CountDescendants(c.name)));
  // Ours, only where there is something to say, so that virsh's lines stay as they are.
  if (c.state == store::CheckpointState::Pending) {
    line("State:", store::CheckpointStateToString(c.state));
  }
  if (!c.owner.empty()) {
    std::string owner;
    AppendTableCell(c.owner, &owner);
    line("Owner:", owner);
  }
}

void RunCheckpointParent(Context& ctx, const Arguments& args) {
  OpenDomain open = Open(ctx, args, store::Access::Read);
  const store::CheckpointSummary& c = CheckpointArgument(args, *open.catalog);
  if (args.Flag("json")) {
    // A root is no error here: its parent is null, as everywhere in JSON.
    util::JsonWriter json;
    json.BeginObject()
        .Key("domain")
        .String(open.catalog->domain().name())
        .Key("name")
        .String(c.name)
        .Key("parent")
        .StringOrNull(c.parent)
        .EndObject();
    ctx.out << json.str() << "\n";
    return;
  }
  if (c.parent.empty()) throw CommandError({"checkpoint '" + c.name + "' has no parent"});
  ctx.out << c.parent;
}

void RunCheckpointDelete(Context& ctx, const Arguments& args) {
  OpenDomain open = Open(ctx, args, store::Access::Write);
  std::string name = CheckpointArgument(args, *open.catalog).name;
  bool children = args.Flag("children");
  bool children_only = args.Flag("children-only");
  if (children && children_only) {
    throw CommandError({"Failed to delete checkpoint " + name,
                        "Flags 'VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN' and "
                        "'VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY' are mutually exclusive"});
  }
  store::DeleteMode mode = children        ? store::DeleteMode::WithChildren
                           : children_only ? store::DeleteMode::ChildrenOnly
                                           : store::DeleteMode::Single;
  open.catalog->Delete(name, mode, args.Flag("metadata"));
  if (children_only) {
    PrintExtra(ctx, "Domain checkpoint " + name + " children deleted\n");
  } else {
    PrintExtra(ctx, "Domain checkpoint " + name + " deleted\n");
  }
}

}  // namespace virtckpt::cli
