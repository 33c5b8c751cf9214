#!/usr/bin/env python3
"""Regenerates the expected files of the checkpoint golden tests from virsh 9.0 itself.

For every case in the kGoldenCases / kInvalidCases tables of tests/unit/golden_cases.hpp
it starts one virsh process on libvirt's test driver (a node holding xml-examples/domain-*.xml),
with the clock frozen at 2024-01-01 00:00:00 UTC by the faketime program, and runs:

  [checkpoint-create-as DOMAIN PARENT]          when the case names a parent
  checkpoint-create DOMAIN in/NAME.xml [--redefine]
  checkpoint-dumpxml DOMAIN CHECKPOINT --security-info   (golden cases)

The dumpxml output becomes out/NAME.xml; for invalid cases the error message (after "error: ",
without virsh's final newline) becomes invalid/NAME.err, with libvirt's schema path replaced by
@SCHEMA@. Likewise each libvirt/*/NAME-invalid.xml gives libvirt/err/NAME-invalid.err, the
message of 'checkpoint-create single FILE', which must be that of '... --redefine' too.

Usage: regen-from-virsh.py [--check]   (--check compares instead of writing; in a CI run,
VIRTCKPT_CI=1, only --check is allowed). Exit status: 0, 1 (--check: a file differs),
77 (--check: virsh or faketime is missing).
"""
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
TABLE_SOURCE = os.path.join(ROOT, "tests", "unit", "golden_cases.hpp")
LIBVIRT_SCHEMA = "/usr/share/libvirt/schemas/domaincheckpoint.rng"
DOMAINS = {"kSingle": "single", "kMulti": "multi"}


def read_tables():
    text = open(TABLE_SOURCE, encoding="utf-8").read()
    tables = {}
    for table in ("kGoldenCases", "kInvalidCases"):
        body = text[text.index(table + "[] = {"):]
        body = body[:body.index("\n};")]
        tables[table] = re.findall(r'\{"([^"]+)", Dom::(k\w+), "([^"]*)"\}', body)
    return tables


def node_xml(tmp):
    parts = ["<node>\n"]
    for name in ("single", "multi"):
        for line in open(os.path.join(ROOT, "xml-examples", f"domain-{name}.xml")):
            parts.append("  " + line)
    parts.append("</node>\n")
    path = os.path.join(tmp, "node.xml")
    open(path, "w").write("".join(parts))
    return path


def run_session(tmp, node, commands):
    """Runs the commands in one virsh process; returns [(stdout, stderr)] per command."""
    script = ""
    for i, cmd in enumerate(commands):
        script += f"echo @@MARK-{i}@@\necho --err @@MARK-{i}@@\n{cmd}\n"
    script += f"echo @@MARK-{len(commands)}@@\necho --err @@MARK-{len(commands)}@@\n"
    env = dict(os.environ, TZ="UTC", LC_ALL="C", HOME=tmp, TERM="dumb", COLUMNS="1000000")
    # faketime preloads libfaketime into virsh, and removes the objects it makes in /dev/shm
    proc = subprocess.run(
        ["faketime", "-f", "2024-01-01 00:00:00", "virsh", "-c", "test://" + node],
        input=script, text=True, capture_output=True, env=env, cwd=tmp)
    out, err = [], []
    for stream, pattern, acc in ((proc.stdout, r"^@@MARK-(\d+)@@\n", out),
                                 (proc.stderr, r"^error: @@MARK-(\d+)@@\n", err)):
        pieces = re.split(pattern, stream, flags=re.M)
        segs = {int(pieces[k]): pieces[k + 1] for k in range(1, len(pieces) - 1, 2)}
        acc.extend(segs.get(i, "") for i in range(len(commands)))
    return list(zip(out, err))


def dumped_xml(stdout):
    start = stdout.find("<domaincheckpoint>\n")
    end = stdout.find("</domaincheckpoint>\n")
    if start < 0 or end < 0:
        raise RuntimeError("no checkpoint XML in: " + stdout)
    return stdout[start:end + len("</domaincheckpoint>\n")]


def checkpoint_name(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return None
    name = root.find("name")
    return name.text if name is not None and name.text else "1704067200"


def error_message(name, err):
    """The message of virsh's stderr ERR, as an .err file keeps it."""
    if not err.startswith("error: "):
        sys.exit(f"{name}: virsh accepted an invalid case")
    message = err[len("error: "):]
    assert message.endswith("\n")
    return message[:-1].replace(LIBVIRT_SCHEMA, "@SCHEMA@")


def main():
    check = "--check" in sys.argv[1:]
    for program, package in (("virsh", "libvirt-clients"), ("faketime", "faketime")):
        if not shutil.which(program):
            print(f"SKIP: {program} not found (Debian package {package}); virsh's goldens not "
                  "checked")
            sys.exit(77 if check else 1)
    if not check and os.environ.get("VIRTCKPT_CI") == "1":
        print("FAIL: regen-from-virsh.py without --check in a CI run (VIRTCKPT_CI=1): CI never "
              "rewrites golden files, it compares with them")
        sys.exit(1)
    tables = read_tables()
    failures = delivered = 0

    def deliver(path, text):
        nonlocal failures, delivered
        delivered += 1
        if check:
            old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
            if old != text:
                print(f"DIFFERS: {os.path.relpath(path, ROOT)}")
                sys.stdout.writelines(difflib.unified_diff(
                    (old or "").splitlines(True), text.splitlines(True), "checked in", "virsh"))
                failures += 1
        else:
            open(path, "w", encoding="utf-8").write(text)

    with tempfile.TemporaryDirectory() as tmp:
        node = node_xml(tmp)
        for table, folder in (("kGoldenCases", "in"), ("kInvalidCases", "invalid")):
            for name, dom, parent in tables[table]:
                domain = DOMAINS[dom]
                src = os.path.join(HERE, folder, name + ".xml")
                commands = []
                if parent:
                    commands.append(f"checkpoint-create-as {domain} {parent}")
                flag = " --redefine" if name.startswith("redefine-") else ""
                commands.append(f"checkpoint-create {domain} {src}{flag}")
                if table == "kGoldenCases":
                    commands.append(f"checkpoint-dumpxml {domain} {checkpoint_name(src)} "
                                    "--security-info")
                results = run_session(tmp, node, commands)
                setup = 1 if parent else 0
                for out, err in results[:setup]:
                    if err:
                        sys.exit(f"{name}: setup failed: {err}")
                out, err = results[setup]
                if table == "kGoldenCases":
                    if err or results[setup + 1][1]:
                        sys.exit(f"{name}: virsh failed: {err}{results[setup + 1][1]}")
                    deliver(os.path.join(HERE, "out", name + ".xml"),
                            dumped_xml(results[setup + 1][0]))
                else:
                    deliver(os.path.join(HERE, "invalid", name + ".err"), error_message(name, err))
        for src in sorted(glob.glob(os.path.join(HERE, "libvirt", "*", "*-invalid.xml"))):
            name = os.path.basename(src)[:-len(".xml")]
            results = run_session(tmp, node, [f"checkpoint-create single {src}",
                                              f"checkpoint-create single {src} --redefine"])
            message, redefined = (error_message(name, err) for _, err in results)
            if redefined != message:
                sys.exit(f"{name}: --redefine fails with another message: {redefined}")
            deliver(os.path.join(HERE, "libvirt", "err", name + ".err"), message)
    if failures:
        print(f"{failures} of {delivered} file(s) differ from virsh's output")
        sys.exit(1)
    print(f"{delivered} files {'equal' if check else 'written from'} virsh's output")


if __name__ == "__main__":
    main()
