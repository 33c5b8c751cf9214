// virtckpt: libvirt-style domain checkpoints kept outside a hypervisor, with virsh's commands.
#include <unistd.h>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/help.hpp"
#include "cli/runner.hpp"
#include "store/backend.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "xml/document.hpp"

namespace {

const char kUsage[] =
    "\n"
    "virtckpt [options]... [<command_string>]\n"
    "virtckpt [options]... <command> [args...]\n"
    "\n"
    "  options:\n"
    "    -c | --connect=DIR      store directory (or postgresql:// URI)\n"
    "    -h | --help             this help\n"
    "    -q | --quiet            quiet mode\n"
    "    -r | --readonly         connect readonly\n"
    "    -v | --version          program version\n"
    "\n"
    "  commands (non interactive mode):\n"
    "\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace virtckpt;
  std::ios::sync_with_stdio(true);
  std::string uri;
  bool quiet = false;
  bool readonly = false;
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-c" || arg == "--connect") {
      if (i + 1 >= argc) {
        std::cerr << "error: option '" << arg << "' requires an argument\n";
        return 1;
      }
      uri = argv[++i];
    } else if (arg.rfind("--connect=", 0) == 0) {
      uri = arg.substr(10);
    } else if (arg == "-q" || arg == "--quiet") {
      quiet = true;
    } else if (arg == "-r" || arg == "--readonly") {
      readonly = true;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << kUsage << cli::FormatCommandList();
      return 0;
    } else if (arg == "-v" || arg == "--version") {
      std::cout << VIRTCKPT_VERSION << "\n";
      return 0;
    } else if (arg == "--") {
      ++i;
      break;
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "error: unsupported option '" << arg << "'. See --help.\n";
      return 1;
    } else {
      break;
    }
  }
  try {
    cli::Connection connection(uri);
    connection.set_readonly(readonly);
    cli::Context ctx{connection, std::cout, std::cerr, quiet, util::NowSeconds};
    if (i < argc) return cli::RunArgv(ctx, std::vector<std::string>(argv + i, argv + argc));
    ctx.interactive = true;
    bool terminal = isatty(STDIN_FILENO) != 0;
    return cli::RunStream(ctx, std::cin, terminal ? "virtckpt # " : "");
  } catch (const util::Error& e) {
    for (const std::string& line : cli::ErrorLines(e)) std::cerr << "error: " << line << "\n";
    return 1;
  } catch (const xml::SchemaUnreadable& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    for (const std::string& line : cli::UnexpectedErrorLines(e)) {
      std::cerr << "error: " << line << "\n";
    }
    return 1;
  }
}
