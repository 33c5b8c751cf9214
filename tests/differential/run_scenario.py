#!/usr/bin/env python3
"""Differential test harness: virsh (libvirt test driver) versus virtckpt.

Usage:
  run_scenario.py --virtckpt PATH SCENARIO.virsh             compare with virsh
  run_scenario.py --virtckpt PATH --expect FILE SCENARIO      compare with FILE
  run_scenario.py --virsh-only SCENARIO.virsh                 print virsh transcript
  run_scenario.py --virtckpt PATH --virtckpt-only SCENARIO    print our transcript
  run_scenario.py --one-shot ...                              each line one process (below)
  run_scenario.py --self-test                                 test the tokenizer

A scenario file holds one virsh command per line.  Blank lines are skipped;
lines starting with '#' are comments (copied into transcripts) or directives:
  #uri: URI           connection URI of the virsh side (default test:///default);
                      '@DIR@' is replaced by the base directory (below)
  #define: FILE       before the first command, 'virtckpt -c ROOT define FILE'
                      is run on the fresh virtckpt store.  FILE must be the
                      canonical form of that domain, byte-identical to
                      'virsh dumpxml --inactive --security-info NAME' in the
                      test driver; the harness checks this on the virsh side
  #edit: SEDSCRIPT    the fake $EDITOR applies 'sed -i' with this script to the
                      file it is given, during the NEXT command only (several
                      '#edit:' lines accumulate)
  #env: NAME=VALUE    NAME=VALUE in the environment of both programs during the
                      NEXT command only (several '#env:' lines accumulate; '@DIR@'
                      is replaced by the base directory; --one-shot only), e.g.
                      VISUAL for an editor of checkpoint-edit other than the
                      fake one
  #options: OPTION... global options given to both programs before '-c', for
                      the commands after it up to the next '#options:' (an
                      empty one gives none); --one-shot only, and '-c' itself
                      is the harness's
The base directory is the scenario's directory if it has an 'xml'
subdirectory, else its parent; commands run with it as working directory.

virsh runs ONCE per scenario as one interactive process fed on stdin (the test
driver keeps its state in that process's memory).  Before each command the
harness sends an 'echo' (stdout) and an 'echo --err' (stderr) marker and waits
for both before sending the next line, then splits both streams at the
markers.  An interactive session exits 0 whatever its commands did, so each
command's exit status comes from a replay (see Replays), run while the session
goes on.

virtckpt runs once per command on a fresh store created for the scenario
(with --session: once per scenario, fed on stdin with the same markers, so that
cd, connect and the like carry over; exit statuses then come from replays too,
each on the store as it was before the session):
'virtckpt -c ROOT TOKEN...', the line split into words exactly as virsh's
tokenizer splits it (quotes, backslashes).  A line that is not one plain
command (';' separators, a '#' comment, a tokenizer error) is given whole as
one argument instead, which virsh's argv mode parses as a command string.
--stdin writes every line to 'virtckpt -c ROOT' on stdin instead, which
exercises virtckpt's reading of standard input; virtckpt then exits 1 iff a
command printed an 'error:' line (virsh on stdin always exits 0), and that
rule, applied to virsh's output, is what its exit status is compared with.

With --one-shot, every line is a command string of its own on both sides, one
process each, as a script calls the programs: 'virsh OPTIONS -c URI LINE' and
'virtckpt OPTIONS -c ROOT LINE' (the whole line one argument: ';' separates
commands, the status is the last command's), each virtckpt line on a fresh
store with the '#define' domains; the exit statuses are the processes' own.

Both sides run with TZ=UTC, LC_ALL=C, a private HOME, and libfaketime
preloaded with FAKETIME='2024-01-01 00:00:00' (and FAKETIME_SHARED from a
FaketimeHolder, so that no process leaves anything in /dev/shm).  Per command, stdout, stderr
and exit status are compared; in "Unable to validate doc against PATH" any
PATH ending in /NAME.rng is equal to any other with the same NAME, and the
temporary file of an edit (virsh's DIR/virshXXXXXX.xml, virtckpt's
DIR/virtckptXXXXXX.xml, XXXXXX random) is DIR/<EDITFILE> on stderr.  For
'help COMMAND', virtckpt may list options of its own after virsh's (in the
SYNOPSIS line and at the end of OPTIONS).

Exit status: 0 all commands match, 1 a mismatch, 77 (skip) virsh, libfaketime
or the faketime program is missing, 99 harness error (virsh died, bad scenario, define
failed, a #define file is not canonical).

Transcript format: '$ COMMAND', then
'1|' stdout lines, '2|' stderr lines, '\\ no newline' after a line without a
final newline, and '[rc=N]'.  --expect FILE reads this format (comment lines
and blank lines are ignored); its scenario must say why virsh is not its
oracle, in a comment that starts '# NOT DIFFERENTIAL:'.

Environment: VCK_DIFF_TIMEOUT (seconds per command, default 60),
VCK_DIFF_KEEP=1 (keep the work directory, same as --keep).
"""

import argparse
import difflib
import glob
import hashlib
import json
import os
import re
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from faketime_holder import FaketimeHolder  # noqa: E402

EXIT_OK, EXIT_MISMATCH, EXIT_SKIP, EXIT_HARNESS = 0, 1, 77, 99
REPLAY_WORKERS = 3      # replays of virsh commands at once, beside the session
FAKETIME = "2024-01-01 00:00:00"


class HarnessError(Exception):
    pass


# ---------------------------------------------------------------------------
# virsh's command-line tokenizer (interactive / string mode)

class TokenizeError(Exception):
    pass


