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
markers.  virsh's exit status is taken as 1 iff the command's stderr has a
line starting with 'error: '.

virtckpt runs once per command on a fresh store created for the scenario
(with --session: once per scenario, fed on stdin with the same markers, so that
cd, connect and the like carry over; exit statuses are then inferred as virsh's):
'virtckpt -c ROOT TOKEN...', the line split into words exactly as virsh's
tokenizer splits it (quotes, backslashes).  A line that is not one plain
command (';' separators, a '#' comment, a tokenizer error) is written to
'virtckpt -c ROOT' on stdin instead; --stdin does that for every line.

With --one-shot, every line is a command string of its own on both sides, one
process each, as a script calls the programs: 'virsh OPTIONS -c URI LINE' and
'virtckpt OPTIONS -c ROOT LINE' (the whole line one argument: ';' separates
commands, the status is the last command's), each virtckpt line on a fresh
store with the '#define' domains; the exit statuses are the processes' own.

Both sides run with TZ=UTC, LC_ALL=C, a private HOME, and libfaketime
preloaded with FAKETIME='2024-01-01 00:00:00'.  Per command, stdout, stderr
and exit status are compared; in "Unable to validate doc against PATH" any
PATH ending in /NAME.rng is equal to any other with the same NAME, and the
temporary file of an edit (virsh's DIR/virshXXXXXX.xml, virtckpt's
DIR/virtckptXXXXXX.xml, XXXXXX random) is DIR/<EDITFILE> on stderr.  For
'help COMMAND', virtckpt may list options of its own after virsh's (in the
SYNOPSIS line and at the end of OPTIONS).

Exit status: 0 all commands match, 1 a mismatch, 77 (skip) virsh or
libfaketime is missing, 99 harness error (virsh died, bad scenario, define
failed, a #define file is not canonical).

Transcript format (as ../shared/oracle/virsh/oracle.sh): '$ COMMAND', then
'1|' stdout lines, '2|' stderr lines, '\\ no newline' after a line without a
final newline, and '[rc=N]'.  --expect FILE reads this format (comment lines
and blank lines are ignored).

Environment: VCK_DIFF_TIMEOUT (seconds per command, default 60),
VCK_DIFF_KEEP=1 (keep the work directory, same as --keep).
"""

import argparse
import difflib
import glob
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

EXIT_OK, EXIT_MISMATCH, EXIT_SKIP, EXIT_HARNESS = 0, 1, 77, 99
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


def inferred_rc(err):
    return 1 if any(ln.startswith("error: ") for ln in err.splitlines()) else 0


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


class Env:
    def __init__(self, work, ftlib):
        self.work = work
        home = os.path.join(work, "home")
        self.edits = os.path.join(work, "edits")
        for d in (home, self.edits, os.path.join(home, "run")):
            os.makedirs(d, exist_ok=True)
        os.chmod(os.path.join(home, "run"), 0o700)
        editor = os.path.join(work, "editor.sh")
        with open(editor, "w") as f:
            f.write('#!/bin/sh\n[ -f "$VCK_DIFF_EDITS/current" ] && '
                    'sed -i -f "$VCK_DIFF_EDITS/current" "$1"\nexit 0\n')
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
                   FAKETIME=FAKETIME)
        pre = env.get("LD_PRELOAD", "")
        env["LD_PRELOAD"] = ftlib + (":" + pre if pre else "")
        self.virsh = env
        ours = dict(env)
        asan = ours.get("ASAN_OPTIONS", "")
        ours["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "verify_asan_link_order=0"
        self.ours = ours

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
        self.timeout = timeout
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
        return Result(self._strip_head(o, i, cmd), e, inferred_rc(e))

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


def run_virsh(scn, virsh, env, timeout, check_defines):
    """Results of every scenario command in one virsh session."""
    sess = VirshSession(virsh, scn.uri, scn.base, env.virsh, timeout)
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
                if r.rc != 0 or r.out not in (want, want + "\n"):
                    diff = "".join(difflib.unified_diff(
                        want.splitlines(True), r.out.splitlines(True),
                        d, f"virsh dumpxml --inactive --security-info {name}"))
                    raise HarnessError(f"#define {d} is not the canonical form of domain "
                                       f"'{name}' in {scn.uri}:\n{diff}{r.err}")
        results = []
        for it in scn.commands:
            env.set_edit(it[2])
            results.append(sess.run(it[1]))
        env.set_edit(None)
        return results
    finally:
        sess.close()


# ---------------------------------------------------------------------------
# virtckpt side: one process per command

def run_ours_session(scn, exe, env, root, timeout):
    """Results of every scenario command in one 'virtckpt -c ROOT' fed on stdin."""
    sess = OursSession(exe, root, scn.base, env.ours, timeout)
    try:
        results = []
        for it in scn.commands:
            env.set_edit(it[2])
            results.append(sess.run(it[1]))
        env.set_edit(None)
        return results
    finally:
        sess.close()


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
        use_stdin = force_stdin
        if not use_stdin:
            try:
                cmds, had_comment = tokenize(line)
                use_stdin = len(cmds) != 1 or had_comment
            except TokenizeError:
                use_stdin = True
        if use_stdin:
            results.append(call([exe, "-c", root], line + "\n"))
        else:
            results.append(call([exe, "-c", root] + cmds[0]))
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
    """True if GOT is WANT plus options of our own after virsh's (CLARIFICATIONS §9)."""
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
                         "(state such as cd and connect carries over; exit status inferred)")
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
        print(f"SKIP {name}: libfaketime not found (apt-get install faketime)")
        return EXIT_SKIP
    virsh = a.virsh or shutil.which("virsh")
    if need_virsh and not virsh:
        print(f"SKIP {name}: virsh not found (apt-get install libvirt-clients)")
        return EXIT_SKIP
    exe = os.path.abspath(a.virtckpt) if a.virtckpt else None
    if exe and not os.access(exe, os.X_OK):
        print(f"ERROR {name}: virtckpt binary {exe} is not executable")
        return EXIT_HARNESS
    timeout = float(os.environ.get("VCK_DIFF_TIMEOUT", "60"))

    work = tempfile.mkdtemp(prefix="vck-diff-")
    keep = a.keep or os.environ.get("VCK_DIFF_KEEP") == "1"
    try:
        scn = Scenario(a.scenario)
        if a.one_shot and (a.stdin or a.session):
            raise HarnessError("--one-shot runs no stdin and no session")
        if scn.has_options and not a.one_shot:
            raise HarnessError(f"{a.scenario}: '#options:' and '#env:' need --one-shot")
        env = Env(work, ftlib)
        if a.virsh_only:
            res = (run_virsh_one_shot(scn, virsh, env, timeout) if a.one_shot
                   else run_virsh(scn, virsh, env, timeout, check_defines=True))
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
        else:
            want = (run_virsh_one_shot(scn, virsh, env, timeout) if a.one_shot
                    else run_virsh(scn, virsh, env, timeout, check_defines=True))
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
