// Helpers shared by the unit tests: source paths, whole-file I/O, temp dirs, subprocesses.
#pragma once

#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "conf/domain_def.hpp"
#include "temp_dir.hpp"

namespace virtckpt::test {

// Set by tests/unit/meson.build.
inline std::string SourceRoot() { return VIRTCKPT_TEST_SOURCE_ROOT; }
inline std::string DataDir() { return SourceRoot() + "/tests/data"; }
inline std::string ExamplesDir() { return SourceRoot() + "/xml-examples"; }

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

inline std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

// Parses xml-examples/domain-NAME.xml (safe parse + our domain schema).
inline conf::DomainDef ExampleDomain(const std::string& name) {
  std::string file = ExamplesDir() + "/domain-" + name + ".xml";
  return conf::DomainDef::Parse(ReadFile(file), file);
}

// Quotes a string for /bin/sh.
inline std::string ShellQuote(const std::string& s) {
  return "'" + ReplaceAll(s, "'", "'\\''") + "'";
}

// Runs a /bin/sh command line; returns its exit status (-1 if it did not exit normally).
inline int RunShell(const std::string& command) {
  int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// True if PROGRAM is found on $PATH.
inline bool HaveProgram(const std::string& program) {
  return RunShell("command -v " + ShellQuote(program) + " >/dev/null 2>&1") == 0;
}

}  // namespace virtckpt::test
