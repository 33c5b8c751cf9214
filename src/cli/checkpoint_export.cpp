#include <ostream>

#include "cli/domain_access.hpp"
#include "cli/exchange_commands.hpp"
#include "exchange/export.hpp"
#include "util/json.hpp"

namespace virtckpt::cli {

namespace {

void PrintReport(Context& ctx, const Arguments& args, const exchange::ExportSet& set,
                 const std::string& where, const std::string& manifest) {
  const exchange::Manifest& m = set.manifest;
  if (args.Flag("json")) {
    util::JsonWriter json;
    json.BeginObject().Key("domain").String(m.domain_name).Key("directory").String(where);
    json.Key("manifest").StringOrNull(manifest);
    json.Key("current").StringOrNull(m.current.value_or(""));
    json.Key("checkpoints").BeginArray();
    for (size_t i = 0; i < m.entries.size(); ++i) {
      const exchange::ManifestEntry& entry = m.entries[i];
      json.BeginObject().Key("name").String(entry.name).Key("parent").StringOrNull(entry.parent);
      json.Key("file").String(manifest.empty() ? entry.name + ".xml" : entry.file);
      json.Key("sha256").String(entry.sha256).EndObject();
    }
    json.EndArray();
    ctx.out << json.EndObject().str() << "\n";
    return;
  }
  size_t n = m.entries.size();
  PrintExtra(ctx, "Domain " + m.domain_name + ": " + std::to_string(n) +
                      (n == 1 ? " checkpoint" : " checkpoints") + " exported to '" + where + "'" +
                      "\n");
}

}  // namespace

void RunCheckpointExport(Context& ctx, const Arguments& args) {
  std::string dir = args.Get("dir").value_or("");
  bool libvirt = args.Flag("libvirt-layout");
  if (libvirt && args.Flag("no-domain")) {
    throw CommandError({"Options --libvirt-layout and --no-domain are mutually exclusive"});
  }
  if (dir == "-" && libvirt) {
    throw CommandError(
        {"Options --libvirt-layout and '-' (a bundle on standard output) are "
         "mutually exclusive"});
  }
  if (dir == "-" && args.Flag("json")) {
    throw CommandError(
        {"Options --json and '-' (a bundle on standard output) are mutually "
         "exclusive"});
  }
  if (dir.empty()) throw CommandError({"an export needs a directory, or '-' for a bundle"});
  OpenDomain open = Open(ctx, args, store::Access::Read);
  exchange::ExportOptions options;
  options.secure = libvirt || args.Flag("security-info");
  options.no_domain = args.Flag("no-domain");
  exchange::ExportSet set = exchange::CollectExport(*open.catalog, options);
  open = OpenDomain{};
  if (dir == "-") {
    ctx.out << exchange::FormatBundle(set);
    return;
  }
  if (libvirt) {
    std::string where = exchange::WriteLibvirtLayout(dir, set);
    PrintReport(ctx, args, set, where, "");
    return;
  }
  exchange::WriteExportDirectory(dir, set);
  std::string manifest = dir + (dir.back() == '/' ? "" : "/") + exchange::kManifestFile;
  PrintReport(ctx, args, set, dir, manifest);
}

}  // namespace virtckpt::cli
