// virtckpt's options before the command, parsed by getopt_long's rules as virsh parses its own
// (optstring "+:c:hqrvV"): clustered short options (-qr, -qc DIR, -cDIR), long options and
// their unambiguous abbreviations (--connect DIR, --connect=DIR, --conn DIR), '--' ending the
// options, the first word that is not an option starting the command.
#pragma once

#include <string>
#include <vector>

namespace virtckpt::cli {

struct GlobalOptions {
  // The first of -h, -v and -V (or their long forms) ends the parsing: the rest is not read.
  enum class Action { Run, Help, ShortVersion, LongVersion };
  Action action = Action::Run;
  std::string uri;  // -c, the last one given
  bool quiet = false;
  bool readonly = false;
  std::vector<std::string> words;  // what follows the options
};

// The arguments after the program's name. Throws ParseError with virsh's message: "option
// '-c'/'--connect' requires an argument", "unsupported option '-x'. See --help." (also for a
// long option given a value it takes none), "unsupported option '--bogus'. See --help.".
GlobalOptions ParseGlobalOptions(const std::vector<std::string>& args);

}  // namespace virtckpt::cli
