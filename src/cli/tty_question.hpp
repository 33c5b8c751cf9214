// A question answered by one key press on the terminal of standard input, asked the way virsh
// asks whether to edit a refused document again.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace virtckpt::cli {

struct KeyQuestion {
  std::string prompt;             // written after "\r", again after every key that answers nothing
  std::string keys;               // the lower-case keys that answer; their upper case counts too
  std::vector<std::string> help;  // '?' writes "\r\n", then each line followed by "\r\n"
};

struct KeyAnswer {
  enum class Kind {
    Key,         // `key` is one of the question's keys
    NoTerminal,  // standard input is no terminal, or it cannot be made raw
    EndOfInput,  // the terminal hung up
    Signal,      // `signal` arrived while waiting (the terminal is restored)
  };
  Kind kind = Kind::NoTerminal;
  char key = 0;
  int signal = 0;
};

bool StdinIsTerminal();

// Writes the question to `out` and waits for an answer with the terminal in raw mode (no echo,
// one key at a time, no signal keys); the terminal's settings come back on every way out, and
// "\r\n" follows an answering key. Input typed ahead of the question or after its answer is
// discarded. SIGHUP, SIGINT, SIGQUIT and SIGTERM end the wait, unless they were ignored.
KeyAnswer AskKey(std::ostream& out, const KeyQuestion& question);

// Ends the process by `signal` with its default action, as if it had never been caught.
[[noreturn]] void DieBySignal(int signal);

}  // namespace virtckpt::cli
