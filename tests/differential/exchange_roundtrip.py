#!/usr/bin/env python3
"""checkpoint-export and checkpoint-import against virsh 9.0's test driver, byte for byte.

Usage:
  exchange_roundtrip.py --virtckpt PATH [--xml DIR] [-v] [--keep]

DIR (default: the xml/ beside this script) holds exchange-node.xml, the test-driver node whose
domain 'xvm' has three disks, a VNC password (so that --security-info matters), a non-ASCII
title, a multi-line description and a <metadata> that libvirt prints with libxml2 (namespaces,
double quotes, character references, a comment, CDATA, mixed content), and the documents that
virsh redefines (xch-*.xml, whose <domain> is as virsh embeds that domain, or an older one). Nothing here is a recorded golden file: every
document that is compared with virtckpt's is printed by virsh while the test runs.

1. From virsh. One virsh session on test://DIR/exchange-node.xml builds a tree: o1 (a root,
   redefined with an older <domain> that lacks vdb), o2 under it (redefined with the current
   <domain> and no <disks>), r1 (a second root, redefined without <domain>), c1 (with a
   description), c2 (a --diskspec for each disk) and c3 created in a chain, b1 redefined under
   c1 (a branch, with <domain>) and c4 created after it. It prints `dumpxml --inactive
   --security-info xvm`, `checkpoint-dumpxml xvm NAME --security-info` of each checkpoint and
   `checkpoint-list xvm --tree` and `--parent`.
   Those dumps go into four fresh virtckpt stores with `checkpoint-import xvm SOURCE...`:
     loose-defined     the dump files (virsh's stdout), after `define` of virsh's dumpxml
     loose-embedded    the same files into an empty store: the domain is the one they embed
     libvirt-defined   a libvirt checkpoint metadata directory (libvirt's comment header,
                       a blank line, then the document), after `define`
     libvirt-embedded  that directory into an empty store
   In each, virtckpt's `checkpoint-dumpxml xvm NAME --security-info` of every checkpoint,
   `checkpoint-list xvm --tree` and `--parent`, and `dumpxml xvm --security-info` are
   virsh's output, byte for byte (stdout, stderr, status).
2. libvirt's layout. `checkpoint-export xvm OUT --libvirt-layout` of each store writes exactly
   one OUT/xvm/NAME.xml per checkpoint, each libvirt's header followed by virsh's document.
3. Back into virsh. `checkpoint-export xvm OUT --security-info` of each store (the same
   checkpoints/NAME.xml files from all four), then a fresh virsh session redefines each
   checkpoints/NAME.xml with `checkpoint-create xvm FILE --redefine` in the manifest's order;
   there virsh's `checkpoint-dumpxml xvm NAME --security-info` of each, `checkpoint-list xvm
   --tree` and `--parent` are virtckpt's, byte for byte. The same again with an export made with
   `--no-domain --security-info`, compared with virtckpt's `checkpoint-dumpxml --no-domain
   --security-info`. The manifest lists parents first and each file's SHA-256.

With VCK_VIRSH_CACHE set (tests/run-all.sh's sanitizer pass) virsh's results come from the
first pass when virsh's input was the same: the key of a session is its commands and the bytes
of every file it reads.

Exit status: 0 every comparison matched, 1 a mismatch (or, with VIRTCKPT_CI=1, virsh or
libfaketime missing), 77 virsh or libfaketime missing outside CI, 99 harness error (virsh or
virtckpt failed where they must not).
"""

import argparse
import difflib
import hashlib
import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_scenario as rs  # noqa: E402
from faketime_holder import FaketimeHolder  # noqa: E402

DOMAIN = "xvm"
NODE = "exchange-node.xml"
# libvirt's qemu driver writes this before each checkpoint metadata document
# (docs/export-format.md, "A libvirt layout").
LIBVIRT_HEADER = ("<!--\n"
                  "WARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n"
                  "OVERWRITTEN AND LOST. Changes to this xml configuration should be made using:\n"
                  "  virsh checkpoint-edit\n"
                  "or other application using the libvirt API.\n"
                  "-->\n\n")

