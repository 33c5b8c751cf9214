// Running another program as libvirt's virCommand runs it for virsh (its editor): the same
// lookup of the program, the same messages, the same child.
#pragma once

#include <string>
#include <vector>

namespace virtckpt::util {

// The arguments as virCommandToString prints them: separated by spaces, each one that has a
// shell metacharacter in single quotes (a quote as '\''), an empty one as ''.
std::string CommandToString(const std::vector<std::string>& args);

// Runs args[0] with the arguments, on this process's standard input, output and error, and
// waits for it; SIGINT and SIGQUIT are ignored meanwhile (the child gets them). A program
// named with a leading '/' is executed as it is; any other is looked up as virFindFileInPath
// does (with a '/', relative to the current directory, else in $PATH), an executable regular
// file only: Error(Io) "Cannot find 'NAME' in path: No such file or directory" when there is
// none. A program that cannot be executed prints libvirt's "libvirt:  error : cannot execute
// binary NAME: REASON" on standard error and exits with 127 (not found) or 126. A child that
// does not exit with status 0 is Error(Internal) "internal error: Child process (ARGS)
// unexpected exit status N" or "... unexpected fatal signal N".
void RunCommand(const std::vector<std::string>& args);

}  // namespace virtckpt::util
