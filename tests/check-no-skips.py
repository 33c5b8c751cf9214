#!/usr/bin/env python3
"""Fails when a test run skipped a test: in CI every prerequisite is installed, so a skip means a
test did not run.

Usage:
  check-no-skips.py BUILD_DIR     reads BUILD_DIR/meson-logs/testlog.json (one JSON object per
                                  line, as `meson test` writes it); exit 0, or 1 naming every
                                  test whose result was SKIP
  check-no-skips.py --self-test   checks the rule on hand-written test logs

The one allowed skip is a test that needs `../shared` (the directory beside the checkout, which
CI does not have) when it is absent: such a test exits 77 after printing a line that starts with
exactly "SKIP: ../shared is absent".
"""
import json
import os
import sys

ALLOWED_PREFIX = "SKIP: ../shared is absent"


def forbidden_skips(lines):
    """Names of the tests of a testlog (its lines) that skipped without the allowed reason."""
    names = []
    for line in lines:
        if not line.strip():
            continue
        test = json.loads(line)
        if test["result"] != "SKIP":
            continue
        stdout = test.get("stdout") or ""
        if not any(ln.startswith(ALLOWED_PREFIX) for ln in stdout.splitlines()):
            names.append(test["name"])
    return names


def entry(name, result, stdout):
    return json.dumps({"name": name, "result": result, "stdout": stdout, "returncode": 0})


def self_test():
    cases = [
        ("no skips", [entry("a", "OK", "PASS\n"), entry("b", "FAIL", "SKIP: not a skip\n")], []),
        ("a plain skip", [entry("a", "OK", ""), entry("b", "SKIP", "SKIP: virsh is missing\n")],
         ["b"]),
        ("a skip that prints nothing", [entry("a", "SKIP", "")], ["a"]),
        ("the allowed skip", [entry("a", "SKIP", "x\nSKIP: ../shared is absent (oracle)\n")], []),
        ("the allowed words not at the start of a line",
         [entry("a", "SKIP", "note: SKIP: ../shared is absent\n")], ["a"]),
        ("every forbidden skip is named",
         [entry("a", "SKIP", "SKIP: x\n"), entry("b", "OK", ""), "",
          entry("c", "SKIP", "SKIP: ../shared is absent\n"), entry("d", "SKIP", "SKIP: y\n")],
         ["a", "d"]),
    ]
    bad = 0
    for what, lines, want in cases:
        got = forbidden_skips(lines)
        if got != want:
            print(f"FAIL: {what}: {got!r}, want {want!r}")
            bad += 1
    print("check-no-skips self-test: " + ("ok" if not bad else f"{bad} failures"))
    return 1 if bad else 0


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    path = os.path.join(argv[0], "meson-logs", "testlog.json")
    with open(path, encoding="utf-8") as f:
        names = forbidden_skips(f.readlines())
    for name in names:
        print(f"SKIPPED (not allowed in CI): {name}")
    if names:
        print(f"{path}: {len(names)} test(s) skipped")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
