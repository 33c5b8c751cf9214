// Handlers of the domain commands: define, undefine, list, dumpxml, domblklist, hot-plug, and
// domain-set (ours).
#pragma once

#include "cli/command.hpp"

namespace virtckpt::cli {

void RunDefine(Context& ctx, const Arguments& args);
void RunUndefine(Context& ctx, const Arguments& args);
void RunList(Context& ctx, const Arguments& args);
void RunDumpXml(Context& ctx, const Arguments& args);
void RunDomBlkList(Context& ctx, const Arguments& args);
void RunAttachDevice(Context& ctx, const Arguments& args);
void RunDetachDevice(Context& ctx, const Arguments& args);
void RunAttachDisk(Context& ctx, const Arguments& args);
void RunDetachDisk(Context& ctx, const Arguments& args);
void RunDomainSet(Context& ctx, const Arguments& args);

}  // namespace virtckpt::cli
