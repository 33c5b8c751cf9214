#include "cli/runner.hpp"

#include <iostream>
#include <new>

#include "cli/command_line.hpp"
#include "cli/help.hpp"
#include "util/error.hpp"
#include "xml/document.hpp"

namespace virtckpt::cli {

void PrintErrors(Context& ctx, const std::vector<std::string>& lines) {
  ctx.out.flush();
  for (const auto& line : lines) ctx.err << "error: " << line << "\n";
  ctx.err.flush();
  ctx.error_printed = true;
}

namespace {

// Throws ParseError.
ParsedCommand Parse(const std::vector<std::string>& words) {
  ParsedCommand parsed;
  parsed.def = FindCommand(words[0]);
  if (!parsed.def) throw ParseError("unknown command: '" + words[0] + "'");
  std::vector<std::string> rest(words.begin() + 1, words.end());
  for (const auto& word : rest) {
    if (word == "--") break;
    if (word == "--help") {
      parsed.help = true;
      return parsed;
    }
  }
  parsed.args = ParseArguments(*parsed.def, rest);
  return parsed;
}

int Execute(Context& ctx, const ParsedCommand& parsed) {
  return RunCommand(ctx, *parsed.def, parsed.args, parsed.help);
}

}  // namespace

int RunCommand(Context& ctx, const CommandDef& def, const Arguments& args, bool help) {
  int rc = 0;
  try {
    ctx.command = &def;
    if (help) {
      ctx.out << FormatCommandHelp(def);
    } else {
      def.run(ctx, args);
    }
  } catch (const CommandError& e) {
    PrintErrors(ctx, e.lines());
    rc = 1;
  } catch (const util::Error& e) {
    PrintErrors(ctx, ErrorLines(e));
    rc = 1;
  } catch (const xml::SchemaUnreadable& e) {
    PrintErrors(ctx, {e.what()});
    rc = 1;
  } catch (const std::exception& e) {
    PrintErrors(ctx, UnexpectedErrorLines(e));
    rc = 1;
  }
  if (!ctx.quiet && !ctx.quit) ctx.out << "\n";
  ctx.out.flush();
  return rc;
}

std::vector<std::string> ErrorLines(const util::Error& e) {
  if (e.code() == util::ErrorCode::NoConnect) {
    return {"failed to connect to the hypervisor", e.what()};
  }
  return {e.what()};
}

std::vector<std::string> UnexpectedErrorLines(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e)) return {"out of memory"};
  return {
      util::Error(util::ErrorCode::InternalError, std::string("unexpected exception: ") + e.what())
          .what()};
}

int RunLine(Context& ctx, const std::string& line) {
  std::vector<ParsedCommand> parsed;
  try {
    for (const auto& words : SplitCommandLine(line)) parsed.push_back(Parse(words));
  } catch (const ParseError& e) {
    PrintErrors(ctx, e.lines());
    return 1;
  }
  int rc = 0;
  for (const auto& command : parsed) {
    if (ctx.quit) break;
    rc |= Execute(ctx, command);
  }
  return rc;
}

std::vector<ParsedCommand> ParseArgv(const std::vector<std::string>& words) {
  if (words.empty()) return {};
  std::vector<std::vector<std::string>> commands =
      words.size() == 1 ? SplitCommandLine(words[0]) : std::vector<std::vector<std::string>>{words};
  std::vector<ParsedCommand> parsed;
  for (const auto& command : commands) parsed.push_back(Parse(command));
  return parsed;
}

int RunParsed(Context& ctx, const std::vector<ParsedCommand>& commands) {
  int rc = 0;
  for (const auto& command : commands) {
    if (ctx.quit) break;
    rc = Execute(ctx, command);
  }
  return rc;
}

int RunStream(Context& ctx, std::istream& in, const std::string& prompt) {
  int rc = 0;
  std::string line;
  for (;;) {
    if (!prompt.empty()) {
      ctx.out << prompt;
      ctx.out.flush();
    }
    if (!std::getline(in, line)) break;
    rc |= RunLine(ctx, line);
    if (ctx.quit) break;
  }
  if (!prompt.empty() && !ctx.quit) ctx.out << "\n";
  return rc | (ctx.error_printed ? 1 : 0);
}

}  // namespace virtckpt::cli