# How virsh builds the tree: (command, the line virsh must print).
BUILD = [
    ("checkpoint-create xvm xch-o1.xml --redefine",
     "Domain checkpoint o1 created from 'xch-o1.xml'\n"),
    ("checkpoint-create xvm xch-o2.xml --redefine",
     "Domain checkpoint o2 created from 'xch-o2.xml'\n"),
    ("checkpoint-create xvm xch-r1.xml --redefine",
     "Domain checkpoint r1 created from 'xch-r1.xml'\n"),
    ("checkpoint-create-as xvm c1 --description 'nightly & <full>'",
     "Domain checkpoint c1 created\n"),
    ("checkpoint-create-as xvm c2 --diskspec vda,checkpoint=bitmap,bitmap=c2-os "
     "--diskspec vdb --diskspec vdc,checkpoint=no", "Domain checkpoint c2 created\n"),
    ("checkpoint-create-as xvm c3", "Domain checkpoint c3 created\n"),
    ("checkpoint-create xvm xch-b1.xml --redefine",
     "Domain checkpoint b1 created from 'xch-b1.xml'\n"),
    ("checkpoint-create-as xvm c4", "Domain checkpoint c4 created\n"),
]
NAMES = ["o1", "o2", "r1", "c1", "c2", "c3", "b1", "c4"]
LISTS = ["checkpoint-list xvm --tree", "checkpoint-list xvm --parent"]
DOMAIN_DUMP = "dumpxml --inactive --security-info xvm"


def dump_cmd(name, no_domain=False):
    return f"checkpoint-dumpxml xvm {name} --security-info" + (" --no-domain" if no_domain else "")


class Failed(Exception):
    pass


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def document(out):
    """The document of a checkpoint-dumpxml's stdout: virsh prints one '\\n' after every
    command's output."""
    if not out.endswith("</domaincheckpoint>\n\n"):
        raise rs.HarnessError(f"not a checkpoint-dumpxml output: {out[-80:]!r}")
    return out[:-1]


