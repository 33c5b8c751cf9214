#!/usr/bin/env python3
"""Fails when a file of src/LAYER/ includes a header of a layer above it.

The layers, lowest first: util, xml, conf, qcow2, store, exchange, backup, cli. A layer may include its
own headers and those of the layers below; src/store/files/ (the files backend) is included
only by src/store/ itself (where the code that opens a backend lives) and by tests.

Usage: check_layers.py SRC_DIR        check the tree
       check_layers.py --self-test    check the checker on trees it writes itself
Exit status: 0 clean, 1 a violation (each printed as FILE:LINE: ...), 2 bad usage.
"""
import os
import re
import sys
import tempfile

LAYERS = ["util", "xml", "conf", "qcow2", "store", "exchange", "backup", "cli"]
RANK = {name: i for i, name in enumerate(LAYERS)}
INCLUDE = re.compile(r'\s*#\s*include\s+"([^"]+)"')


def violations(src):
    found = []
    for root, _, files in os.walk(src):
        for name in sorted(files):
            path = os.path.join(root, name)
            rel = os.path.relpath(path, src)
            layer = rel.split(os.sep)[0]
            if layer not in RANK or not name.endswith((".cpp", ".hpp")):
                continue
            with open(path, encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    header = m.group(1)
                    target = header.split("/")[0]
                    if target in RANK and RANK[target] > RANK[layer]:
                        found.append(f"{rel}:{lineno}: layer '{layer}' includes '{header}' "
                                     f"of the higher layer '{target}'")
                    elif header.startswith("store/files/") and layer != "store":
                        found.append(f"{rel}:{lineno}: '{header}' is internal to the files "
                                     f"backend; include the store's interface instead")
    return found


def self_test():
    cases = [
        ({"conf/a.cpp": '#include "conf/b.hpp"\n#include "util/error.hpp"\n'}, 0),
        ({"store/a.cpp": '#include "store/files/index_file.hpp"\n'}, 0),
        ({"util/a.cpp": '#include "xml/node.hpp"\n'}, 1),
        ({"conf/a.hpp": '  #  include "cli/command.hpp"\n'}, 1),
        ({"backup/a.cpp": '#include "store/files/journal.hpp"\n'}, 1),
        ({"cli/a.cpp": '#include "backup/plan.hpp"\n#include <vector>\n'}, 0),
    ]
    failures = 0
    for files, want in cases:
        with tempfile.TemporaryDirectory() as d:
            for rel, text in files.items():
                os.makedirs(os.path.join(d, os.path.dirname(rel)), exist_ok=True)
                with open(os.path.join(d, rel), "w", encoding="utf-8") as f:
                    f.write(text)
            got = len(violations(d))
            if got != want:
                print(f"self-test: {files}: {got} violations, want {want}")
                failures += 1
    print("self-test: %d cases, %d failed" % (len(cases), failures))
    return 1 if failures else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    found = violations(sys.argv[1])
    for line in found:
        print(line)
    print(f"{len(found)} include(s) across layers")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
