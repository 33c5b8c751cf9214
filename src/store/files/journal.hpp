// The redo journal of a file store: every write command records all the file changes it makes
// in one file (written atomically: its rename is the commit point), applies them, then removes
// it. A journal found later belongs to a command that was killed half-way, and is applied again
// before anything reads the store, so no one ever sees half of a command. docs/store-format.md
// describes the file.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace virtckpt::store::files {

struct FileChange {
  std::string path;                    // relative to the domain directory
  std::optional<std::string> content;  // nullopt: remove the file
};

std::string FormatJournal(const std::vector<FileChange>& changes);
// Throws Error(Corruption) for a journal that is not well-formed.
std::vector<FileChange> ParseJournal(const std::string& text);

// Writes the journal into `dir`, applies it (writes in order, then removals) and removes it. A
// write that fails undoes the earlier ones and removes the journal: nothing changed.
void ApplyWithJournal(const std::string& dir, const std::vector<FileChange>& changes);
// Applies and removes a journal left in `dir` by a killed command; false if there was none.
bool ReplayJournal(const std::string& dir);

}  // namespace virtckpt::store::files
