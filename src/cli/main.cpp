// virtckpt: libvirt-style domain checkpoints kept outside a hypervisor, with virsh's commands.
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/command_line.hpp"
#include "cli/global_options.hpp"
#include "cli/runner.hpp"
#include "cli/tty_question.hpp"
#include "cli/usage.hpp"
#include "store/backend.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "xml/document.hpp"

int main(int argc, char** argv) {
  using namespace virtckpt;
  std::ios::sync_with_stdio(true);
  cli::GlobalOptions options;
  try {
    options = cli::ParseGlobalOptions(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const cli::ParseError& e) {
    for (const std::string& line : e.lines()) std::cerr << "error: " << line << "\n";
    return 1;
  }
  switch (options.action) {
    case cli::GlobalOptions::Action::Help:
      std::cout << cli::UsageText();
      return 0;
    case cli::GlobalOptions::Action::ShortVersion:
      std::cout << VIRTCKPT_VERSION << "\n";
      return 0;
    case cli::GlobalOptions::Action::LongVersion:
      std::cout << cli::LongVersionText();
      return 0;
    case cli::GlobalOptions::Action::Run:
      break;
  }
  // virsh refuses an empty command string while it parses its arguments, before it connects,
  // and says nothing.
  if (options.words.size() == 1 && options.words[0].empty()) return 1;
  std::vector<cli::ParsedCommand> commands;
  try {
    commands = cli::ParseArgv(options.words);
  } catch (const cli::ParseError& e) {
    for (const std::string& line : e.lines()) std::cerr << "error: " << line << "\n";
    return 1;
  }
  // As virsh connects before the first command, unless every command is one that needs no
  // store (validate).
  bool needs_store = options.words.empty() ||
                     std::any_of(commands.begin(), commands.end(),
                                 [](const cli::ParsedCommand& c) { return c.def->needs_store; });
  try {
    cli::Connection connection(options.uri, needs_store);
    connection.set_readonly(options.readonly);
    cli::Context ctx{connection, std::cout, std::cerr, options.quiet, util::NowSeconds};
    if (!options.words.empty()) return cli::RunParsed(ctx, commands);
    ctx.interactive = true;
    return cli::RunStream(ctx, std::cin, cli::StdinIsTerminal() ? "virtckpt # " : "");
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
