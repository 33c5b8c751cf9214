#include "cli/shell_commands.hpp"

#include <cstdlib>
#include <cstring>
#include <ostream>

#include "cli/echo_escape.hpp"
#include "util/directory.hpp"

namespace virtckpt::cli {

namespace {

void Exclusive(const Arguments& args, const char* a, const char* b) {
  if (args.Flag(a) && args.Flag(b)) {
    throw CommandError({std::string("Options --") + a + " and --" + b + " are mutually exclusive"});
  }
}

}  // namespace

void RunEcho(Context& ctx, const Arguments& args) {
  Exclusive(args, "shell", "xml");
  Exclusive(args, "shell", "split");
  Exclusive(args, "xml", "split");
  const std::vector<std::string>& words = args.All("string");
  if (words.empty()) return;
  std::string text;
  for (const std::string& word : words) {
    if (args.Flag("xml")) {
      text += EscapeForXml(word);
    } else if (args.Flag("shell")) {
      text += EscapeForShell(word);
    } else if (args.Flag("split")) {
      for (const std::string& part : SplitAtCommas(word)) text += part + "\n";
    } else {
      text += word;
    }
    text += ' ';
  }
  text.pop_back();
  if (args.Flag("err")) {
    ctx.out.flush();
    ctx.err << "error: " << text << "\n";
    ctx.err.flush();
    ctx.error_printed = true;
  } else {
    ctx.out << text;
  }
}

void RunCd(Context& ctx, const Arguments& args) {
  if (!ctx.interactive) throw CommandError({"cd: command valid only in interactive mode"});
  std::string dir;
  if (std::optional<std::string> given = args.Get("dir")) {
    dir = *given;
  } else {
    const char* home = std::getenv("HOME");
    dir = home && *home ? home : "/";
  }
  if (int error = util::ChangeDirectory(dir); error != 0) {
    throw CommandError({std::string("cd: ") + std::strerror(error) + ": " + dir});
  }
}

void RunPwd(Context& ctx, const Arguments&) {
  int error = 0;
  std::optional<std::string> dir = util::CurrentDirectory(&error);
  if (!dir) {
    throw CommandError({std::string("pwd: cannot get current directory: ") + std::strerror(error)});
  }
  ctx.out << *dir << "\n";
}

void RunQuit(Context& ctx, const Arguments&) { ctx.quit = true; }

void RunConnect(Context& ctx, const Arguments& args) {
  ctx.connection.Reconnect(args.Get("name").value_or(""), args.Flag("readonly"));
}

}  // namespace virtckpt::cli
