// `validate FILE... [--type TYPE] [--json]`: checks documents against their schemas, without a
// store.
#pragma once

#include "cli/command.hpp"

namespace virtckpt::cli {

void RunValidate(Context& ctx, const Arguments& args);

}  // namespace virtckpt::cli
