// checkpoint-edit, virsh's edit loop: the document goes to $VISUAL or $EDITOR and is redefined
// from what comes back; on a terminal a refused document is offered for another try.
#include <memory>
#include <ostream>

#include "cli/checkpoint_commands.hpp"
#include "cli/domain_access.hpp"
#include "cli/edit_file.hpp"
#include "cli/runner.hpp"
#include "cli/tty_question.hpp"
#include "conf/checkpoint_def.hpp"
#include "util/error.hpp"

namespace virtckpt::cli {

namespace {

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
               EditFile& file) {
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
  // As virsh's, a failure to write, edit or read back the file fails the update.
  auto editing = [&](auto&& step) {
    try {
      return step();
    } catch (const ReadBackError& e) {
      throw CommandError({e.what(), "Failed to update " + name, e.pending()});
    } catch (const util::Error& e) {
      std::vector<std::string> lines = ErrorLines(e);
      lines.push_back("Failed to update " + name);
      throw CommandError(lines);
    }
  };
  std::unique_ptr<EditFile> file = editing([&] { return std::make_unique<EditFile>(original); });
  for (;;) {
    ctx.out.flush();
    editing([&] { file->RunEditor(); });
    std::string edited = editing([&] { return file->ReadBack(); });
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
      answer = AskReedit(ctx, name, refusal, *file);
    }
    if (answer == 'n') throw CommandError({"Failed to update " + name});
  }
}

}  // namespace virtckpt::cli