def tokenize(line):
    """Split LINE as virsh's string parser does.

    Returns (commands, had_comment): commands is a list of token lists, one
    per ';'-separated command (empty commands dropped).  Raises TokenizeError
    on a dangling backslash or an unterminated double quote.
    """
    cmds, cur, had_comment = [], [], False
    i, n = 0, len(line)
    while True:
        while i < n and (line[i] in " \t" or (line[i] == "\\" and i + 1 < n and line[i + 1] == "\n")):
            i += 2 if line[i] == "\\" else 1
        if i >= n:
            break
        c = line[i]
        if c in ";\n":
            i += 1
            if cur:
                cmds.append(cur)
            cur = []
            continue
        if c == "#":            # a word starting with '#' comments out the rest of the line
            had_comment = True
            while i < n and line[i] != "\n":
                i += 1
            i += 1 if i < n else 0
            if cur:
                cmds.append(cur)
            cur = []
            continue
        sq = dq = False
        tok = []
        while i < n:
            c = line[i]
            if not sq and not dq and c in " \t;\n":
                break
            if not dq and c == "'":
                sq = not sq
                i += 1
                continue
            if not sq and c == "\\":
                i += 1
                if i >= n:
                    raise TokenizeError("dangling \\")
                if line[i] == "\n":
                    i += 1
                    continue
            elif not sq and c == '"':
                dq = not dq
                i += 1
                continue
            tok.append(line[i])
            i += 1
        if dq:
            raise TokenizeError('missing "')
        cur.append("".join(tok))
    if cur:
        cmds.append(cur)
    return cmds, had_comment


def self_test():
    cases = [
        ("checkpoint-list test", [["checkpoint-list", "test"]]),
        ("a 'q1' --d 'single \"double\" inside'", [["a", "q1", "--d", 'single "double" inside']]),
        ('a "tab\\there; semicolon"', [["a", "tabthere; semicolon"]]),
        ("a a\\ b", [["a", "a b"]]),
        ("a ; b c;d", [["a"], ["b", "c"], ["d"]]),
        ('a --name ""', [["a", "--name", ""]]),
        ("a \"x&y<z>'q\\\"\"", [["a", "x&y<z>'q\""]]),
        ("a 'b\\c'", [["a", "b\\c"]]),
        ('a "@@M"-"1@@"', [["a", "@@M-1@@"]]),
        ("a b#c #d e", [["a", "b#c"]]),
        ("a 'open", [["a", "open"]]),
        ("  a\tb  ", [["a", "b"]]),
    ]
    bad = 0
    for line, want in cases:
        got = tokenize(line)[0]
        if got != want:
            print(f"tokenize({line!r}) = {got!r}, want {want!r}")
            bad += 1
        # a replay runs requoted lines one after the other, and then a line as it is
        script = "\n".join([requoted(got), requoted(tokenize("x 'open")[0]), line])
        again = tokenize(script)[0]
        if again != got + [["x", "open"]] + got:
            print(f"requoted({got!r}) reads back as {again!r}")
            bad += 1
    for line in ['a "open', "a b\\"]:
        try:
            tokenize(line)
            print(f"tokenize({line!r}) did not fail")
            bad += 1
        except TokenizeError:
            pass
    for option, want in [("-c", True), ("-qc", True), ("-cDIR", True), ("--connect=x", True),
                         ("--conn", True), ("--c", True), ("-q", False), ("-rq", False),
                         ("--quiet", False), ("--", False), ("--=x", False), ("--cx", False)]:
        if names_connect(option) != want:
            print(f"names_connect({option!r}) = {not want}, want {want}")
            bad += 1
    print("tokenizer self-test: " + ("ok" if not bad else f"{bad} failures"))
    return EXIT_OK if not bad else EXIT_MISMATCH


# ---------------------------------------------------------------------------
# scenario files

class Scenario:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        d = os.path.dirname(self.path)
        self.base = d if os.path.isdir(os.path.join(d, "xml")) else os.path.dirname(d)
        self.uri = None
        self.defines = []       # paths relative to base, as written
        # ("comment", text) | ("cmd", text, editscript or None, options, {name: value})
        self.items = []
        pending = None
        pending_env = {}
        options = []            # the global options of '#options:' in force (--one-shot)
        with open(self.path, encoding="utf-8") as f:
            for lineno, raw in enumerate(f, 1):
                s = raw.rstrip("\n").strip()
                if not s:
                    continue
                if s.startswith("#"):
                    if s.startswith("#uri:"):
                        self.uri = s[5:].strip().replace("@DIR@", self.base)
                    elif s.startswith("#define:"):
                        self.defines.append(s[8:].strip())
                    elif s.startswith("#options:"):
                        options = s[9:].split()
                        if any(names_connect(o) for o in options):
                            raise HarnessError(f"{path}:{lineno}: '#options:' cannot name -c")
                    elif s.startswith("#edit:"):
                        pending = (pending or "") + s[6:].strip() + "\n"
                    elif s.startswith("#env:"):
                        name, eq, value = s[5:].strip().partition("=")
                        if not eq or not name:
                            raise HarnessError(f"{path}:{lineno}: '#env:' needs NAME=VALUE")
                        pending_env[name] = value.replace("@DIR@", self.base)
                    self.items.append(("comment", s))
                    continue
                if "\t" in raw:
                    raise HarnessError(f"{path}:{lineno}: literal TAB in a command "
                                       "(readline would treat it as completion)")
                self.items.append(("cmd", s, pending, options, pending_env))
                pending = None
                pending_env = {}
        if pending is not None or pending_env:
            raise HarnessError(f"{path}: '#edit:' or '#env:' after the last command")
        self.uri = self.uri or "test:///default"

    @property
    def commands(self):
        return [it for it in self.items if it[0] == "cmd"]

    @property
    def has_options(self):
        return any(it[3] or it[4] for it in self.commands)


def names_connect(option):
    """True if OPTION is -c or --connect in any of getopt's forms (which would take the
    harness's own '-c' as its argument, or replace it)."""
    if option.startswith("--"):
        name = option[2:].split("=")[0]
        return name != "" and "connect".startswith(name)
    return option.startswith("-") and "c" in option[1:]


