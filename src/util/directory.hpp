// Directories: listing them, opening one for calls relative to it, removing what is in one.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/unique_fd.hpp"

namespace virtckpt::util {

// The names in `path` but "." and "..", in the order the file system gives them; none when the
// directory cannot be read.
std::vector<std::string> ListDirectory(const std::string& path);

// Whether `path` is a directory itself (not a symlink to one).
bool IsDirectory(const std::string& path);

// Opens a directory for ForEachName and for calls relative to it (StatAt). Throws Error(Io)
// "Failed to open directory 'PATH': REASON".
UniqueFd OpenDirectory(const std::string& path);

// For directories of thousands of entries, such as a domain's checkpoints: what ListDirectory
// does, with nothing made per entry but the call visit(name). Throws Error(Io) "Failed to read
// directory 'PATH': REASON".
void ForEachName(const UniqueFd& dir, const std::string& path,
                 const std::function<void(std::string_view)>& visit);
// The same on `path`, which is opened for it; nothing when it cannot be opened.
void ForEachName(const std::string& path, const std::function<void(std::string_view)>& visit);

// Removes everything in `path`, which stays; a directory that cannot be read has nothing in it.
// Throws Error(Io) "Failed to remove file 'PATH': REASON" (or "directory").
void RemoveDirectoryContents(const std::string& path);
// Removes an empty directory; a missing one is not an error. Throws Error(Io) "Failed to remove
// directory 'PATH': REASON".
void RemoveDirectory(const std::string& path);
// Throws Error(Io) "Failed to rename directory 'FROM': REASON".
void RenameDirectory(const std::string& from, const std::string& to);

// chdir(2): 0, or why not (an errno value).
int ChangeDirectory(const std::string& path);
// The working directory; nullopt, with why not in *error (an errno value), when it has none.
std::optional<std::string> CurrentDirectory(int* error);

}  // namespace virtckpt::util
