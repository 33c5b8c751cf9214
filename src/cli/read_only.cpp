#include <map>
#include <string>

#include "cli/command.hpp"
#include "cli/command_line.hpp"
#include "util/error.hpp"

namespace virtckpt::cli {

namespace {

// The libvirt API each command that changes the store stands for; our own commands name
// themselves.
std::string ApiOf(const std::string& command) {
  static const std::map<std::string, std::string> apis = {
      {"attach-device", "virDomainAttachDevice"},
      {"attach-disk", "virDomainAttachDevice"},
      {"backup-begin", "virDomainBackupBegin"},
      {"checkpoint-create", "virDomainCheckpointCreateXML"},
      {"checkpoint-create-as", "virDomainCheckpointCreateXML"},
      {"checkpoint-delete", "virDomainCheckpointDelete"},
      {"checkpoint-edit", "virDomainCheckpointCreateXML"},
      {"define", "virDomainDefineXML"},
      {"detach-device", "virDomainDetachDevice"},
      {"detach-disk", "virDomainDetachDevice"},
      {"domjobabort", "virDomainAbortJob"},
      {"undefine", "virDomainUndefineFlags"},
  };
  auto it = apis.find(command);
  return it != apis.end() ? it->second : command;
}

}  // namespace

void RefuseIfReadOnly(const Context& ctx) {
  if (!ctx.connection.readonly()) return;
  throw util::Error(util::ErrorCode::OperationDenied,
                    "read only access prevents " + ApiOf(ctx.command ? ctx.command->name : ""));
}

void RefuseDeviceChangeIfReadOnly(const Context& ctx, const Arguments& args) {
  if (!ctx.connection.readonly()) return;
  bool with_flags = false;
  for (const char* flag : {"live", "config", "persistent", "current"}) {
    with_flags = with_flags || args.Flag(flag);
  }
  throw util::Error(util::ErrorCode::OperationDenied,
                    "read only access prevents " + ApiOf(ctx.command ? ctx.command->name : "") +
                        (with_flags ? "Flags" : ""));
}

}  // namespace virtckpt::cli
