#include "cli/affect_flags.hpp"

#include <string>

namespace virtckpt::cli {

void RefuseClashingAffectFlags(const Arguments& args) {
  static const char* const kPairs[][2] = {
      {"persistent", "current"}, {"current", "live"}, {"current", "config"}};
  for (const auto& pair : kPairs) {
    if (args.Flag(pair[0]) && args.Flag(pair[1])) {
      throw CommandError(
          {std::string("Options --") + pair[0] + " and --" + pair[1] + " are mutually exclusive"});
    }
  }
}

}  // namespace virtckpt::cli