class Runner:
    def __init__(self, virsh, exe, xml_dir, work, env, timeout, verbose):
        self.virsh, self.exe, self.xml_dir, self.work = virsh, exe, xml_dir, work
        self.env, self.timeout, self.verbose = env, timeout, verbose
        self.uri = "test://" + os.path.join(xml_dir, NODE)
        self.compared = self.mismatched = 0
        self.documents = 0      # how many of the comparisons were whole XML documents
        self.kinds = {}         # "virsh vs virtckpt" and the like: how many comparisons
        self.sessions = []      # (what, "ran" | "cached")

    # -- virsh --------------------------------------------------------------------------

    def virsh_session(self, what, cwd, commands, files):
        """{command: Result} of COMMANDS in one virsh session (the test driver's state lives
        only in that process), run in CWD; FILES are the files it reads (relative to CWD),
        whose bytes are part of the cache key."""
        key = ("exchange-roundtrip", what, self.uri_key(), tuple(commands),
               tuple((f, sha256_file(os.path.join(cwd, f))) for f in sorted(files)))
        ran = []

        def run():
            ran.append(True)
            sess = rs.VirshSession(self.virsh, self.uri, cwd, self.env.virsh, self.timeout)
            try:
                results = [sess.run(c) for c in commands]
            finally:
                sess.close()
            for r in results:
                r.rc = 1 if rs.printed_error(r.err) else 0
            return results

        results = rs.cached_virsh(key, run)
        self.sessions.append((what, "ran" if ran else "cached"))
        return dict(zip(commands, results))

    def uri_key(self):
        # the node file's bytes, not its path (the sanitizer pass has the same source tree,
        # but a developer's copy may be elsewhere)
        return sha256_file(os.path.join(self.xml_dir, NODE))

    def expect_virsh(self, results, command, out):
        r = results[command]
        if r.out != out + "\n" or r.err or r.rc != 0:
            raise rs.HarnessError(f"virsh: '{command}' printed {r.out!r}, stderr {r.err!r}, "
                                  f"not {out!r}")

    # -- virtckpt -----------------------------------------------------------------------

    def ours(self, root, *args, cwd=None):
        return rs.run_process([self.exe, "-c", root] + list(args), cwd or self.work,
                              self.env.ours, self.timeout)

    def ours_ok(self, root, *args, cwd=None):
        r = self.ours(root, *args, cwd=cwd)
        if r.rc != 0 or r.err:
            raise rs.HarnessError(f"virtckpt {' '.join(args)} failed (rc={r.rc}):\n"
                                  f"{r.out}{r.err}")
        if self.verbose:
            sys.stdout.write("".join(f"      | {ln}\n" for ln in r.out.splitlines()))
        return r

    # -- comparisons --------------------------------------------------------------------

    def same(self, label, want, got, is_document=False, names=("virsh", "virtckpt")):
        """Compare two texts (or two Results) byte for byte."""
        self.compared += 1
        kind = f"{names[0]} vs {names[1]}"
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if is_document:
            self.documents += 1
        if isinstance(want, rs.Result):
            wb, gb = want.block(label, True), got.block(label, True)
        else:
            wb, gb = want.splitlines(True), got.splitlines(True)
            if want != got and wb == gb:  # differ only in a final newline
                wb, gb = [repr(want[-40:])], [repr(got[-40:])]
        if wb == gb:
            if self.verbose:
                print(f"ok    {label}")
            return
        self.mismatched += 1
        print(f"FAIL  {label}")
        sys.stdout.writelines(difflib.unified_diff([x.rstrip("\n") + "\n" for x in wb],
                                                   [x.rstrip("\n") + "\n" for x in gb],
                                                   names[0], names[1], n=3))


def build_in_virsh(run):
    """Part 1's virsh session: the tree, its dumps and listings."""
    commands = ([c for c, _ in BUILD] + [DOMAIN_DUMP] + [dump_cmd(n) for n in NAMES]
                + [dump_cmd(n, True) for n in NAMES] + LISTS)
    files = [NODE] + sorted(f for f in os.listdir(run.xml_dir) if f.startswith("xch-"))
    v = run.virsh_session("build", run.xml_dir, commands, files)
    for command, out in BUILD:
        run.expect_virsh(v, command, out.rstrip("\n"))
    for c in commands[len(BUILD):]:
        if v[c].rc != 0 or v[c].err:
            raise rs.HarnessError(f"virsh: '{c}' failed:\n{v[c].out}{v[c].err}")
    return v


def make_stores(run, v):
    """The four stores of part 1, each imported from virsh's dumps. Returns {store: root}."""
    loose = os.path.join(run.work, "virsh-dumps")
    libvirt_dir = os.path.join(run.work, "libvirt-metadata", DOMAIN)
    definition = os.path.join(run.work, "xvm-definition.xml")
    for n in NAMES:
        # what `virsh checkpoint-dumpxml xvm NAME --security-info >FILE` writes
        write(os.path.join(loose, n + ".xml"), v[dump_cmd(n)].out)
        # what libvirt's qemu driver writes in /var/lib/libvirt/qemu/checkpoint/xvm/
        write(os.path.join(libvirt_dir, n + ".xml"),
              LIBVIRT_HEADER + document(v[dump_cmd(n)].out))
    write(definition, v[DOMAIN_DUMP].out)
    # loose files named in an order that is not parent-first: the importer orders them
    loose_files = [os.path.join(loose, n + ".xml") for n in sorted(NAMES, reverse=True)]
    stores = {}
    for store, sources, define in (("loose-defined", loose_files, True),
                                   ("loose-embedded", loose_files, False),
                                   ("libvirt-defined", [libvirt_dir], True),
                                   ("libvirt-embedded", [libvirt_dir], False)):
        root = os.path.join(run.work, "store-" + store)
        if run.verbose:
            print(f"--    {store}")
        if define:
            run.ours_ok(root, "define", definition)
        run.ours_ok(root, "checkpoint-import", DOMAIN, *sources)
        stores[store] = root
    return stores