# ---------------------------------------------------------------------------
# results and transcripts

class Result:
    def __init__(self, out, err, rc):
        self.out, self.err, self.rc = out, err, rc   # rc: int, or str if abnormal

    def block(self, cmd, normalize=False):
        lines = [f"$ {cmd}"]
        for tag, text in (("1|", self.out), ("2|", self.err)):
            if normalize and tag == "2|":
                text = normalize_stderr(text)
            for ln in text.splitlines(keepends=True):
                if ln.endswith("\n"):
                    lines.append(tag + ln[:-1])
                else:
                    lines += [tag + ln, "\\ no newline"]
        lines.append(f"[rc={self.rc}]")
        return lines


def printed_error(err):
    return any(ln.startswith("error: ") for ln in err.splitlines())


SCHEMA_RX = re.compile(r"(Unable to validate doc against )\S*/([^/\s]+\.rng)")
EDIT_FILE_RX = re.compile(r"/(virsh|virtckpt)[A-Za-z0-9]{6}\.xml")


def normalize_stderr(text):
    return EDIT_FILE_RX.sub("/<EDITFILE>", SCHEMA_RX.sub(r"\1<SCHEMADIR>/\2", text))


def describe_status(rc):
    if rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = "?"
        return f"killed by signal {-rc} ({name})"
    return str(rc)


def print_transcript(scn, results, header):
    print(header)
    k = 0
    for it in scn.items:
        if it[0] == "comment":
            print(it[1])
            continue
        if k < len(results):
            print("\n".join(results[k].block(it[1])))
        else:
            print(f"$ {it[1]}\n[not run]")
        k += 1


def parse_transcript(path):
    """[(cmd, Result)] from a tagged transcript file."""
    blocks, cur, out, err, last = [], None, [], [], None
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            ln = raw[:-1] if raw.endswith("\n") else raw
            if cur is None:
                if ln.startswith("$ "):
                    cur, out, err, last = ln[2:], [], [], None
                elif ln.strip() and not ln.startswith("#"):
                    raise HarnessError(f"{path}:{lineno}: expected '$ command' or comment")
                continue
            if ln.startswith("1|"):
                out.append(ln[2:] + "\n"); last = out
            elif ln.startswith("2|"):
                err.append(ln[2:] + "\n"); last = err
            elif ln == "\\ no newline" and last:
                last[-1] = last[-1][:-1]
            else:
                m = re.fullmatch(r"\[rc=(.*)\]", ln)
                if not m:
                    raise HarnessError(f"{path}:{lineno}: expected '1|', '2|' or '[rc=N]'")
                rc = int(m.group(1)) if m.group(1).isdigit() else m.group(1)
                blocks.append((cur, Result("".join(out), "".join(err), rc)))
                cur = None
    if cur is not None:
        raise HarnessError(f"{path}: last block has no [rc=N]")
    return blocks


# ---------------------------------------------------------------------------
# environment

def find_faketime():
    for pat in ("/usr/lib/*/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1",
                "/usr/lib64/faketime/libfaketime.so.1", "/usr/local/lib/faketime/libfaketime.so.1"):
        hits = sorted(glob.glob(pat))
        if hits:
            return hits[0]
    return None


# The fake $EDITOR applies the '#edit:' script of the command being run.  In a session
# (VCK_DIFF_EDIT_LOG set) it keeps the script of its Nth invocation as LOG/N; in a replay
# (VCK_DIFF_EDIT_REPLAY, a directory of its own) its Nth invocation applies REPLAY/N, the
# script the session's editor applied at the same point of the same command.
EDITOR_SCRIPT = """#!/bin/sh
if [ -n "$VCK_DIFF_EDIT_REPLAY" ]; then
  n=$(( $(cat "$VCK_DIFF_EDIT_REPLAY/count" 2>/dev/null || echo 0) + 1 ))
  echo "$n" >"$VCK_DIFF_EDIT_REPLAY/count"
  script=$VCK_DIFF_EDIT_REPLAY/$n
elif [ -n "$VCK_DIFF_EDIT_LOG" ]; then
  n=$(( $(ls "$VCK_DIFF_EDIT_LOG" | wc -l) + 1 ))
  script=$VCK_DIFF_EDIT_LOG/$n
  cp "$VCK_DIFF_EDITS/current" "$script" 2>/dev/null || : >"$script"
else
  script=$VCK_DIFF_EDITS/current
fi
[ -s "$script" ] && sed -i -f "$script" "$1"
exit 0
"""


