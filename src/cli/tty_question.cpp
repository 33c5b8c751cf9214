#include "cli/tty_question.hpp"

#include <signal.h>
#include <sys/select.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ostream>

namespace virtckpt::cli {

namespace {

constexpr int kEndingSignals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM};
constexpr size_t kSignalCount = sizeof(kEndingSignals) / sizeof(kEndingSignals[0]);

volatile sig_atomic_t caught_signal = 0;

void RecordSignal(int signal) { caught_signal = signal; }

// Standard input in raw mode for the object's lifetime. The ending signals are caught, and
// blocked except while waiting for a key, so that none is lost between a check and the wait.
class RawStdin {
 public:
  RawStdin() {
    if (tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    caught_signal = 0;
    CatchEndingSignals();
    signals_caught_ = true;
    termios raw = saved_;
    cfmakeraw(&raw);
    raw_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
  }
  ~RawStdin() {
    Restore();
    if (!signals_caught_) return;
    for (size_t i = 0; i < kSignalCount; ++i) {
      if (caught_[i]) sigaction(kEndingSignals[i], &previous_[i], nullptr);
    }
    sigprocmask(SIG_SETMASK, &waiting_mask_, nullptr);
  }
  RawStdin(const RawStdin&) = delete;
  RawStdin& operator=(const RawStdin&) = delete;

  bool raw() const { return raw_; }

  void Restore() {
    if (raw_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
    raw_ = false;
  }

  // The next byte typed, or -1 when the input ended or a signal was caught (caught_signal).
  int ReadByte() {
    while (!caught_signal) {
      fd_set readable;
      FD_ZERO(&readable);
      FD_SET(STDIN_FILENO, &readable);
      int ready = pselect(STDIN_FILENO + 1, &readable, nullptr, nullptr, nullptr, &waiting_mask_);
      if (ready < 0) {
        if (errno == EINTR) continue;
        break;
      }
      unsigned char byte = 0;
      ssize_t n = read(STDIN_FILENO, &byte, 1);
      if (n == 1) return byte;
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      break;
    }
    // A hang-up also sends SIGHUP: let a pending one in, so that it wins over the end of input.
    timespec now{};
    pselect(0, nullptr, nullptr, nullptr, &now, &waiting_mask_);
    return -1;
  }

 private:
  void CatchEndingSignals() {
    sigset_t blocked;
    sigemptyset(&blocked);
    for (size_t i = 0; i < kSignalCount; ++i) {
      sigaction(kEndingSignals[i], nullptr, &previous_[i]);
      caught_[i] = previous_[i].sa_handler != SIG_IGN;
      if (caught_[i]) sigaddset(&blocked, kEndingSignals[i]);
    }
    sigprocmask(SIG_BLOCK, &blocked, &waiting_mask_);
    struct sigaction record {};
    record.sa_handler = RecordSignal;
    sigemptyset(&record.sa_mask);
    for (size_t i = 0; i < kSignalCount; ++i) {
      if (caught_[i]) sigaction(kEndingSignals[i], &record, nullptr);
    }
  }

  termios saved_{};
  bool raw_ = false;
  bool signals_caught_ = false;  // waiting_mask_ and previous_ hold what to restore
  sigset_t waiting_mask_{};
  struct sigaction previous_[kSignalCount] {};
  bool caught_[kSignalCount] = {};
};

char AsciiLower(int byte) {
  return static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte - 'A' + 'a' : byte);
}

}  // namespace

bool StdinIsTerminal() { return isatty(STDIN_FILENO) != 0; }

KeyAnswer AskKey(std::ostream& out, const KeyQuestion& question) {
  KeyAnswer answer;
  if (!StdinIsTerminal()) return answer;
  RawStdin terminal;
  if (!terminal.raw()) return answer;
  for (;;) {
    out << '\r' << question.prompt << std::flush;
    int byte = terminal.ReadByte();
    if (caught_signal) {
      answer.kind = KeyAnswer::Kind::Signal;
      answer.signal = caught_signal;
      return answer;
    }
    if (byte < 0) {
      answer.kind = KeyAnswer::Kind::EndOfInput;
      return answer;
    }
    char key = AsciiLower(byte);
    if (key == '?') {
      out << "\r\n";
      for (const auto& line : question.help) out << line << "\r\n";
    } else if (key != '\0' && question.keys.find(key) != std::string::npos) {
      answer.kind = KeyAnswer::Kind::Key;
      answer.key = key;
      break;
    }
  }
  terminal.Restore();
  out << "\r\n" << std::flush;
  return answer;
}

void DieBySignal(int signal) {
  std::fflush(nullptr);
  struct sigaction standard {};
  standard.sa_handler = SIG_DFL;
  sigemptyset(&standard.sa_mask);
  sigaction(signal, &standard, nullptr);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, signal);
  sigprocmask(SIG_UNBLOCK, &only, nullptr);
  raise(signal);
  _exit(128 + signal);
}

}  // namespace virtckpt::cli
