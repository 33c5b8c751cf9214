#include "cli/domain_list.hpp"

#include <algorithm>
#include <ostream>

#include "cli/table.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace virtckpt::cli {

namespace {

void Exclusive(const Arguments& args, const char* a, const char* b) {
  if (args.Flag(a) && args.Flag(b)) {
    throw CommandError({std::string("Options --") + a + " and --" + b + " are mutually exclusive"});
  }
}

// A filter between two opposite options: one of them keeps the domains with (or without) the
// property; both, or neither, keep every domain.
struct PairFilter {
  const char* with;
  const char* without;
};

// Whether a domain with `has` passes the pair.
bool Passes(const Arguments& args, const PairFilter& pair, bool has) {
  bool with = args.Flag(pair.with);
  bool without = args.Flag(pair.without);
  if (with == without) return true;
  return with ? has : !has;
}

// Properties no virtckpt domain has: transient, snapshots, autostart, managed save.
constexpr PairFilter kNeverFilters[] = {
    {"transient", "persistent"},
    {"with-snapshot", "without-snapshot"},
    {"autostart", "no-autostart"},
    {"with-managed-save", "without-managed-save"},
};
constexpr PairFilter kCheckpointFilter = {"with-checkpoint", "without-checkpoint"};

// virsh's --state-* filters select any of the states named; every virtckpt domain is shut
// off. (--inactive and --all select shut-off domains too; without them virsh lists running
// domains only, virtckpt every domain.)
bool PassesStateFilter(const Arguments& args) {
  bool any = false;
  for (const char* state : {"state-running", "state-paused", "state-shutoff", "state-other"}) {
    any = any || args.Flag(state);
  }
  return !any || args.Flag("state-shutoff");
}

bool NeedsSession(const Arguments& args) {
  bool by_checkpoints = args.Flag(kCheckpointFilter.with) != args.Flag(kCheckpointFilter.without);
  bool table = !args.Flag("uuid") && !args.Flag("name") && !args.Flag("id");
  return by_checkpoints || args.Flag("uuid") || args.Flag("json") || (table && args.Flag("title"));
}

}  // namespace

std::vector<ListedDomain> SelectDomains(Context& ctx, const Arguments& args) {
  Exclusive(args, "table", "name");
  Exclusive(args, "table", "uuid");
  Exclusive(args, "table", "id");
  if (!PassesStateFilter(args)) return {};
  for (const PairFilter& pair : kNeverFilters) {
    if (!Passes(args, pair, false)) return {};
  }
  std::vector<std::string> names = ctx.backend().ListDomains();
  std::stable_sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return util::CompareCaseInsensitive(a, b) < 0;
  });
  std::vector<ListedDomain> domains;
  for (const std::string& name : names) {
    ListedDomain listed{name, "", ""};
    if (NeedsSession(args)) {
      std::unique_ptr<store::DomainSession> session;
      try {
        session = ctx.backend().Open(name, store::Access::Read);
      } catch (const util::Error& e) {
        if (e.category() == util::ErrorCategory::NotFound) continue;  // undefined meanwhile
        throw;
      }
      if (!Passes(args, kCheckpointFilter, !session->checkpoints().empty())) continue;
      listed.uuid = session->domain().uuid();
      listed.title = session->domain().node().ChildText("title").value_or("");
    }
    domains.push_back(std::move(listed));
  }
  return domains;
}

void PrintDomainList(Context& ctx, const Arguments& args,
                     const std::vector<ListedDomain>& domains) {
  bool uuid = args.Flag("uuid");
  bool id = args.Flag("id");
  bool name = args.Flag("name");
  if (uuid || id || name) {
    for (const ListedDomain& domain : domains) {
      // virsh prints the ids of running domains only, unless with a uuid or a name.
      if (id && !uuid && !name) continue;
      std::string line = uuid ? domain.uuid : "";
      if (id) line += std::string(uuid ? " " : "") + "-";
      if (name) line += std::string(uuid || id ? " " : "") + domain.name;
      ctx.out << line << "\n";
    }
    return;
  }
  bool title = args.Flag("title");
  Table table(title ? std::vector<std::string>{"Id", "Name", "State", "Title"}
                    : std::vector<std::string>{"Id", "Name", "State"});
  for (const ListedDomain& domain : domains) table.AddRow({"-", domain.name, "-", domain.title});
  ctx.out << table.Format(ctx.quiet);
}

}  // namespace virtckpt::cli