class Env:
    def __init__(self, work, ftlib, shared):
        self.work = work
        home = os.path.join(work, "home")
        self.edits = os.path.join(work, "edits")
        for d in (home, self.edits, os.path.join(home, "run")):
            os.makedirs(d, exist_ok=True)
        os.chmod(os.path.join(home, "run"), 0o700)
        editor = os.path.join(work, "editor.sh")
        with open(editor, "w") as f:
            f.write(EDITOR_SCRIPT)
        os.chmod(editor, 0o755)
        env = dict(os.environ)
        for k in ("VIRSH_DEFAULT_CONNECT_URI", "LIBVIRT_DEFAULT_URI", "VIRSH_DEBUG",
                  "VIRSH_LOG_FILE", "VIRTCKPT_ROOT", "LANGUAGE", "FAKETIME_NO_CACHE"):
            env.pop(k, None)
        env.update(TZ="UTC", LC_ALL="C", LANG="C", HOME=home,
                   XDG_CACHE_HOME=os.path.join(home, ".cache"),
                   XDG_CONFIG_HOME=os.path.join(home, ".config"),
                   XDG_DATA_HOME=os.path.join(home, ".local/share"),
                   XDG_RUNTIME_DIR=os.path.join(home, "run"),
                   TERM="dumb", COLUMNS="1000000",
                   EDITOR=editor, VISUAL=editor, VCK_DIFF_EDITS=self.edits,
                   FAKETIME=FAKETIME, **shared)
        pre = env.get("LD_PRELOAD", "")
        env["LD_PRELOAD"] = ftlib + (":" + pre if pre else "")
        ours = dict(env)
        asan = ours.get("ASAN_OPTIONS", "")
        ours["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "verify_asan_link_order=0"
        self.ours = ours
        self.virsh = self.with_edit_log(env, "virsh")

    def with_edit_log(self, env, name):
        """ENV for a session whose editor keeps a log (work/edit-log-NAME) for its replays."""
        log = os.path.join(self.work, "edit-log-" + name)
        os.makedirs(log, exist_ok=True)
        return dict(env, VCK_DIFF_EDIT_LOG=log)

    def set_edit(self, script):
        cur = os.path.join(self.edits, "current")
        if script is not None:
            with open(cur, "w") as f:
                f.write(script)
        elif os.path.exists(cur):
            os.unlink(cur)


# ---------------------------------------------------------------------------
# virsh side: one interactive session

class VirshSession:
    def __init__(self, virsh, uri, cwd, env, timeout):
        self.start([virsh, "-c", uri], cwd, env, timeout)

    def start(self, argv, cwd, env, timeout):
        self.timeout, self.env = timeout, env
        self.tag = "@@VCKDIFF-" + secrets.token_hex(4)
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  cwd=cwd, env=env)
        self.buf = {self.p.stdout.fileno(): bytearray(), self.p.stderr.fileno(): bytearray()}
        self.sel = selectors.DefaultSelector()
        for f in (self.p.stdout, self.p.stderr):
            os.set_blocking(f.fileno(), False)
            self.sel.register(f.fileno(), selectors.EVENT_READ)
        self.open_fds = 2
        self.pos_out = self.pos_err = 0
        self.dead = None
        self.count = 0          # index of the last marker pair sent
        self._send(self._markers(0))
        if not self._wait(0):
            raise HarnessError("virsh did not start: " + self._death()
                               + "\n" + bytes(self.buf[self.p.stderr.fileno()]).decode(errors="replace"))
        self._consume(0)

    # The marker word is written with quotes on the command line, so the
    # echoed command line ('virsh # echo "@@VCKDIFF-x"-"3@@"') never contains
    # the printed marker ('@@VCKDIFF-x-3@@').
    def _mark(self, i):
        return f"{self.tag}-{i}@@"

    def _markers(self, i):
        q = f'"{self.tag}"-"{i}@@"'
        return f"echo {q}\necho --err {q}\n"

    def _out_tail(self, i):
        return f'virsh # echo "{self.tag}"-"{i}@@"\n{self._mark(i)}\n'.encode()

    def _err_mark(self, i):
        return f"error: {self._mark(i)}\n".encode()

    def _send(self, text):
        try:
            self.p.stdin.write(text.encode())
            self.p.stdin.flush()
        except BrokenPipeError:
            pass

    def _have(self, i):
        out = self.buf[self.p.stdout.fileno()]
        err = self.buf[self.p.stderr.fileno()]
        return out.find(self._out_tail(i), self.pos_out) >= 0 and err.find(self._err_mark(i), self.pos_err) >= 0

    def _wait(self, i):
        deadline = time.monotonic() + self.timeout
        while not self._have(i):
            if self.open_fds == 0:
                return False
            left = deadline - time.monotonic()
            if left <= 0:
                self.dead = "timeout"
                return False
            for key, _ in self.sel.select(min(left, 1.0)):
                data = os.read(key.fd, 65536)
                if data:
                    self.buf[key.fd] += data
                else:
                    self.sel.unregister(key.fd)
                    self.open_fds -= 1
        return True

    def _consume(self, i):
        """Return (stdout, stderr) since the previous marker, up to marker I."""
        out = self.buf[self.p.stdout.fileno()]
        err = self.buf[self.p.stderr.fileno()]
        t = self._out_tail(i)
        k = out.find(t, self.pos_out)
        o = bytes(out[self.pos_out:k])
        self.pos_out = k + len(t)
        m = self._err_mark(i)
        k = err.find(m, self.pos_err)
        e = bytes(err[self.pos_err:k])
        self.pos_err = k + len(m)
        return o.decode("utf-8", errors="replace"), e.decode("utf-8", errors="replace")

    def _death(self):
        if self.dead == "timeout":
            return f"no answer within {self.timeout:g}s"
        try:
            rc = self.p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "closed its output but did not exit"
        return ("was " if rc < 0 else "exited with status ") + describe_status(rc)

    def run(self, cmd):
        """Run one command line; returns a Result."""
        self._send(cmd + "\n" + self._markers_next())
        i = self.count
        if not self._wait(i):
            o = bytes(self.buf[self.p.stdout.fileno()][self.pos_out:]).decode(errors="replace")
            e = bytes(self.buf[self.p.stderr.fileno()][self.pos_err:]).decode(errors="replace")
            raise HarnessError(f"virsh session ended during '{cmd}': {self._death()}\n"
                               f"stdout so far:\n{o}\nstderr so far:\n{e}")
        o, e = self._consume(i)
        return Result(self._strip_head(o, i, cmd), e, None)

    def _strip_head(self, o, i, cmd):
        # o = 'virsh # echo --err ...\n' '\n' 'virsh # CMD\n' OUTPUT
        head1 = f'virsh # echo --err "{self.tag}"-"{i - 1}@@"\n\n'
        if not o.startswith(head1):
            raise HarnessError(f"unexpected virsh prompt echo before '{cmd}': {o[:200]!r}")
        o = o[len(head1):]
        nl = o.find("\n")
        if not o.startswith("virsh # ") or nl < 0:
            raise HarnessError(f"virsh did not echo the command line '{cmd}': {o[:200]!r}")
        return o[nl + 1:]

    def _markers_next(self):
        self.count += 1
        return self._markers(self.count)

    def cwd(self):
        """The working directory of the session's process (cd changes it)."""
        return os.readlink(f"/proc/{self.p.pid}/cwd")

    def close(self):
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        for f in (self.p.stdout, self.p.stderr):
            f.close()


