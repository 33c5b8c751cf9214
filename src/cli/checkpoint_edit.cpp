// checkpoint-edit, virsh's edit loop: the document goes to $VISUAL or $EDITOR and is redefined
// from what comes back; on a terminal a refused document is offered for another try.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <ostream>

#include "cli/checkpoint_commands.hpp"
#include "cli/domain_access.hpp"
#include "cli/runner.hpp"
#include "cli/tty_question.hpp"
#include "conf/checkpoint_def.hpp"
#include "util/error.hpp"
#include "util/file_util.hpp"

namespace virtckpt::cli {

namespace {

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs $VISUAL or $EDITOR (default vi) on the file, as virsh does.
void RunEditor(const std::string& path) {
  const char* editor = std::getenv("VISUAL");
  if (!editor || !*editor) editor = std::getenv("EDITOR");
  if (!editor || !*editor) editor = "vi";
  std::string command = std::string(editor) + " " + ShellQuote(path);
  int rc = std::system(command.c_str());
  if (rc != 0) {
    throw util::Error(util::ErrorCode::InternalError,
                      "Child process (" + command + ") unexpected exit status " +
                          std::to_string(WIFEXITED(rc) ? WEXITSTATUS(rc) : rc));
  }
}

class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern = std::string(dir && *dir ? dir : "/tmp") + "/virtckptXXXXXX.xml";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    int fd = mkstemps(buf.data(), 4);
    if (fd < 0) throw CommandError({"Failed to create temporary file for editing"});
    close(fd);
    path_ = buf.data();
    util::WriteFileAtomic(path_, contents);
  }
  ~TempFile() { Remove(); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }
  void Remove() {
    if (!path_.empty()) unlink(path_.c_str());
    path_.clear();
  }

 private:
  std::string path_;
};

const KeyQuestion& ReeditQuestion() {
  static const KeyQuestion question{"Failed. Try again? [y,n,f,?]: ",
                                    "ynf",
                                    {"y - yes, start editor again", "n - no, throw away my changes",
                                     "f - force, try to redefine again", "? - print this help"}};
  return question;
}

// Redefines `name` from the edited document. Returns the error lines when the document is
// refused, none when it was taken. A rename is no refusal: virsh finds it after the redefine
// and fails the command.
std::vector<std::string> Redefine(store::Catalog& catalog, const std::string& name,
                                  const std::string& edited) {
  try {
    conf::CheckpointDef def = conf::ParseCheckpoint(edited, conf::kParseRedefine);
    if (def.name != name) {
      throw CommandError(
          {"Cannot rename checkpoint " + name + " to " + def.name, "Failed to update " + name});
    }
    catalog.Redefine(std::move(def), std::nullopt, false);
  } catch (const util::Error& e) {
    return ErrorLines(e);
  }
  return {};
}

// After a refusal: 'y' to edit again, 'f' to redefine the same document again, 'n' to give up
// (also when the terminal hangs up). Without a terminal the refusal fails the command at once.
char AskReedit(Context& ctx, const std::string& name, const std::vector<std::string>& refusal,
               TempFile& file) {
  if (!StdinIsTerminal()) {
    std::vector<std::string> lines = refusal;
    lines.push_back("Failed to update " + name);
    throw CommandError(lines);
  }
  PrintErrors(ctx, refusal);
  KeyAnswer answer = AskKey(ctx.out, ReeditQuestion());
  switch (answer.kind) {
    case KeyAnswer::Kind::Key:
      return answer.key;
    case KeyAnswer::Kind::Signal:
      file.Remove();
      DieBySignal(answer.signal);
    case KeyAnswer::Kind::NoTerminal:
    case KeyAnswer::Kind::EndOfInput:
      break;
  }
  return 'n';
}

}  // namespace

void RunCheckpointEdit(Context& ctx, const Arguments& args) {
  OpenDomain open = Open(ctx, args, store::Access::Write);
  std::string name = CheckpointArgument(args, *open.catalog).name;
  std::string original = conf::FormatCheckpoint(open.catalog->Read(name).def, conf::kFormatSecure);
  TempFile file(original);
  for (;;) {
    RunEditor(file.path());
    std::string edited = util::ReadFile(file.path());
    if (edited == original) {
      PrintExtra(ctx, "Checkpoint " + name + " XML configuration not changed.\n");
      return;
    }
    char answer = 'f';
    while (answer == 'f') {
      std::vector<std::string> refusal = Redefine(*open.catalog, name, edited);
      if (refusal.empty()) {
        PrintExtra(ctx, "Checkpoint " + name + " edited.\n");
        return;
      }
      answer = AskReedit(ctx, name, refusal, file);
    }
    if (answer == 'n') throw CommandError({"Failed to update " + name});
  }
}

}  // namespace virtckpt::cli