def compare_store(run, v, store, root):
    for n in NAMES:
        run.same(f"[{store}] {dump_cmd(n)}", v[dump_cmd(n)], run.ours(root, *dump_cmd(n).split()),
                 is_document=True)
    for c in LISTS:
        run.same(f"[{store}] {c}", v[c], run.ours(root, *c.split()))
    run.same(f"[{store}] dumpxml xvm --security-info (virsh: {DOMAIN_DUMP})", v[DOMAIN_DUMP],
             run.ours(root, "dumpxml", DOMAIN, "--security-info"))


def compare_libvirt_layout(run, v, store, root):
    out = os.path.join(run.work, "libvirt-layout-" + store)
    run.ours_ok(root, "checkpoint-export", DOMAIN, out, "--libvirt-layout")
    written = sorted(os.listdir(os.path.join(out, DOMAIN)))
    run.same(f"[{store}] --libvirt-layout: the files of {DOMAIN}/",
             "".join(n + ".xml\n" for n in sorted(NAMES)), "".join(f + "\n" for f in written))
    for n in NAMES:
        path = os.path.join(out, DOMAIN, n + ".xml")
        if os.path.exists(path):
            run.same(f"[{store}] --libvirt-layout {DOMAIN}/{n}.xml = header + virsh's "
                     f"'{dump_cmd(n)}'", LIBVIRT_HEADER + document(v[dump_cmd(n)].out),
                     read(path), is_document=True)


def export_directory(run, store, root, no_domain):
    """checkpoint-export of STORE; returns (dir, [names in the manifest's order])."""
    flavour = "no-domain" if no_domain else "domain"
    out = os.path.join(run.work, f"export-{flavour}-{store}")
    run.ours_ok(root, "checkpoint-export", DOMAIN, out, "--security-info",
                *(["--no-domain"] if no_domain else []))
    manifest = ET.parse(os.path.join(out, "manifest.xml")).getroot()
    order, seen = [], set()
    for entry in manifest.find("checkpoints"):
        name, parent, file = entry.get("name"), entry.get("parent"), entry.get("file")
        if parent is not None and parent not in seen:
            raise Failed(f"[{store}] manifest: {name} is listed before its parent {parent}")
        if file != f"checkpoints/{name}.xml":
            raise Failed(f"[{store}] manifest: {name} is in {file!r}")
        if sha256_file(os.path.join(out, file)) != entry.get("sha256"):
            raise Failed(f"[{store}] manifest: the sha256 of {file} is not its file's")
        seen.add(name)
        order.append(name)
    if sorted(order) != sorted(NAMES):
        raise Failed(f"[{store}] manifest lists {order}, not the checkpoints {sorted(NAMES)}")
    return out, order