class OursSession(VirshSession):
    """virtckpt fed on stdin as one process: no prompt, no echo of the command lines."""

    def __init__(self, exe, root, cwd, env, timeout):
        self.start([exe, "-c", root], cwd, env, timeout)

    def _out_tail(self, i):
        return f"{self._mark(i)}\n".encode()

    def _strip_head(self, o, i, cmd):
        # the blank line that follows the previous marker's 'echo --err'
        if not o.startswith("\n"):
            raise HarnessError(f"virtckpt printed {o[:200]!r} before the output of '{cmd}'")
        return o[1:]


# ---------------------------------------------------------------------------
# exit statuses of the commands of a session

# Commands that change nothing a later command sees (with --print-xml: only print).
READ_ONLY = {"checkpoint-list", "checkpoint-dumpxml", "checkpoint-info", "checkpoint-parent",
             "list", "dumpxml", "domblklist", "domjobinfo", "help", "echo", "pwd"}
PRINT_ONLY = {"checkpoint-create-as", "attach-disk"}


def commands_of(line):
    try:
        return tokenize(line)[0]
    except TokenizeError:
        return None


def interactive_only(line):
    """True if LINE runs cd, which virsh (and virtckpt) run only in interactive mode."""
    return any(c[0] == "cd" for c in commands_of(line) or [])


def requoted(cmds):
    """The commands (token lists) as a script that virsh's tokenizer reads back the same,
    whatever follows it: each token in single quotes, each command on a line of its own."""
    def quote(token):
        return "'" + token.replace("'", "'\\''") + "'"
    return "\n".join(" ".join(quote(t) for t in c) for c in cmds)


def changes_state(line, result):
    """False if LINE, which gave RESULT, cannot have changed what a later command sees (or
    failed, see Replays)."""
    cmds = commands_of(line)
    if not result.out or not cmds or read_only(line):
        return False
    return not (len(cmds) == 1 and printed_error(result.err))


def read_only(line):
    """True if every command of LINE only reads (or prints what it would do)."""
    cmds = commands_of(line)
    return cmds is not None and all(
        c[0] in READ_ONLY or (c[0] in PRINT_ONLY and "--print-xml" in c[1:]) for c in cmds)


# The status of a line that only an interactive session can run (cd): none that a program shows.
NO_STATUS = "none, interactive only"


