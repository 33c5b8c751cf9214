#include "cli/domain_access.hpp"

#include <ostream>

namespace virtckpt::cli {

OpenDomain Open(Context& ctx, const Arguments& args, store::Access access, bool warn_pending_job) {
  std::string name = ResolveDomain(ctx, args);
  if (access == store::Access::Write) RefuseIfReadOnly(ctx);
  OpenDomain open;
  open.session = ctx.backend().Open(name, access);
  for (const auto& warning : open.session->warnings()) {
    ctx.out.flush();
    ctx.err << "warning: " << warning << "\n";
  }
  open.catalog = std::make_unique<store::Catalog>(*open.session);
  if (warn_pending_job) WarnIfJobPending(ctx, *open.catalog);
  return open;
}

OpenDomain OpenForDeviceChange(Context& ctx, const Arguments& args) {
  return Open(ctx, args, ctx.connection.readonly() ? store::Access::Read : store::Access::Write);
}

void WarnIfJobPending(Context& ctx, const store::Catalog& catalog) {
  if (auto job = catalog.PendingJob()) {
    ctx.out.flush();
    ctx.err << "warning: domain '" << catalog.domain().name() << "' has a pending backup job ("
            << store::JobDescription(*job) << "); end it with backup-end --commit or --abort\n";
  }
}

const store::CheckpointSummary& CheckpointArgument(const Arguments& args,
                                                   const store::Catalog& catalog,
                                                   const std::string& option) {
  std::optional<std::string> name = args.GetNonEmpty(option);
  if (!name) throw CommandError({"--" + option + " is required"});
  return catalog.Get(*name);
}

void PrintExtra(Context& ctx, const std::string& text) {
  if (!ctx.quiet) ctx.out << text;
}

}  // namespace virtckpt::cli