def redefine_in_virsh(run, v, stores, no_domain):
    """Part 3: our export directories, redefined in a fresh virsh, dumped there."""
    flavour = "--no-domain --security-info" if no_domain else "--security-info"
    exports = {s: export_directory(run, s, r, no_domain) for s, r in stores.items()}
    out, order = exports["loose-defined"]
    for store, (other, other_order) in exports.items():
        # every store exports the same files in the same order: one virsh session tests all
        if other_order != order:
            raise Failed(f"[{store}] exports in the order {other_order}, loose-defined in {order}")
        if other == out:
            continue
        for n in order:
            run.same(f"[{store}] export {flavour}: checkpoints/{n}.xml (as loose-defined's)",
                     read(os.path.join(out, f"checkpoints/{n}.xml")),
                     read(os.path.join(other, f"checkpoints/{n}.xml")),
                     names=("virtckpt", "virtckpt"))
    files = [f"checkpoints/{n}.xml" for n in order]
    creates = [f"checkpoint-create xvm {f} --redefine" for f in files]
    commands = creates + [dump_cmd(n) for n in NAMES] + LISTS
    w = run.virsh_session("redefine " + flavour, out, commands, files)
    for c, n, f in zip(creates, order, files):
        run.expect_virsh(w, c, f"Domain checkpoint {n} created from '{f}'")
    root = stores["loose-defined"]
    for n in NAMES:
        ours = dump_cmd(n, no_domain)
        run.same(f"[export {flavour}, redefined in virsh] virsh '{dump_cmd(n)}' = virtckpt "
                 f"'{ours}'", w[dump_cmd(n)], run.ours(root, *ours.split()), is_document=True)
        # and so the round trip virsh -> virtckpt -> virsh changed nothing
        run.same(f"[export {flavour}, redefined in virsh] '{dump_cmd(n)}' as in the first "
                 f"virsh", v[ours], w[dump_cmd(n)], is_document=True,
                 names=("first virsh", "virsh after the redefines"))
    for c in LISTS:
        run.same(f"[export {flavour}, redefined in virsh] {c}", w[c],
                 run.ours(root, *c.split()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--virtckpt", required=True, help="path of the virtckpt binary")
    ap.add_argument("--xml", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "xml"), help="directory of the inputs")
    ap.add_argument("--virsh", default=None, help="virsh binary (default: virsh on PATH)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every comparison")
    a = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    name = "exchange-roundtrip"

    virsh = a.virsh or shutil.which("virsh")
    ftlib = rs.find_faketime()
    missing = ("virsh not found (Debian package libvirt-clients)" if not virsh else
               "libfaketime not found (Debian package faketime)" if not ftlib else
               FaketimeHolder.missing())
    if missing:
        if os.environ.get("VIRTCKPT_CI") == "1":
            print(f"FAIL {name}: {missing}; tests/install-deps.sh installs it, and CI runs "
                  "every differential test")
            return rs.EXIT_MISMATCH
        print(f"SKIP: {name}: {missing}")
        return rs.EXIT_SKIP
    exe = os.path.abspath(a.virtckpt)
    xml_dir = os.path.abspath(a.xml)
    timeout = float(os.environ.get("VCK_DIFF_TIMEOUT", "60"))
    work = tempfile.mkdtemp(prefix="vck-xchg-")
    keep = a.keep or os.environ.get("VCK_DIFF_KEEP") == "1"
    try:
        with FaketimeHolder() as holder:
            run = Runner(virsh, exe, xml_dir, work, rs.Env(work, ftlib, holder.env), timeout,
                         a.verbose)
            v = build_in_virsh(run)
            stores = make_stores(run, v)
            for store, root in stores.items():
                compare_store(run, v, store, root)
            for store, root in stores.items():
                compare_libvirt_layout(run, v, store, root)
            redefine_in_virsh(run, v, stores, no_domain=False)
            redefine_in_virsh(run, v, stores, no_domain=True)
        sessions = ", ".join(f"{w}: {how}" for w, how in run.sessions)
        if run.mismatched:
            print(f"FAIL {name}: {run.mismatched} of {run.compared} comparisons differ "
                  f"(virsh sessions {sessions})")
            return rs.EXIT_MISMATCH
        kinds = ", ".join(f"{k}: {n}" for k, n in run.kinds.items())
        print(f"PASS {name}: {run.compared} comparisons identical ({kinds}), {run.documents} "
              f"of them whole XML documents (virsh sessions {sessions})")
        return rs.EXIT_OK
    except Failed as e:
        print(f"FAIL {name}: {e}")
        return rs.EXIT_MISMATCH
    except rs.HarnessError as e:
        print(f"ERROR {name}: {e}")
        return rs.EXIT_HARNESS
    finally:
        if keep:
            print(f"work directory kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