class Replays:
    """Exit statuses of the commands of an interactive session, from the program itself.

    argv mode ('PROGRAM -c URI SCRIPT', the commands of SCRIPT one per line) exits with the
    status of SCRIPT's last command.  So command line K is replayed as a script of the command
    lines before it that changed what K sees, requoted so that an open quote cannot run into the
    next line, then an 'echo --err' and an 'echo' marker, then K as it is, in the working
    directory the session had before K, with the '#edit:' scripts applied at the same editor
    invocations as in the session.  K's output in the replay must be its output in the session,
    or the replay did not reproduce the session and the harness stops (99).

    The lines left out of replays, which keeps them cheap (each checkpoint a replay creates
    costs virsh some 15 ms, 1 ms with relaxng_cache.cpp preloaded): a line that failed to
    parse (it ran nothing, and in a script would make the whole script fail to parse), a line
    of READ_ONLY commands, and a line of one command that printed an 'error:' line (libvirt's
    calls change nothing when they fail).  If one of them did change something, a later
    command's output differs in its replay, and the harness says so.

    cd is valid only in interactive mode: a line that runs it cannot be replayed, and no program
    shows a status for it, so its block says so (NO_STATUS) on both sides instead of giving one;
    its output is compared as any other. The replays leave it out (they run in the directory the
    session had instead).
    """

    def __init__(self, argv, env, work, timeout, workers, restore=None):
        self.argv, self.env, self.timeout, self.restore = argv, env, timeout, restore
        self.dir = tempfile.mkdtemp(prefix="replays-", dir=work)
        self.mark = "@@VCKREPLAY-" + secrets.token_hex(4) + "@@"
        self.ran = []           # the lines a replay of a later command runs first
        self.items = []         # (line, Result, future or None)
        self.deferred = []
        self.pool = ThreadPoolExecutor(max_workers=workers) if workers else None

    def add(self, line, result, cwd, edits):
        """Command LINE gave RESULT in the session, which was in directory CWD before it, and
        its editor applied EDITS (one script, possibly empty, per invocation)."""
        future = None
        if self.pool and not interactive_only(line):
            script = "\n".join([text for text, _ in self.ran] +
                               [f"echo --err {self.mark}", f"echo {self.mark}", line])
            job = (len(self.items), script, cwd, [e for _, es in self.ran for e in es] + edits)
            if self.restore:
                self.deferred.append((len(self.items), job))
            else:
                future = self.pool.submit(self._replay, *job)
            if changes_state(line, result):
                self.ran.append((requoted(commands_of(line)), edits))
        self.items.append([line, result, future])

    def _replay(self, k, script, cwd, edits):
        if self.restore:
            self.restore()
        counter = os.path.join(self.dir, str(k))
        os.mkdir(counter)
        for n, edit in enumerate(edits, 1):
            with open(os.path.join(counter, str(n)), "w") as f:
                f.write(edit)
        try:
            p = subprocess.run(self.argv + [script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=cwd, env=dict(self.env, VCK_DIFF_EDIT_REPLAY=counter),
                               timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise HarnessError(f"replay of command {k + 1} gave no answer within {self.timeout:g}s")
        out = p.stdout.decode("utf-8", errors="replace")
        err = p.stderr.decode("utf-8", errors="replace")
        head = out.find(self.mark + "\n")
        out = out[head + len(self.mark) + 1:] if head >= 0 else ""
        head = err.find(f"error: {self.mark}\n")
        err = err[head + len(self.mark) + 8:] if head >= 0 else err
        return out, err, p.returncode if p.returncode >= 0 else describe_status(p.returncode)

    def cancel(self):
        """Drops the replays not started yet (the session failed)."""
        if self.pool:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def finish(self):
        """Sets the exit status of every Result added."""
        if not self.pool:
            return
        try:
            for k, job in self.deferred:
                self.items[k][2] = self.pool.submit(self._replay, *job)
                self.items[k][2].result()
            for line, result, future in self.items:
                if future is None:
                    result.rc = NO_STATUS
                    continue
                out, err, rc = future.result()
                if (out, err) != (result.out, result.err):
                    diff = "".join(difflib.unified_diff(
                        Result(result.out, result.err, "").block(line),
                        Result(out, err, "").block(line), "session", "replay", lineterm=""))
                    raise HarnessError(f"the replay of '{line}' does not reproduce the session, "
                                       f"so it cannot give its exit status:\n{diff}")
                result.rc = rc
        finally:
            self.pool.shutdown(cancel_futures=True)


def run_virsh(scn, virsh, env, timeout, check_defines, statuses=True, preload=None):
    """Results of every scenario command in one virsh session; without STATUSES, no exit
    status is taken (each is None).  The replays also preload PRELOAD (a library that keeps
    their output as it is)."""
    sess = VirshSession(virsh, scn.uri, scn.base, env.virsh, timeout)
    replay_env = dict(env.virsh)
    if preload:
        replay_env["LD_PRELOAD"] += ":" + preload
    replays = Replays([virsh, "-c", scn.uri], replay_env, env.work, timeout,
                      REPLAY_WORKERS if statuses else 0)
    try:
        if check_defines:
            for d in scn.defines:
                path = os.path.join(scn.base, d)
                with open(path, encoding="utf-8") as f:
                    want = f.read()
                try:
                    name = ET.fromstring(want).findtext("name")
                except ET.ParseError as e:
                    raise HarnessError(f"#define {d}: not well-formed: {e}")
                r = sess.run(f"dumpxml --inactive --security-info {name}")
                if printed_error(r.err) or r.out not in (want, want + "\n"):
                    diff = "".join(difflib.unified_diff(
                        want.splitlines(True), r.out.splitlines(True),
                        d, f"virsh dumpxml --inactive --security-info {name}"))
                    raise HarnessError(f"#define {d} is not the canonical form of domain "
                                       f"'{name}' in {scn.uri}:\n{diff}{r.err}")
        results = run_session(scn, sess, env, replays)
    except BaseException:
        replays.cancel()
        raise
    finally:
        sess.close()
    replays.finish()
    return results


def run_session(scn, sess, env, replays):
    log = sess.env["VCK_DIFF_EDIT_LOG"]
    results = []
    for it in scn.commands:
        env.set_edit(it[2])
        cwd = sess.cwd()
        seen = len(os.listdir(log))
        results.append(sess.run(it[1]))
        edits = []
        for n in range(seen + 1, len(os.listdir(log)) + 1):
            with open(os.path.join(log, str(n))) as f:
                edits.append(f.read())
        replays.add(it[1], results[-1], cwd, edits)
    env.set_edit(None)
    return results


# ---------------------------------------------------------------------------
# virtckpt side: one process per command

def run_ours_session(scn, exe, env, root, timeout):
    """Results of every scenario command in one 'virtckpt -c ROOT' fed on stdin."""
    initial = root + ".initial"
    shutil.copytree(root, initial, symlinks=True)

    def restore():
        shutil.rmtree(root)
        shutil.copytree(initial, root, symlinks=True)

    session_env = env.with_edit_log(env.ours, "ours")
    sess = OursSession(exe, root, scn.base, session_env, timeout)
    replays = Replays([exe, "-c", root], session_env, env.work, timeout, 1, restore)
    try:
        results = run_session(scn, sess, env, replays)
    except BaseException:
        replays.cancel()
        raise
    finally:
        sess.close()
    replays.finish()
    return results


def run_ours(scn, exe, env, root, timeout, force_stdin, session=False):
    def call(argv, stdin_text=None):
        try:
            p = subprocess.run(argv, input=(stdin_text or "").encode(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=scn.base, env=env.ours, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            return Result((e.stdout or b"").decode(errors="replace"),
                          (e.stderr or b"").decode(errors="replace"),
                          f"timeout after {timeout:g}s")
        rc = p.returncode if p.returncode >= 0 else describe_status(p.returncode)
        return Result(p.stdout.decode("utf-8", errors="replace"),
                      p.stderr.decode("utf-8", errors="replace"), rc)

    for d in scn.defines:
        r = call([exe, "-c", root, "define", d])
        want = f"Domain '{name_of(scn, d)}' defined from {d}\n\n"
        if r.rc != 0 or r.out != want or r.err:
            raise HarnessError(f"'virtckpt -c ROOT define {d}' failed (rc={r.rc}):\n"
                               f"{r.out}{r.err}")
    if session:
        return run_ours_session(scn, exe, env, root, timeout)
    results = []
    for it in scn.commands:
        line = it[1]
        env.set_edit(it[2])
        try:
            cmds, had_comment = tokenize(line)
            plain = len(cmds) == 1 and not had_comment
        except TokenizeError:
            plain = False
        if force_stdin:
            results.append(call([exe, "-c", root], line + "\n"))
        elif plain:
            results.append(call([exe, "-c", root] + cmds[0]))
        else:
            results.append(call([exe, "-c", root, line]))
    env.set_edit(None)
    return results


def name_of(scn, d):
    with open(os.path.join(scn.base, d), encoding="utf-8") as f:
        return ET.fromstring(f.read()).findtext("name")


# ---------------------------------------------------------------------------
# --one-shot: one process per line on both sides

def run_process(argv, cwd, env, timeout, extra_env=None):
    if extra_env:
        env = dict(env, **extra_env)
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, cwd=cwd, env=env, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return Result((e.stdout or b"").decode(errors="replace"),
                      (e.stderr or b"").decode(errors="replace"), f"timeout after {timeout:g}s")
    rc = p.returncode if p.returncode >= 0 else describe_status(p.returncode)
    return Result(p.stdout.decode("utf-8", errors="replace"),
                  p.stderr.decode("utf-8", errors="replace"), rc)


def cached_virsh(key, run):
    """virsh's results for `key`, from $VCK_VIRSH_CACHE when an earlier test of the same
    run stored them there (tests/run-all.sh sets it, so that the sanitizer pass compares
    virtckpt with what virsh printed in the first pass), else from `run()`, then stored."""
    cache = os.environ.get("VCK_VIRSH_CACHE")
    if not cache:
        return run()
    path = os.path.join(cache, hashlib.sha256(repr(key).encode()).hexdigest() + ".json")
    try:
        with open(path, encoding="utf-8") as f:
            return [Result(*r) for r in json.load(f)]
    except FileNotFoundError:
        pass
    results = run()
    tmp = f"{path}.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump([[r.out, r.err, r.rc] for r in results], f)
    os.replace(tmp, path)
    return results


def run_virsh_one_shot(scn, virsh, env, timeout):
    def virsh_line(line, options=(), extra_env=None):
        return run_process([virsh] + list(options) + ["-c", scn.uri, line], scn.base, env.virsh,
                           timeout, extra_env)

    for d in scn.defines:
        with open(os.path.join(scn.base, d), encoding="utf-8") as f:
            want = f.read()
        name = name_of(scn, d)
        r = virsh_line(f"dumpxml --inactive --security-info {name}")
        if r.rc != 0 or r.out.rstrip("\n") != want.rstrip("\n"):
            raise HarnessError(f"#define {d} is not the canonical form of domain '{name}' in "
                               f"{scn.uri}:\n{r.out}{r.err}")
    results = []
    for it in scn.commands:
        env.set_edit(it[2])
        results.append(virsh_line(it[1], it[3], it[4]))
    env.set_edit(None)
    return results


def run_ours_one_shot(scn, exe, env, work, timeout):
    results = []
    for k, it in enumerate(scn.commands):
        root = os.path.join(work, f"root-{k}")
        for d in scn.defines:
            r = run_process([exe, "-c", root, "define", d], scn.base, env.ours, timeout)
            if r.rc != 0 or r.err:
                raise HarnessError(f"'virtckpt -c ROOT define {d}' failed (rc={r.rc}):\n"
                                   f"{r.out}{r.err}")
        env.set_edit(it[2])
        results.append(run_process([exe] + it[3] + ["-c", root, it[1]], scn.base,
                                   env.ours, timeout, it[4]))
    env.set_edit(None)
    return results


# ---------------------------------------------------------------------------
# comparison

def help_split(text):
    """(synopsis line index, options start, options end) of a help text, or None."""
    lines = text.split("\n")
    try:
        s = lines.index("  SYNOPSIS") + 1
        o = lines.index("  OPTIONS") + 1
    except ValueError:
        return None
    e = o
    while e < len(lines) and lines[e] != "":
        e += 1
    return lines, s, o, e


def help_matches(want, got):
    """True if GOT is WANT plus options of our own after virsh's."""
    a, b = help_split(want), help_split(got)
    if not a or not b:
        return False, ""
    wl, ws, wo, we = a
    gl, gs, go, ge = b
    if wl[:ws] != gl[:gs] or wl[ws + 1:wo] != gl[gs + 1:go] or wl[we:] != gl[ge:]:
        return False, ""
    syn_w, syn_g = wl[ws], gl[gs]
    if not (syn_g == syn_w or (syn_g.startswith(syn_w + " ") and syn_g[len(syn_w) + 1:].startswith("["))):
        return False, ""
    opts_w, opts_g = wl[wo:we], gl[go:ge]
    if opts_g[:len(opts_w)] != opts_w or not all(x.startswith("    ") for x in opts_g[len(opts_w):]):
        return False, ""
    extra = syn_g[len(syn_w):].strip()
    return True, extra


def compare(scn, want, got, labels, verbose):
    """Print a diff per mismatching command; returns the number of mismatches."""
    bad = 0
    for k, it in enumerate(scn.commands):
        cmd = it[1]
        w, g = want[k], got[k]
        wb, gb = w.block(cmd, True), g.block(cmd, True)
        if wb == gb:
            if verbose:
                print(f"ok    $ {cmd}")
            continue
        try:
            toks = tokenize(cmd)[0]
        except TokenizeError:
            toks = []
        is_help = len(toks) == 1 and (toks[0][:1] == ["help"] or "--help" in toks[0][1:])
        if is_help and w.rc == g.rc and w.err == g.err:
            ok, extra = help_matches(w.out, g.out)
            if ok:
                print(f"ok    $ {cmd}   (virtckpt adds: {extra})")
                continue
        bad += 1
        print(f"FAIL  $ {cmd}")
        sys.stdout.writelines(difflib.unified_diff(
            [x + "\n" for x in wb], [x + "\n" for x in gb], labels[0], labels[1], n=50))
    return bad


# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description="virsh/virtckpt differential scenario runner",
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__)
    ap.add_argument("--virtckpt", help="path of the virtckpt binary")
    ap.add_argument("--virsh", default=None, help="virsh binary (default: virsh on PATH)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--expect", metavar="FILE", help="compare virtckpt with this transcript")
    mode.add_argument("--virsh-only", action="store_true", help="print virsh's transcript")
    mode.add_argument("--virtckpt-only", action="store_true", help="print virtckpt's transcript")
    mode.add_argument("--self-test", action="store_true", help="test the tokenizer and exit")
    ap.add_argument("--stdin", action="store_true",
                    help="feed every command to virtckpt on stdin (default: argv when possible)")
    ap.add_argument("--session", action="store_true",
                    help="run every command in one virtckpt process fed on stdin, as virsh runs "
                         "(state such as cd and connect carries over; exit status from replays)")
    ap.add_argument("--replay-preload", metavar="LIB",
                    help="preload LIB into virsh's replays (relaxng_cache.so, which makes them "
                         "faster)")
    ap.add_argument("--one-shot", action="store_true",
                    help="run every line as one command string of its own, one process per line "
                         "on each side (real exit statuses; '#options:' allowed)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("-v", "--verbose", action="store_true", help="list matching commands too")
    ap.add_argument("scenario", nargs="?")
    a = ap.parse_args()

    if a.self_test:
        return self_test()
    if not a.scenario:
        ap.error("SCENARIO is required")
    if not a.virsh_only and not a.virtckpt:
        ap.error("--virtckpt is required unless --virsh-only")
    sys.stdout.reconfigure(line_buffering=True)

    name = os.path.basename(a.scenario)
    need_virsh = not a.expect and not a.virtckpt_only
    ftlib = find_faketime()
    if ftlib is None:
        print(f"SKIP: {name}: libfaketime not found (apt-get install faketime)")
        return EXIT_SKIP
    if FaketimeHolder.missing():
        print(f"SKIP: {name}: {FaketimeHolder.missing()}")
        return EXIT_SKIP
    virsh = a.virsh or shutil.which("virsh")
    if need_virsh and not virsh:
        print(f"SKIP: {name}: virsh not found (apt-get install libvirt-clients)")
        return EXIT_SKIP
    exe = os.path.abspath(a.virtckpt) if a.virtckpt else None
    if exe and not os.access(exe, os.X_OK):
        print(f"ERROR {name}: virtckpt binary {exe} is not executable")
        return EXIT_HARNESS
    timeout = float(os.environ.get("VCK_DIFF_TIMEOUT", "60"))
    preload = os.path.abspath(a.replay_preload) if a.replay_preload else None

    work = tempfile.mkdtemp(prefix="vck-diff-")
    keep = a.keep or os.environ.get("VCK_DIFF_KEEP") == "1"
    with FaketimeHolder() as holder:
        try:
            scn = Scenario(a.scenario)
            if a.one_shot and (a.stdin or a.session):
                raise HarnessError("--one-shot runs no stdin and no session")
            if scn.has_options and not a.one_shot:
                raise HarnessError(f"{a.scenario}: '#options:' and '#env:' need --one-shot")
            env = Env(work, ftlib, holder.env)
            if a.virsh_only:
                res = (run_virsh_one_shot(scn, virsh, env, timeout) if a.one_shot
                       else run_virsh(scn, virsh, env, timeout, check_defines=True, preload=preload))
                uri = scn.uri.replace("test://" + scn.base + "/", "test://@DIR@/")
                print_transcript(scn, res, f"# virsh -c {uri}")
                return EXIT_OK
            root = os.path.join(work, "root")
            ours = (run_ours_one_shot(scn, exe, env, work, timeout) if a.one_shot
                    else run_ours(scn, exe, env, root, timeout, a.stdin, a.session))
            if a.virtckpt_only:
                print_transcript(scn, ours, "# virtckpt -c ROOT")
                return EXIT_OK
            if a.expect:
                if not any(it[0] == "comment" and it[1].startswith("# NOT DIFFERENTIAL:")
                           for it in scn.items):
                    raise HarnessError(f"{a.scenario} does not say why virsh is not its oracle "
                                       "(a '# NOT DIFFERENTIAL:' comment)")
                blocks = parse_transcript(a.expect)
                got_cmds = [b[0] for b in blocks]
                want_cmds = [it[1] for it in scn.commands]
                if got_cmds != want_cmds:
                    raise HarnessError(f"{a.expect} does not list the commands of {a.scenario}:\n"
                                       + "".join(difflib.unified_diff(
                                           [c + "\n" for c in want_cmds], [c + "\n" for c in got_cmds],
                                           "scenario", "expected")))
                want = [b[1] for b in blocks]
                labels = ("expected", "virtckpt")
            elif a.one_shot:
                want = cached_virsh((os.path.abspath(a.scenario), "one-shot"),
                                    lambda: run_virsh_one_shot(scn, virsh, env, timeout))
                labels = ("virsh", "virtckpt")
            else:
                def virsh_now():
                    return run_virsh(scn, virsh, env, timeout, check_defines=True,
                                     statuses=not a.stdin, preload=preload)
                # A session's cd and pwd print this run's own work directory: never cached.
                want = (virsh_now() if a.session else
                        cached_virsh((os.path.abspath(a.scenario), "stdin" if a.stdin else "argv"),
                                     virsh_now))
                if a.stdin:
                    for r in want:
                        r.rc = 1 if printed_error(r.err) else 0
                labels = ("virsh", "virtckpt")
            bad = compare(scn, want, ours, labels, a.verbose)
            n = len(scn.commands)
            mode_s = ("one-shot" if a.one_shot else "session" if a.session
                      else "stdin" if a.stdin else "argv")
            if bad:
                print(f"FAIL {name}: {bad} of {n} commands differ ({labels[0]} vs virtckpt, {mode_s} mode)")
                return EXIT_MISMATCH
            print(f"PASS {name}: {n} commands match ({labels[0]} vs virtckpt, {mode_s} mode)")
            return EXIT_OK
        except HarnessError as e:
            print(f"ERROR {name}: {e}")
            return EXIT_HARNESS
        finally:
            if keep:
                print(f"work directory kept: {work}", file=sys.stderr)
            else:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
