#include <algorithm>
#include <array>
#include <ostream>
#include <unordered_map>

#include "cli/checkpoint_commands.hpp"
#include "cli/domain_access.hpp"
#include "cli/json_output.hpp"
#include "cli/table.hpp"
#include "cli/table_cell.hpp"
#include "util/clock.hpp"
#include "util/strings.hpp"

namespace virtckpt::cli {

namespace {

using store::CheckpointSummary;
using Entries = std::vector<const CheckpointSummary*>;

void Exclusive(const Arguments& args, const char* a, const char* b) {
  if (args.Flag(a) && args.Flag(b)) {
    throw CommandError({std::string("Options --") + a + " and --" + b + " are mutually exclusive"});
  }
}

// Ours after a tree's name: " (pending)", " (owner: O)", " (pending, owner: O)", or nothing.
std::string TreeNote(const CheckpointSummary& c) {
  std::string note;
  if (c.state == store::CheckpointState::Pending) note = "pending";
  if (!c.owner.empty()) {
    note += note.empty() ? "owner: " : ", owner: ";
    AppendTableCell(c.owner, &note);
  }
  return note.empty() ? note : " (" + note + ")";
}

// virsh's tree: each entry whose parent is not listed starts a tree; children are found in
// list order.
void PrintTree(const Entries& list, std::ostream& out) {
  std::unordered_map<std::string, bool> listed;
  for (const CheckpointSummary* c : list) listed[c->name] = true;
  std::unordered_map<std::string, Entries> kids;
  for (const CheckpointSummary* c : list) {
    if (!c->parent.empty() && listed.count(c->parent)) kids[c->parent].push_back(c);
  }
  struct Frame {
    const CheckpointSummary* node;
    std::string indent;
    bool root;
    bool last;
  };
  for (const CheckpointSummary* root : list) {
    if (!root->parent.empty() && listed.count(root->parent)) continue;
    std::vector<Frame> stack{{root, "", true, true}};
    while (!stack.empty()) {
      Frame f = std::move(stack.back());
      stack.pop_back();
      out << f.indent << (f.root ? "" : "+- ") << f.node->name << TreeNote(*f.node) << "\n";
      std::string indent = f.indent;
      if (!f.root) indent += f.last ? "  " : "| ";
      auto it = kids.find(f.node->name);
      if (it == kids.end()) {
        if (f.last) out << indent << "\n";
        continue;
      }
      out << indent << "  |\n";
      const Entries& children = it->second;
      for (size_t i = children.size(); i-- > 0;) {
        stack.push_back({children[i], indent + "  ", false, i + 1 == children.size()});
      }
    }
  }
}

void PrintJson(const Entries& list, const store::Catalog& catalog, std::ostream& out) {
  util::JsonWriter json;
  json.BeginObject();
  json.Key("domain").String(catalog.domain().name());
  json.Key("checkpoints").BeginArray();
  for (const CheckpointSummary* c : list) {
    json.BeginObject();
    WriteCheckpointKeys(json, *c, catalog);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  out << json.str() << "\n";
}

}  // namespace

void RunCheckpointList(Context& ctx, const Arguments& args) {
  Exclusive(args, "tree", "name");
  Exclusive(args, "parent", "roots");
  Exclusive(args, "parent", "tree");
  Exclusive(args, "roots", "tree");
  Exclusive(args, "roots", "from");
  bool tree = args.Flag("tree");
  for (const char* filter : {"leaves", "no-leaves"}) {
    if (args.Flag(filter) && tree) {
      throw CommandError({std::string("--") + filter + " and --tree are mutually exclusive"});
    }
  }
  std::optional<std::string> from = args.Get("from");
  if (args.Flag("descendants") && !from) throw CommandError({"--descendants requires --from"});
  Exclusive(args, "json", "tree");
  Exclusive(args, "json", "name");

  OpenDomain open = Open(ctx, args, store::Access::Read);
  const store::Catalog& catalog = *open.catalog;
  const store::CheckpointTree& t = catalog.tree();
  const CheckpointSummary* start = from ? &CheckpointArgument(args, catalog, "from") : nullptr;

  Entries list;
  if (!start) {
    list = t.Topological();
  } else if (args.Flag("descendants")) {
    list = t.Descendants(start->name);
  } else {
    store::CheckpointTree::Span children = t.Children(start->name);
    list.assign(children.begin(), children.end());
  }
  auto keep = [&](const CheckpointSummary* c) {
    bool leaf = t.Children(c->name).empty();
    if (args.Flag("roots") && !t.ParentOf(c->name).empty()) return false;
    if (args.Flag("leaves") && !leaf) return false;
    if (args.Flag("no-leaves") && leaf) return false;
    if (auto owner = args.Get("owner"); owner && c->owner != *owner) return false;
    return true;
  };
  list.erase(std::remove_if(list.begin(), list.end(), [&](auto* c) { return !keep(c); }),
             list.end());
  if (!args.Flag("topological")) {
    std::stable_sort(list.begin(), list.end(), [](auto* a, auto* b) {
      return util::CompareCaseInsensitive(a->name, b->name) < 0;
    });
  }
  if (tree && start) list.insert(list.begin(), start);

  if (args.Flag("json")) {
    PrintJson(list, catalog, ctx.out);
  } else if (tree) {
    PrintTree(list, ctx.out);
  } else if (args.Flag("name")) {
    for (const CheckpointSummary* c : list) ctx.out << c->name << "\n";
  } else {
    bool parent = args.Flag("parent");
    bool state = std::any_of(list.begin(), list.end(), [](const CheckpointSummary* c) {
      return c->state == store::CheckpointState::Pending;
    });
    bool owner = std::any_of(list.begin(), list.end(),
                             [](const CheckpointSummary* c) { return !c->owner.empty(); });
    std::vector<std::string> header{"Name", "Creation Time"};
    if (parent) header.push_back("Parent");
    if (state) header.push_back("State");
    if (owner) header.push_back("Owner");
    Table table(std::move(header));
    for (const CheckpointSummary* c : list) {
      std::string time = util::FormatLocalTime(c->creation_time);
      const char* state_name = store::CheckpointStateToString(c->state);
      std::array<std::string_view, 5> cells{c->name, time};
      size_t count = 2;
      if (parent) cells[count++] = c->parent;
      if (state) cells[count++] = state_name;
      if (owner) cells[count++] = c->owner;
      table.AddRow(cells.data(), count);
    }
    ctx.out << table.Format(ctx.quiet);
  }
}

}  // namespace virtckpt::cli
