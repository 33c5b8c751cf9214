#include "util/child_command.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "util/error.hpp"

namespace virtckpt::util {

namespace {

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0;
}

// virFindFileInPath; a name that starts with '/' needs no lookup.
std::optional<std::string> FindProgram(const std::string& name) {
  if (!name.empty() && name[0] == '/') return name;
  if (name.find('/') != std::string::npos) {
    if (IsExecutableFile(name)) return name;
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/bin:/usr/bin";
  size_t start = 0;
  for (;;) {
    size_t colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon == std::string::npos ? colon : colon - start);
    std::string candidate = dir.empty() ? name : dir + "/" + name;
    if (IsExecutableFile(candidate)) return candidate;
    if (colon == std::string::npos) return std::nullopt;
    start = colon + 1;
  }
}

// Runs in the child, after fork: only async-signal-safe calls.
[[noreturn]] void ExecChild(const char* binary, char* const argv[], const sigset_t& mask) {
  signal(SIGINT, SIG_DFL);
  signal(SIGQUIT, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  sigprocmask(SIG_SETMASK, &mask, nullptr);
  execv(binary, argv);
  int error = errno;
  const char* reason = strerror(error);
  const char* parts[] = {"libvirt:  error : cannot execute binary ", argv[0], ": ", reason, "\n"};
  for (const char* part : parts) {
    if (write(STDERR_FILENO, part, strlen(part)) < 0) break;
  }
  _exit(error == ENOENT ? 127 : 126);
}

class IgnoredWhileWaiting {
 public:
  IgnoredWhileWaiting() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGINT, &ignore, &old_int_);
    sigaction(SIGQUIT, &ignore, &old_quit_);
  }
  ~IgnoredWhileWaiting() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGQUIT, &old_quit_, nullptr);
  }
  IgnoredWhileWaiting(const IgnoredWhileWaiting&) = delete;
  IgnoredWhileWaiting& operator=(const IgnoredWhileWaiting&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_quit_ {};
};

}  // namespace

std::string CommandToString(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& arg : args) {
    if (!out.empty()) out += ' ';
    if (arg.empty()) {
      out += "''";
    } else if (arg.find_first_of("\r\t\n !\"#$&'()*;<>?[\\]^`{|}~") == std::string::npos) {
      out += arg;
    } else {
      out += '\'';
      for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

void RunCommand(const std::vector<std::string>& args) {
  std::optional<std::string> binary = FindProgram(args.at(0));
  if (!binary) {
    throw Error(ErrorCode::SystemError,
                "Cannot find '" + args[0] + "' in path: " + strerror(ENOENT));
  }
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  sigset_t mask;
  sigprocmask(SIG_SETMASK, nullptr, &mask);
  std::fflush(nullptr);  // what this process wrote comes before what the child writes
  int status = 0;
  {
    IgnoredWhileWaiting ignored;
    pid_t pid = fork();
    if (pid < 0)
      throw Error(ErrorCode::SystemError,
                  std::string("cannot fork child process: ") + strerror(errno));
    if (pid == 0) ExecChild(binary->c_str(), argv.data(), mask);
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) {
        throw Error(ErrorCode::SystemError,
                    "unable to wait for process " + std::to_string(pid) + ": " + strerror(errno));
      }
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  std::string how = WIFEXITED(status)     ? "exit status " + std::to_string(WEXITSTATUS(status))
                    : WIFSIGNALED(status) ? "fatal signal " + std::to_string(WTERMSIG(status))
                                          : "invalid value " + std::to_string(status);
  throw Error(ErrorCode::InternalError,
              "Child process (" + CommandToString(args) + ") unexpected " + how);
}

}  // namespace virtckpt::util
