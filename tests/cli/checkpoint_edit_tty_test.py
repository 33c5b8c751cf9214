#!/usr/bin/env python3
"""checkpoint-edit on a terminal: a refused document brings virsh's question
'Failed. Try again? [y,n,f,?]: ', answered by one key (y edits again, f redefines
the same document again, n gives up, ? prints the help, any other key asks again).
Each case runs virtckpt on a pseudo-terminal with a fake $EDITOR whose first run
writes malformed XML and whose second run writes a valid edit, and compares every
byte the terminal shows. Without a terminal the refusal fails the command at once.

Usage: checkpoint_edit_tty_test.py VIRTCKPT SOURCE_ROOT
"""
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

VIRTCKPT = os.path.abspath(sys.argv[1])
SOURCE = sys.argv[2]

REFUSAL = (b"error: (domain_checkpoint):1: Premature end of data in tag domaincheckpoint line 1\r\n"
           b"<domaincheckpoint><bogus/>\r\n"
           b"--------------------------^\r\n")
PROMPT = b"\rFailed. Try again? [y,n,f,?]: "
HELP = (b"\r\n"
        b"y - yes, start editor again\r\n"
        b"n - no, throw away my changes\r\n"
        b"f - force, try to redefine again\r\n"
        b"? - print this help\r\n")
ANSWERED = b"\r\r\n"  # "\r\n" after the answer, written once the terminal is no longer raw
GAVE_UP = b"error: Failed to update c1\r\n\r\n"
EDITED = b"Checkpoint c1 edited.\r\n\r\n"

# First run: keep the document, write malformed XML. Later runs: the kept document with another
# description.
EDITOR = """#!/bin/sh
state="$EDIT_STATE"
if [ ! -e "$state/original" ]; then
  cp "$1" "$state/original"
  printf '<domaincheckpoint><bogus/>' > "$1"
else
  sed 's|<description>before</description>|<description>after</description>|' \\
    "$state/original" > "$1"
fi
"""

failures = 0


def fail(name, why):
    global failures
    failures += 1
    print(f"FAIL: {name}: {why}")


def store_bytes(root):
    files = {}
    for top, _, names in os.walk(root):
        for n in names:
            path = os.path.join(top, n)
            with open(path, "rb") as f:
                files[os.path.relpath(path, root)] = f.read()
    return files


def run_on_terminal(args, env, keys):
    """Runs virtckpt on a pty; sends each key (a number: that signal) once the question is on
    the screen for one more time. Returns (everything the terminal showed, exit status, why it stopped early or None)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(VIRTCKPT, [VIRTCKPT] + args, env)
    shown = b""
    problem = None

    def read_until(done, seconds):
        nonlocal shown
        deadline = time.monotonic() + seconds
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return "timed out"
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                return "the command ended"
            shown += data
        return None

    for asked, key in enumerate(keys, start=1):
        problem = read_until(lambda: shown.count(PROMPT) >= asked and shown.endswith(PROMPT), 10)
        if problem:
            problem = f"{problem} before question {asked} ({key!r})"
            break
        if isinstance(key, int):
            os.kill(pid, key)
        else:
            os.write(fd, key)
    if problem is None:
        read_until(lambda: False, 10)
    else:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return shown, code, problem


def main():
    work = tempfile.mkdtemp(prefix="virtckpt-edit-tty.")
    try:
        editor = os.path.join(work, "editor.sh")
        with open(editor, "w") as f:
            f.write(EDITOR)
        os.chmod(editor, 0o755)
        base = os.path.join(work, "base")
        env = dict(os.environ, EDITOR=editor, TMPDIR=work)
        env.pop("VISUAL", None)
        for cmd in (["define", os.path.join(SOURCE, "xml-examples/domain-single.xml")],
                    ["checkpoint-create-as", "single", "c1", "before"]):
            subprocess.run([VIRTCKPT, "-c", base] + cmd, env=env, check=True,
                           stdout=subprocess.DEVNULL)
        unchanged = store_bytes(base)

        cases = [
            ("y: edit again, then a valid edit", [b"y"],
             REFUSAL + PROMPT + ANSWERED + EDITED, 0, "after"),
            ("n: give up", [b"n"], REFUSAL + PROMPT + ANSWERED + GAVE_UP, 1, None),
            ("?: the help, then the question again", [b"?", b"n"],
             REFUSAL + PROMPT + HELP + PROMPT + ANSWERED + GAVE_UP, 1, None),
            ("other keys ask again; N gives up", [b"x", b"\r", b"N"],
             REFUSAL + PROMPT + PROMPT + PROMPT + ANSWERED + GAVE_UP, 1, None),
            ("f: the same document again, refused again", [b"f", b"n"],
             REFUSAL + PROMPT + ANSWERED + REFUSAL + PROMPT + ANSWERED + GAVE_UP, 1, None),
            ("SIGTERM while asking: killed by it, nothing left behind", [signal.SIGTERM],
             REFUSAL + PROMPT, -signal.SIGTERM, None),
        ]
        for name, keys, want, want_code, description in cases:
            failed_before = failures
            root = os.path.join(work, "store")
            state = os.path.join(work, "state")
            shutil.rmtree(root, ignore_errors=True)
            shutil.rmtree(state, ignore_errors=True)
            shutil.copytree(base, root)
            os.mkdir(state)
            shown, code, problem = run_on_terminal(["-c", root, "checkpoint-edit", "single", "c1"],
                                                   dict(env, EDIT_STATE=state), keys)
            if problem:
                fail(name, f"{problem}; the terminal showed {shown!r}")
                continue
            if shown != want:
                fail(name, f"the terminal showed\n  {shown!r}\nwanted\n  {want!r}")
            if code != want_code:
                fail(name, f"exit status {code}, wanted {want_code}")
            if description is None:
                if store_bytes(root) != unchanged:
                    fail(name, "the store changed")
            else:
                xml = subprocess.run([VIRTCKPT, "-c", root, "checkpoint-dumpxml", "single", "c1",
                                      "--no-domain"], env=env, capture_output=True).stdout
                if f"<description>{description}</description>".encode() not in xml:
                    fail(name, f"the stored checkpoint is {xml!r}")
            leftovers = [n for n in os.listdir(work) if n.startswith("virtckpt")]
            if leftovers:
                fail(name, f"temporary files left: {leftovers}")
            if failures == failed_before:
                print(f"ok: {name}")

        name = "no terminal: the refusal is the error"
        root = os.path.join(work, "store")
        state = os.path.join(work, "state")
        shutil.rmtree(root)
        shutil.rmtree(state)
        shutil.copytree(base, root)
        os.mkdir(state)
        result = subprocess.run([VIRTCKPT, "-c", root, "checkpoint-edit", "single", "c1"],
                                env=dict(env, EDIT_STATE=state), stdin=subprocess.DEVNULL,
                                capture_output=True)
        want_err = REFUSAL.replace(b"\r\n", b"\n") + b"error: Failed to update c1\n"
        if (result.returncode, result.stdout, result.stderr) != (1, b"\n", want_err):
            fail(name, f"rc={result.returncode} stdout={result.stdout!r} stderr={result.stderr!r}")
        elif store_bytes(root) != unchanged:
            fail(name, "the store changed")
        else:
            print(f"ok: {name}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
