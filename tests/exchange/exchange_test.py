#!/usr/bin/env python3
"""checkpoint-export and checkpoint-import at the command line (docs/export-format.md).

Each case builds stores in a temporary directory (/tmp/virtckpt-exchange.XXXXXX, written @TMP@;
the commands run there, so that stores and export directories have short relative names), with
real qcow2 images made by qemu-img, runs virtckpt and records each command with its stdout,
stderr and exit status, the files it wrote and the checks made on them, into a transcript that
must be byte for byte golden/CASE.txt (virtckpt's own output, reviewed by hand: see
golden/README.md). The checks are exact and are recorded as '# ok: ...' lines; a failed one is
recorded as '# FAIL: ...' and fails the case even if a golden file said otherwise:
  - an exported file is what checkpoint-dumpxml prints with the same flags, byte for byte
    (checkpoint-dumpxml prints the blank line every command prints after its output);
  - every sha256 of a manifest or bundle is the SHA-256 of its document;
  - a manifest or bundle passes xmllint against schemas/checkpointmanifest.rng or
    checkpointbundle.rng;
  - a store that a refused command (or a --dry-run) must not change is byte for byte as it was
    (every file's path, mode and contents, every directory's path and mode);
  - what another store answers after an import is what the original answers.
SHA-256 values are written @SHA256@ in the transcript (the documents hold the temporary
directory's name): the checks above compare them.

Every virtckpt process runs with TZ=UTC under libfaketime, frozen at 2024-01-01 00:00:00 UTC
(1704067200), with the shared objects of one FaketimeHolder.

Usage: exchange_test.py VIRTCKPT SOURCE_ROOT CASE...; exchange_test.py --list prints the cases;
exchange_test.py --check-list CASE... checks meson.build's list against them and golden/.
With VIRTCKPT_EXCHANGE_GOT=DIR the transcripts are also written to DIR/CASE.txt (for review;
nothing ever writes golden/). Exit 0 pass, 1 fail, 77 skipped (qemu-img, xmllint, libfaketime or
the faketime program missing).
"""

import difflib
import glob
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN_DIR = os.path.join(HERE, "golden")

# What libvirt's qemu driver writes at the top of each checkpoint metadata file (virsh
# checkpoint-edit is the command it names), then a blank line.
LIBVIRT_HEADER = (
    "<!--\n"
    "WARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n"
    "OVERWRITTEN AND LOST. Changes to this xml configuration should be made using:\n"
    "  virsh checkpoint-edit\n"
    "or other application using the libvirt API.\n"
    "-->\n"
    "\n")

UUID1 = "11111111-2222-4333-8444-555555555501"
UUID2 = "11111111-2222-4333-8444-555555555502"


class Failed(Exception):
    pass


def shell_quote(arg):
    if arg == "" or re.search(r"[\s'\"\\;#$|<>&*?()]", arg):
        return "'" + arg.replace("'", "'\\''") + "'"
    return arg


class Case:
    def __init__(self, name, virtckpt, source_root, tmp, faketime_env):
        self.name = name
        self.virtckpt = virtckpt
        self.schemas = os.path.join(source_root, "schemas")
        self.tmp = tmp
        self.lines = []
        self.failures = []
        self.env = dict(os.environ)
        self.env.update(faketime_env)
        self.env.update(TZ="UTC", LC_ALL="C", FAKETIME="2024-01-01 00:00:00",
                        LD_PRELOAD=FAKETIME_LIB[0],
                        ASAN_OPTIONS=(self.env.get("ASAN_OPTIONS", "") +
                                      ":verify_asan_link_order=0").lstrip(":"))
        for var in ("VISUAL", "EDITOR", "XDG_DATA_HOME", "VIRTCKPT_ROOT"):
            self.env.pop(var, None)

    # ---- the transcript

    def sub(self, text):
        text = text.replace(self.tmp, "@TMP@")
        text = re.sub(r"[^ '\"]*/schemas/([A-Za-z0-9_-]+\.rng)", r"@SCHEMAS@/\1", text)
        return re.sub(r"\b[0-9a-f]{64}\b", "@SHA256@", text)

    def record(self, text):
        self.lines.append(self.sub(text))

    def note(self, text):
        self.record("# " + text)

    def check(self, condition, what, detail=""):
        if condition:
            self.note("ok: " + what)
        else:
            self.note("FAIL: " + what)
            if detail:
                for line in detail.rstrip("\n").split("\n"):
                    self.note("  " + line)
            self.failures.append(what)
        return condition

    def path(self, relative):
        return os.path.join(self.tmp, relative)

    # ---- running things

    def run(self, args, stdin=None):
        proc = subprocess.run([self.virtckpt] + list(args), cwd=self.tmp, env=self.env,
                              input=stdin.encode() if isinstance(stdin, str) else stdin,
                              stdin=None if stdin is not None else subprocess.DEVNULL,
                              capture_output=True, check=False)
        return (proc.returncode, proc.stdout.decode("utf-8", "surrogateescape"),
                proc.stderr.decode("utf-8", "surrogateescape"))

    def vc(self, *args, stdin_file=None):
        """Runs `virtckpt ARGS` in the temporary directory and records it."""
        stdin = None
        shown = "$ virtckpt " + " ".join(shell_quote(a) for a in args)
        if stdin_file is not None:
            with open(self.path(stdin_file), "rb") as f:
                stdin = f.read()
            shown += " < " + stdin_file
        rc, out, err = self.run(args, stdin)
        self.record(shown)
        self.output(out, err, "[exit %d]" % rc)
        return rc, out, err

    def output(self, out, err, status):
        # Exactly what the command printed (each stream ends with a newline here).
        if out:
            self.record(out[:-1] if out.endswith("\n") else out + "\n# (no newline at the end)")
        if err:
            self.record("[stderr]")
            self.record(err[:-1] if err.endswith("\n") else err + "\n# (no newline at the end)")
        self.record(status)

    def quiet(self, *args):
        """A setup command that must succeed; not recorded."""
        rc, out, err = self.run(args)
        if rc != 0:
            raise Failed("setup command virtckpt %s failed (exit %d): %s%s" % (
                " ".join(args), rc, out, err))
        return out

    def pipe(self, left, right):
        """`virtckpt LEFT | virtckpt RIGHT`, recorded with the right side's stdout, both sides'
        stderr and both exit statuses."""
        self.record("$ virtckpt " + " ".join(shell_quote(a) for a in left) + " | virtckpt " +
                    " ".join(shell_quote(a) for a in right))
        p1 = subprocess.Popen([self.virtckpt] + list(left), cwd=self.tmp, env=self.env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
        p2 = subprocess.Popen([self.virtckpt] + list(right), cwd=self.tmp, env=self.env,
                              stdin=p1.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p1.stdout.close()
        out2, err2 = p2.communicate()
        err1 = p1.stderr.read()
        p1.stderr.close()
        rc1 = p1.wait()
        err = (err1 + err2).decode("utf-8", "surrogateescape")
        self.output(out2.decode("utf-8", "surrogateescape"), err,
                    "[exit %d | exit %d]" % (rc1, p2.returncode))
        return rc1, p2.returncode

    def step(self, *cmd):
        """A command that is not virtckpt (qemu-img, touch, ...): recorded, must succeed."""
        self.note("$ " + " ".join(shell_quote(a) for a in cmd))
        proc = subprocess.run(list(cmd), cwd=self.tmp, capture_output=True, check=False)
        if proc.returncode != 0:
            raise Failed("step failed: %s: %s" % (" ".join(cmd), proc.stderr.decode()))

    def img(self, name, size, fmt="qcow2"):
        self.step("qemu-img", "create", "-q", "-f", fmt, name, size)

    def write(self, relative, text, show=False):
        path = self.path(relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        if show:
            self.note("wrote " + relative + ":")
            self.show_text(text)

    def read(self, relative):
        with open(self.path(relative), encoding="utf-8", errors="surrogateescape") as f:
            return f.read()

    def show_text(self, text):
        for line in text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"):
            self.record("| " + line)
        if not text.endswith("\n"):
            self.note("(no newline at the end)")

    def cat(self, relative):
        self.note("cat " + relative)
        self.show_text(self.read(relative))

    def files(self, relative):
        """Every file and directory under `relative`, with its mode, sorted."""
        self.note("files of %s:" % relative)
        root = self.path(relative)
        for entry in sorted(walk(root)):
            mode = os.lstat(os.path.join(root, entry)).st_mode
            self.note("  %s %s%s" % (oct(stat.S_IMODE(mode))[2:].rjust(4, "0"), entry,
                                     "/" if stat.S_ISDIR(mode) else ""))

    # ---- checks

    def tree_hash(self, relative):
        """Every directory and file under `relative`: path, mode, contents."""
        root = self.path(relative)
        if not os.path.exists(root):
            return None
        items = []
        for entry in sorted(walk(root)):
            full = os.path.join(root, entry)
            st = os.lstat(full)
            if stat.S_ISREG(st.st_mode):
                with open(full, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            else:
                digest = "-"
            items.append("%s %o %s" % (entry, st.st_mode, digest))
        return items

    def unchanged(self, relative, before):
        after = self.tree_hash(relative)
        self.check(after == before, "%s is byte for byte as it was" % relative,
                   "\n".join(difflib.unified_diff(before or [], after or [], lineterm="")))

    def store_hash(self, store):
        """tree_hash of a store whose derived index files are settled first: a reader rewrites
        an index that trusts no entry of a checkpoint file written in the same clock tick as
        it (docs/store-format.md, "When an entry is trusted"), so each domain is read once,
        in a later tick, before the store is compared with what a command leaves."""
        if os.path.isdir(self.path(store)):
            time.sleep(0.02)
            rc, out, _ = self.run(["-c", store, "list", "--all", "--name"])
            for domain in out.split("\n") if rc == 0 else []:
                if domain:
                    self.run(["-c", store, "checkpoint-list", domain, "--name"])
        return self.tree_hash(store)

    def refused(self, store, *args, stdin_file=None):
        """A command that must fail and leave `store` as it was."""
        before = self.store_hash(store)
        rc, out, err = self.vc(*args, stdin_file=stdin_file)
        self.check(rc == 1 and (err.startswith("error: ") or "\nerror: " in err),
                   "refused with exit status 1 and an error: line")
        self.unchanged(store, before)
        return rc, out, err

    def is_dumpxml(self, store, domain, name, relative, *flags, header=""):
        rc, out, err = self.run(["-c", store, "checkpoint-dumpxml", domain, name] + list(flags))
        text = self.read(relative)
        what = "%s is %s`virtckpt checkpoint-dumpxml %s %s%s` byte for byte" % (
            relative, "libvirt's header and " if header else "", domain, name,
            "".join(" " + f for f in flags))
        self.check(rc == 0 and err == "" and out.endswith("\n\n") and text == header + out[:-1],
                   what,
                   "\n".join(difflib.unified_diff((header + out[:-1]).split("\n"),
                                                  text.split("\n"), "dumpxml", relative,
                                                  lineterm="")))

    def sums_match(self, manifest_relative):
        """Every sha256 of a manifest is its file's; of a bundle, its document's as the exported
        directory's files hold it (given as BUNDLE:DIR)."""
        if ":" in manifest_relative:
            bundle, directory = manifest_relative.split(":")
            root = ET.fromstring(self.read(bundle))
            ok = True
            for entry in root.iter("checkpoint"):
                with open(self.path(os.path.join(directory, "checkpoints",
                                                 entry.get("name") + ".xml")), "rb") as f:
                    ok = ok and entry.get("sha256") == hashlib.sha256(f.read()).hexdigest()
            self.check(ok and len(list(root.iter("checkpoint"))) > 0,
                       "every sha256 of %s is that of %s's document" % (bundle, directory))
            return
        root = ET.fromstring(self.read(manifest_relative))
        base = os.path.dirname(manifest_relative)
        entries = list(root.iter("checkpoint"))
        ok = True
        for entry in entries:
            with open(self.path(os.path.join(base, entry.get("file"))), "rb") as f:
                ok = ok and entry.get("sha256") == hashlib.sha256(f.read()).hexdigest()
        self.check(ok and entries, "every sha256 of %s is its file's" % manifest_relative)

    def valid(self, relative, schema):
        proc = subprocess.run(["xmllint", "--noout", "--relaxng",
                               os.path.join(self.schemas, schema), relative],
                              cwd=self.tmp, capture_output=True, check=False)
        self.check(proc.returncode == 0, "%s is valid against %s" % (relative, schema),
                   proc.stderr.decode())

    def same_answers(self, store_a, store_b, commands):
        """Each command answers the same in both stores: stdout, stderr and exit status."""
        for args in commands:
            a = self.run(["-c", store_a] + args)
            b = self.run(["-c", store_b] + args)
            self.check(a == b, "`%s` answers the same in %s and %s" % (
                " ".join(args), store_a, store_b),
                       "\n".join(difflib.unified_diff((a[1] + a[2]).split("\n"),
                                                      (b[1] + b[2]).split("\n"),
                                                      store_a, store_b, lineterm="")))

    # ---- documents

    def domain_xml(self, relative, name, uuid, disks, extra=""):
        """A <domain> definition of virsh's dumpxml --inactive --security-info form; `disks`
        are (target, image) pairs, the images in @TMP@."""
        out = ["<domain type='test'>", "  <name>%s</name>" % name, "  <uuid>%s</uuid>" % uuid,
               "  <memory unit='KiB'>1048576</memory>",
               "  <currentMemory unit='KiB'>1048576</currentMemory>",
               "  <vcpu placement='static'>1</vcpu>", "  <os>",
               "    <type arch='x86_64'>hvm</type>", "    <boot dev='hd'/>", "  </os>",
               "  <devices>"]
        for target, image in disks:
            out += ["    <disk type='file' device='disk'>",
                    "      <driver name='qemu' type='qcow2'/>",
                    "      <source file='%s'/>" % self.path(image),
                    "      <target dev='%s' bus='virtio'/>" % target, "    </disk>"]
        if extra:
            out.append(extra)
        out += ["  </devices>", "</domain>"]
        self.write(relative, "\n".join(out) + "\n")


def walk(root):
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            yield os.path.relpath(os.path.join(dirpath, name), root)


# ---------------------------------------------------------------- the cases

def vm1(t, store="A", model="delta", disks=(("vda", "vda.qcow2"), ("vdb", "vdb.qcow2")),
        extra=""):
    """Domain vm1 in `store`, with its images."""
    for _, image in disks:
        if not image.startswith("missing") and not os.path.exists(t.path(image)):
            t.img(image, "1G" if image.startswith("vda") else "2G")
    t.domain_xml("vm1.xml", "vm1", UUID1, disks, extra)
    t.vc("-c", store, "define", "vm1.xml", "--bitmap-model", model, "--granularity", "131072")


def case_export_layout(t):
    """An export directory: its files, the manifest (owner, recorded sizes, a disk whose size
    is unknown, delta settings, a branch), each file = checkpoint-dumpxml."""
    t.img("vda.qcow2", "1G")
    t.img("vdb.qcow2", "2G")
    t.note("vdc's image does not exist: no size is recorded for it")
    vm1(t, disks=(("vda", "vda.qcow2"), ("vdb", "vdb.qcow2"), ("vdc", "missing.qcow2")))
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c1", "--owner", "nightly")
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c2", "second")
    t.note("a branch under c1, redefined (the current checkpoint stays c2)")
    t.write("b1.xml", t.quiet("-c", "A", "checkpoint-dumpxml", "vm1", "c2", "--no-domain")
            .replace("<name>c2</name>", "<name>b1</name>").replace("'c2'", "'b1'")
            .replace("<description>second</description>", "")
            .replace("\n  \n", "\n").rstrip("\n") + "\n")
    t.vc("-c", "A", "checkpoint-create", "vm1", "b1.xml", "--redefine")
    t.vc("-c", "A", "checkpoint-list", "vm1", "--tree")
    t.vc("-c", "A", "checkpoint-export", "vm1", "ex")
    t.files("ex")
    t.cat("ex/manifest.xml")
    t.valid("ex/manifest.xml", "checkpointmanifest.rng")
    t.sums_match("ex/manifest.xml")
    for name in ("c1", "c2", "b1"):
        t.is_dumpxml("A", "vm1", name, "ex/checkpoints/%s.xml" % name)
    t.cat("ex/checkpoints/c2.xml")
    t.note("--json, into a directory given with a trailing slash")
    rc, out, _ = t.vc("-c", "A", "checkpoint-export", "vm1", "ex/", "--json")
    t.sums_match("ex/manifest.xml")
    manifest = ET.fromstring(t.read("ex/manifest.xml"))
    t.check(rc == 0 and [(c["name"], c["file"], c["sha256"]) for c in
                         json.loads(out)["checkpoints"]] ==
            [(e.get("name"), e.get("file"), e.get("sha256")) for e in manifest.iter("checkpoint")],
            "the --json report names the manifest's checkpoints, files and sha256, in its order")
    t.note("-q prints nothing; a read-only connection exports too (it reads the store only)")
    t.vc("-c", "A", "-q", "checkpoint-export", "vm1", "ex")
    before = t.tree_hash("ex")
    t.vc("-c", "A", "-r", "checkpoint-export", "vm1", "ex")
    t.unchanged("ex", before)
    t.note("a domain without checkpoints")
    t.domain_xml("empty.xml", "empty", UUID2, (("vda", "vda.qcow2"),))
    t.vc("-c", "A", "define", "empty.xml")
    t.vc("-c", "A", "checkpoint-export", "empty", "ex-empty", "--json")
    t.files("ex-empty")
    t.cat("ex-empty/manifest.xml")
    t.valid("ex-empty/manifest.xml", "checkpointmanifest.rng")
    t.note("what the export restores: another store answers as this one")
    t.vc("-c", "B", "checkpoint-import", "vm1", "ex")
    t.same_answers("A", "B", [
        ["checkpoint-list", "vm1", "--tree"], ["checkpoint-list", "vm1", "--parent"],
        ["checkpoint-list", "vm1", "--json"], ["domain-set", "vm1", "--json"],
        ["dumpxml", "vm1", "--security-info"], ["backup-plan", "vm1", "--json"],
        ["backup-plan", "vm1", "--since", "c1", "--json"],
        ["backup-plan", "vm1", "--since", "b1", "--json"]])
    t.note("sizes: vda grows; both stores see it since c1 (vdc has no size: no check)")
    t.step("qemu-img", "resize", "-q", "vda.qcow2", "3G")
    t.vc("-c", "B", "backup-plan", "vm1", "--since", "c1")
    t.same_answers("A", "B", [["backup-plan", "vm1", "--since", "c2", "--json"]])


def case_export_flags(t):
    """--no-domain and --security-info: the files and the manifest's definition."""
    vm1(t, extra="    <graphics type='vnc' port='-1' autoport='yes' passwd='secret'/>")
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c1")
    for flags in ([], ["--security-info"], ["--no-domain"], ["--no-domain", "--security-info"]):
        name = "ex" + "".join(f.replace("--", "-") for f in flags)
        t.vc("-c", "A", "checkpoint-export", "vm1", name, *flags)
        t.is_dumpxml("A", "vm1", "c1", name + "/checkpoints/c1.xml", *flags)
        t.sums_match(name + "/manifest.xml")
        t.valid(name + "/manifest.xml", "checkpointmanifest.rng")
        t.note("the manifest's definition and the document's <graphics>, and whether the "
               "document embeds a <domain>:")
        for line in t.read(name + "/manifest.xml").split("\n"):
            if "<graphics" in line:
                t.record("| " + line)
        doc = t.read(name + "/checkpoints/c1.xml")
        for line in doc.split("\n"):
            if "<graphics" in line:
                t.record("| " + line)
        t.note("embeds a <domain>: %s" % ("yes" if "<domain " in doc else "no"))
    t.cat("ex-no-domain/checkpoints/c1.xml")
    t.note("the secret travels only with --security-info")
    t.vc("-c", "B", "checkpoint-import", "vm1", "ex")
    t.vc("-c", "B", "dumpxml", "vm1", "--security-info", "--xpath", "//graphics")
    t.vc("-c", "C", "checkpoint-import", "vm1", "ex-security-info")
    t.vc("-c", "C", "dumpxml", "vm1", "--security-info", "--xpath", "//graphics")
    t.same_answers("A", "C", [
        ["checkpoint-dumpxml", "vm1", "c1", "--security-info"],
        ["dumpxml", "vm1", "--security-info"]])
    t.note("an export with --no-domain still carries the definition in its manifest")
    t.vc("-c", "D", "checkpoint-import", "vm1", "ex-no-domain")
    t.same_answers("A", "D", [["checkpoint-dumpxml", "vm1", "c1", "--no-domain"],
                                     ["dumpxml", "vm1"]])


def case_export_replace(t):
    """Exporting again into the same directory replaces the export as a whole; files that no
    manifest named stay."""
    vm1(t)
    for name in ("a", "b", "c"):
        t.quiet("-c", "A", "checkpoint-create-as", "vm1", name)
    t.vc("-c", "A", "checkpoint-export", "vm1", "ex")
    t.write("ex/checkpoints/stray.xml", "not named by a manifest\n")
    t.write("ex/notes.txt", "mine\n")
    t.files("ex")
    t.note("b goes, d comes; the next export replaces the first")
    t.vc("-c", "A", "checkpoint-delete", "vm1", "b", "--metadata")
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "d")
    t.vc("-c", "A", "checkpoint-export", "vm1", "ex", "--no-domain")
    t.files("ex")
    t.cat("ex/manifest.xml")
    t.sums_match("ex/manifest.xml")
    for name in ("a", "c", "d"):
        t.is_dumpxml("A", "vm1", name, "ex/checkpoints/%s.xml" % name, "--no-domain")
    t.check(t.read("ex/checkpoints/stray.xml") == "not named by a manifest\n" and
            t.read("ex/notes.txt") == "mine\n", "the files no manifest named are untouched")
    t.note("a directory whose manifest.xml is none of ours: replaced; the files beside it stay")
    t.write("other/manifest.xml", "<notours/>\n")
    t.write("other/checkpoints/keep.xml", "kept\n")
    t.vc("-c", "A", "checkpoint-export", "vm1", "other", "--no-domain")
    t.files("other")
    t.check(t.read("other/checkpoints/keep.xml") == "kept\n", "other/checkpoints/keep.xml stays")
    t.valid("other/manifest.xml", "checkpointmanifest.rng")


def case_export_refused(t):
    """What checkpoint-export refuses: a pending backup job, bitmap operations not carried out,
    options that exclude each other; nothing is written."""
    vm1(t)
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c1")
    t.vc("-c", "A", "backup-begin", "vm1", "--since", "c1", "--checkpoint", "c2")
    for args in (["ex"], ["-"], ["ex", "--libvirt-layout"], ["ex", "--json"]):
        t.refused("A", "-c", "A", "checkpoint-export", "vm1", *args)
    t.check(not os.path.exists(t.path("ex")), "no directory ex was made")
    t.note("an export directory that exists is left as it was")
    t.vc("-c", "A", "backup-end", "vm1", "--abort")
    t.vc("-c", "A", "bitmap-ops", "vm1", "--clear")
    t.quiet("-c", "A", "checkpoint-export", "vm1", "ex")
    t.vc("-c", "A", "backup-begin", "vm1", "--checkpoint", "c2")
    before = t.tree_hash("ex")
    t.refused("A", "-c", "A", "checkpoint-export", "vm1", "ex")
    t.unchanged("ex", before)
    t.vc("-c", "A", "backup-end", "vm1", "--commit")
    t.note("bitmap operations that a delete recorded and nobody carried out")
    t.vc("-c", "A", "checkpoint-delete", "vm1", "c2")
    t.vc("-c", "A", "bitmap-ops", "vm1")
    t.refused("A", "-c", "A", "checkpoint-export", "vm1", "ex")
    t.refused("A", "-c", "A", "checkpoint-export", "vm1", "-")
    t.unchanged("ex", before)
    t.vc("-c", "A", "bitmap-ops", "vm1", "--clear")
    t.vc("-c", "A", "checkpoint-export", "vm1", "ex")
    t.note("options and arguments")
    t.refused("A", "-c", "A", "checkpoint-export", "vm1", "ex2", "--libvirt-layout",
              "--no-domain")
    t.refused("A", "-c", "A", "checkpoint-export", "vm1", "-", "--libvirt-layout")
    t.refused("A", "-c", "A", "checkpoint-export", "vm1", "-", "--json")
    t.refused("A", "-c", "A", "checkpoint-export", "vm1")
    t.refused("A", "-c", "A", "checkpoint-export", "nosuch", "ex2")
    t.write("afile", "a file\n")
    t.refused("A", "-c", "A", "checkpoint-export", "vm1", "afile")
    t.refused("nostore", "-c", "nostore", "checkpoint-export", "vm1", "ex2")
    t.check(not os.path.exists(t.path("ex2")), "no directory ex2 was made")


def case_libvirt_layout(t):
    """--libvirt-layout: DIR/DOMAIN/NAME.xml, libvirt's header and checkpoint-dumpxml
    --security-info; a second export removes the checkpoint documents that are gone."""
    vm1(t, extra="    <graphics type='vnc' port='-1' autoport='yes' passwd='secret'/>")
    for name in ("c1", "c2", "c3"):
        t.quiet("-c", "A", "checkpoint-create-as", "vm1", name)
    t.vc("-c", "A", "checkpoint-export", "vm1", "qemu", "--libvirt-layout")
    t.files("qemu")
    t.check(t.read("qemu/vm1/c1.xml").startswith(LIBVIRT_HEADER),
            "qemu/vm1/c1.xml starts with libvirt's header and a blank line")
    for name in ("c1", "c2", "c3"):
        t.is_dumpxml("A", "vm1", name, "qemu/vm1/%s.xml" % name, "--security-info",
                     header=LIBVIRT_HEADER)
    t.cat("qemu/vm1/c1.xml")
    t.note("a copy of a checkpoint document without .xml, and a file that is none")
    t.step("cp", "qemu/vm1/c1.xml", "qemu/vm1/copy-of-c1")
    t.write("qemu/vm1/README", "not a checkpoint\n")
    t.vc("-c", "A", "checkpoint-delete", "vm1", "c3", "--metadata")
    t.vc("-c", "A", "checkpoint-export", "vm1", "qemu", "--libvirt-layout", "--json")
    t.files("qemu")
    t.note("libvirt's layout holds everything libvirt keeps (not the current checkpoint)")
    t.vc("-c", "B", "checkpoint-import", "vm1", "qemu/vm1")
    t.same_answers("A", "B", [
        ["checkpoint-list", "vm1", "--tree"], ["checkpoint-dumpxml", "vm1", "c1",
                                              "--security-info"],
        ["checkpoint-dumpxml", "vm1", "c2", "--security-info"]])


def case_bundle_pipe(t):
    """checkpoint-export DOMAIN - | checkpoint-import DOMAIN -, a bundle file, and a bundle
    whose document was changed."""
    vm1(t)
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c1", "--owner", "nightly")
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c2")
    t.pipe(["-c", "A", "checkpoint-export", "vm1", "-"], ["-c", "B", "checkpoint-import",
                                                          "vm1", "-"])
    views = [["checkpoint-list", "vm1", "--tree"], ["checkpoint-list", "vm1", "--parent"],
             ["checkpoint-dumpxml", "vm1", "c1", "--security-info"],
             ["checkpoint-dumpxml", "vm1", "c2", "--security-info"],
             ["domain-set", "vm1", "--json"], ["backup-plan", "vm1", "--since", "c1",
                                               "--json"]]
    t.same_answers("A", "B", views)
    t.note("the bundle itself")
    rc, out, err = t.run(["-c", "A", "checkpoint-export", "vm1", "-"])
    t.check(rc == 0 and err == "", "checkpoint-export vm1 - succeeds silently on stderr")
    t.write("vm1.bundle", out)
    t.cat("vm1.bundle")
    t.valid("vm1.bundle", "checkpointbundle.rng")
    t.quiet("-c", "A", "checkpoint-export", "vm1", "ex")
    t.sums_match("vm1.bundle:ex")
    t.note("a bundle given as a file, and on standard input")
    t.vc("-c", "C", "checkpoint-import", "vm1", "vm1.bundle")
    t.same_answers("A", "C", views)
    t.vc("-c", "C", "checkpoint-import", "vm1", "-", stdin_file="vm1.bundle")
    t.note("the bundle's c2 changed: refused naming it, as the importer formats it again")
    t.write("changed.bundle", re.sub(r"(<name>c2</name>\n(?:.*\n)*?\s*<creationTime>)1704067200",
                                     r"\g<1>1704067201", out, count=1))
    t.refused("D", "-c", "D", "checkpoint-import", "vm1", "changed.bundle")
    t.note("its layout does not matter: the same bundle indented otherwise is accepted")
    t.write("reindented.bundle", out.replace("\n      ", "\n\t"))
    t.vc("-c", "D", "checkpoint-import", "vm1", "reindented.bundle")
    t.same_answers("A", "D", views)
    t.note("nothing on standard input, and an export that failed on the left of the pipe")
    t.write("empty", "")
    t.refused("E", "-c", "E", "checkpoint-import", "vm1", "-", stdin_file="empty")
    t.pipe(["-c", "A", "checkpoint-export", "nosuch", "-"],
           ["-c", "E", "checkpoint-import", "nosuch", "-"])
    t.check(not os.path.exists(t.path("E")), "store E was not made")


def case_libvirt_import(t):
    """A libvirt checkpoint metadata directory: the comment header, a file without .xml, an
    unparsable file (a warning naming it), a branch (no current checkpoint), an orphan (a root,
    a warning, no current checkpoint)."""
    vm1(t)
    for name in ("c1", "c2", "c3"):
        t.quiet("-c", "A", "checkpoint-create-as", "vm1", name)
    t.quiet("-c", "A", "checkpoint-export", "vm1", "qemu", "--libvirt-layout")
    t.note("as libvirt leaves it: c2 saved without .xml, an editor's backup, a broken file")
    t.step("mv", "qemu/vm1/c2.xml", "qemu/vm1/c2")
    t.write("qemu/vm1/c1.xml~", "<domaincheckpoint>\n  <name>c1")
    t.write("qemu/vm1/broken.xml", "<domaincheckpoint>\n  <name>x1</name>\n  <bogus/>\n"
            "</domaincheckpoint>\n")
    t.files("qemu")
    t.vc("-c", "B", "checkpoint-import", "vm1", "qemu/vm1")
    t.vc("-c", "B", "checkpoint-list", "vm1", "--tree")
    t.same_answers("A", "B", [["checkpoint-list", "vm1", "--parent"],
                                     ["checkpoint-dumpxml", "vm1", "c2", "--security-info"]])
    t.note("the same checkpoint as a loose file too (without libvirt's header): one checkpoint")
    t.quiet("-c", "A", "checkpoint-export", "vm1", "ex")
    t.vc("-c", "E", "checkpoint-import", "vm1", "ex/checkpoints/c1.xml", "qemu/vm1")
    t.same_answers("A", "E", [["checkpoint-list", "vm1", "--parent"]])
    t.note("a branch: c1 with two children, no current checkpoint (libvirt's rule)")
    t.write("branch/vm1/b1.xml", LIBVIRT_HEADER + t.read("qemu/vm1/c2")[len(LIBVIRT_HEADER):]
            .replace("<name>c2</name>", "<name>b1</name>", 1).replace("'c2'", "'b1'"))
    t.step("cp", "qemu/vm1/c1.xml", "qemu/vm1/c2", "branch/vm1/")
    t.vc("-c", "C", "checkpoint-import", "vm1", "branch/vm1")
    t.vc("-c", "C", "checkpoint-list", "vm1", "--tree")
    t.vc("-c", "C", "checkpoint-info", "vm1", "c2")
    t.note("an orphan: c3 without c2, in a store that has a current checkpoint")
    t.step("mkdir", "orphan")
    t.step("cp", "qemu/vm1/c3.xml", "orphan/")
    t.vc("-c", "D", "define", "vm1.xml", "--bitmap-model", "delta", "--granularity", "131072")
    t.vc("-c", "D", "checkpoint-create-as", "vm1", "d1")
    t.vc("-c", "D", "checkpoint-import", "vm1", "orphan", "--dry-run")
    t.vc("-c", "D", "checkpoint-import", "vm1", "orphan")
    t.vc("-c", "D", "checkpoint-list", "vm1", "--tree")
    t.vc("-c", "D", "checkpoint-parent", "vm1", "c3")
    t.vc("-c", "D", "checkpoint-dumpxml", "vm1", "c3", "--no-domain")
    t.note("the same orphan again: the same document, nothing to import")
    t.vc("-c", "D", "checkpoint-import", "vm1", "orphan")
    t.note("a circular chain (x1 and x2 each the other's parent): libvirt makes x1 a root")
    write_loop(t, "circle")
    t.vc("-c", "D", "checkpoint-import", "vm1", "circle", "--json")
    t.vc("-c", "D", "checkpoint-list", "vm1", "--tree")
    t.note("--json carries the warnings, and nothing is printed on stderr")
    t.vc("-c", "B", "checkpoint-import", "vm1", "qemu/vm1", "--json")
    t.note("a directory with nothing to load")
    t.step("mkdir", "nothing")
    t.write("nothing/README", "no checkpoints here\n")
    t.vc("-c", "D", "checkpoint-import", "vm1", "nothing")


def write_loop(t, directory):
    """x1 and x2, each the other's parent."""
    for name, parent in (("x1", "x2"), ("x2", "x1")):
        t.write("%s/%s.xml" % (directory, name),
                "<domaincheckpoint>\n  <name>%s</name>\n  <parent>\n    <name>%s</name>\n"
                "  </parent>\n  <creationTime>1704067200</creationTime>\n"
                "</domaincheckpoint>\n" % (name, parent))


def case_import_order(t):
    """Loose checkpoint files without a manifest, named c.9 and c.10 (c.10 the older), given in
    no order and with file times in yet another: the parent graph orders them, the newest
    document defines the domain, and without recorded sizes there is no size check."""
    t.img("vda.qcow2", "1G")
    t.domain_xml("vm1.xml", "vm1", UUID1, (("vda", "vda.qcow2"),))
    t.vc("-c", "A", "define", "vm1.xml")
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c.10")
    t.img("vdb.qcow2", "1G")
    t.vc("-c", "A", "attach-disk", "vm1", t.path("vdb.qcow2"), "vdb", "--subdriver", "qcow2")
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c.9")
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c.11")
    t.vc("-c", "A", "checkpoint-list", "vm1", "--tree")
    for name in ("c.10", "c.9", "c.11"):
        t.write("loose/%s.xml" % name,
                t.quiet("-c", "A", "checkpoint-dumpxml", "vm1", name, "--security-info")[:-1])
    t.step("touch", "-d", "2020-01-01 00:00:00", "loose/c.11.xml")
    t.step("touch", "-d", "2021-01-01 00:00:00", "loose/c.9.xml")
    t.step("touch", "-d", "2022-01-01 00:00:00", "loose/c.10.xml")
    t.vc("-c", "B", "checkpoint-import", "vm1", "loose/c.11.xml", "loose/c.9.xml",
         "loose/c.10.xml")
    t.same_answers("A", "B", [
        ["checkpoint-list", "vm1", "--tree"], ["checkpoint-list", "vm1", "--parent"],
        ["checkpoint-list", "vm1", "--topological", "--name"],
        ["checkpoint-dumpxml", "vm1", "c.9", "--security-info"], ["domblklist", "vm1"]])
    t.note("the same files as a libvirt directory (read in name order: c.10, c.11, c.9)")
    t.vc("-c", "C", "checkpoint-import", "vm1", "loose")
    t.same_answers("A", "C", [["checkpoint-list", "vm1", "--tree"],
                                     ["checkpoint-list", "vm1", "--topological", "--name"]])
    t.note("no manifest, no recorded sizes: a resize of vda since c.9 is seen in A only")
    t.step("qemu-img", "resize", "-q", "vda.qcow2", "2G")
    t.vc("-c", "A", "backup-plan", "vm1", "--since", "c.9")
    t.vc("-c", "B", "backup-plan", "vm1", "--since", "c.9")
    t.note("a parent in neither the sources nor the store: an error naming the file")
    t.refused("D", "-c", "D", "checkpoint-import", "vm1", "loose/c.11.xml", "loose/c.10.xml")
    t.vc("-c", "D", "define", "vm1.xml")
    t.refused("D", "-c", "D", "checkpoint-import", "vm1", "loose/c.9.xml")
    t.note("into a store that has the parent")
    t.vc("-c", "D", "checkpoint-import", "vm1", "loose/c.10.xml")
    t.vc("-c", "D", "checkpoint-import", "vm1", "loose/c.9.xml")
    t.vc("-c", "D", "checkpoint-list", "vm1", "--tree")


def case_rename_domain(t):
    """--rename-domain: into a defined domain with another uuid, into an undefined domain of
    another name; without it, refused naming the file."""
    vm1(t)
    t.quiet("-c", "A", "checkpoint-create-as", "vm1", "c1")
    t.quiet("-c", "A", "checkpoint-create-as", "vm1", "c2")
    t.quiet("-c", "A", "checkpoint-export", "vm1", "ex")
    t.quiet("-c", "A", "checkpoint-export", "vm1", "nd", "--no-domain")
    t.note("vm2: the same disks, another name and uuid")
    t.write("vm2.xml", t.read("vm1.xml").replace("<name>vm1</name>", "<name>vm2</name>")
            .replace(UUID1, UUID2))
    t.vc("-c", "B", "define", "vm2.xml", "--bitmap-model", "delta", "--granularity", "131072")
    t.refused("B", "-c", "B", "checkpoint-import", "vm2", "ex")
    t.refused("B", "-c", "B", "checkpoint-import", "vm2", "ex/checkpoints/c1.xml")
    t.vc("-c", "B", "checkpoint-import", "vm2", "ex", "--rename-domain")
    t.vc("-c", "B", "checkpoint-dumpxml", "vm2", "c2", "--xpath", "/domaincheckpoint/domain/name"
         " | /domaincheckpoint/domain/uuid")
    t.vc("-c", "B", "checkpoint-list", "vm2", "--tree")
    t.note("documents without a <domain>: the manifest says whose export it is")
    t.vc("-c", "B2", "define", "vm2.xml", "--bitmap-model", "delta", "--granularity", "131072")
    t.refused("B2", "-c", "B2", "checkpoint-import", "vm2", "nd")
    t.vc("-c", "B2", "checkpoint-import", "vm2", "nd", "--rename-domain")
    t.note("a document that writes vm1's uuid in another form libvirt reads: the same uuid")
    t.write("upper/c1.xml", t.read("ex/checkpoints/c1.xml").replace(
        UUID1, UUID1.upper().replace("-", "")))
    t.vc("-c", "U", "define", "vm1.xml", "--bitmap-model", "delta", "--granularity", "131072")
    t.vc("-c", "U", "checkpoint-import", "vm1", "upper/c1.xml")
    t.vc("-c", "U", "checkpoint-dumpxml", "vm1", "c1", "--xpath", "/domaincheckpoint/domain/uuid")
    t.note("an undefined domain vm3: refused without --rename-domain; with it, defined from the "
           "manifest, renamed (the uuid stays where no domain has it)")
    t.refused("C", "-c", "C", "checkpoint-import", "vm3", "ex")
    t.vc("-c", "C", "checkpoint-import", "vm3", "ex", "--rename-domain")
    t.vc("-c", "C", "dumpxml", "vm3", "--xpath", "/domain/name | /domain/uuid")
    t.vc("-c", "C", "checkpoint-dumpxml", "vm3", "c1", "--xpath", "/domaincheckpoint/domain/name"
         " | /domaincheckpoint/domain/uuid")
    t.vc("-c", "C", "domain-set", "vm3")
    t.note("a copy of vm1 next to it in the same store: vm1's uuid is taken, vm1c gets another")
    t.store_hash("A")
    before = t.tree_hash("A/vm1")
    t.vc("-c", "A", "-q", "checkpoint-import", "vm1c", "ex", "--rename-domain")
    uuid_def = re.search(r"<uuid>(.*)</uuid>", t.quiet("-c", "A", "dumpxml", "vm1c")).group(1)
    docs = [re.search(r"<uuid>(.*)</uuid>", t.quiet("-c", "A", "checkpoint-dumpxml", "vm1c", c))
            .group(1) for c in ("c1", "c2")]
    t.check(uuid_def != UUID1 and docs == [uuid_def, uuid_def] and
            re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                         uuid_def) is not None,
            "vm1c has a new uuid of its own, and its checkpoints embed it")
    t.unchanged("A/vm1", before)
    t.vc("-c", "A", "list", "--all", "--name")


def case_force_and_settings(t):
    """A different document under an existing name: refused, --force replaces it. Other
    settings: refused, --force takes the export's (not a model change once there are
    checkpoints)."""
    vm1(t)
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c1", "--owner", "nightly")
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c2")
    t.quiet("-c", "A", "checkpoint-export", "vm1", "ex")
    t.note("store B: vm1 with the same settings, its own c1 (another description)")
    t.vc("-c", "B", "define", "vm1.xml", "--bitmap-model", "delta", "--granularity", "131072")
    t.vc("-c", "B", "checkpoint-create-as", "vm1", "c1", "mine")
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "ex")
    before = t.store_hash("B")
    t.vc("-c", "B", "checkpoint-import", "vm1", "ex", "--force", "--dry-run")
    t.vc("-c", "B", "checkpoint-import", "vm1", "ex", "--force", "--dry-run", "--json")
    t.unchanged("B", before)
    t.vc("-c", "B", "checkpoint-import", "vm1", "ex", "--force")
    t.same_answers("A", "B", [["checkpoint-list", "vm1", "--tree"],
                                     ["checkpoint-dumpxml", "vm1", "c1", "--security-info"],
                                     ["backup-plan", "vm1", "--since", "c1", "--json"]])
    t.note("store C: vm1 with the default settings (cumulative, 65536), no checkpoint")
    t.vc("-c", "C", "define", "vm1.xml")
    t.refused("C", "-c", "C", "checkpoint-import", "vm1", "ex")
    t.vc("-c", "C", "checkpoint-import", "vm1", "ex", "--force", "--dry-run")
    t.vc("-c", "C", "checkpoint-import", "vm1", "ex", "--force")
    t.vc("-c", "C", "domain-set", "vm1")
    t.same_answers("A", "C", [["domain-set", "vm1", "--json"],
                                     ["backup-plan", "vm1", "--since", "c1", "--json"]])
    t.note("store D: vm1 cumulative with a checkpoint: the model cannot change, even with --force")
    t.vc("-c", "D", "define", "vm1.xml")
    t.vc("-c", "D", "checkpoint-create-as", "vm1", "d1")
    t.refused("D", "-c", "D", "checkpoint-import", "vm1", "ex")
    t.refused("D", "-c", "D", "checkpoint-import", "vm1", "ex", "--force")
    t.note("store E: only the granularity differs, with a checkpoint: --force takes it")
    t.vc("-c", "E", "define", "vm1.xml", "--bitmap-model", "delta")
    t.vc("-c", "E", "checkpoint-create-as", "vm1", "e1")
    t.refused("E", "-c", "E", "checkpoint-import", "vm1", "ex")
    t.vc("-c", "E", "checkpoint-import", "vm1", "ex", "--force")
    t.vc("-c", "E", "checkpoint-list", "vm1", "--tree")
    t.vc("-c", "E", "domain-set", "vm1", "--json")
    t.note("sources without a manifest carry no settings: nothing to compare")
    t.vc("-c", "F", "define", "vm1.xml")
    t.vc("-c", "F", "checkpoint-import", "vm1", "ex/checkpoints/c1.xml", "ex/checkpoints/c2.xml")
    t.vc("-c", "F", "domain-set", "vm1", "--json")


def case_idempotent_dry_run(t):
    """Importing what is there: a no-op that says so. --dry-run (text and --json) prints what
    would be done and changes nothing; --owner; --json of a real import."""
    vm1(t)
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c1", "--owner", "nightly")
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c2")
    t.quiet("-c", "A", "checkpoint-export", "vm1", "ex")
    t.note("into the store it came from")
    before = t.store_hash("A")
    t.vc("-c", "A", "checkpoint-import", "vm1", "ex")
    t.vc("-c", "A", "checkpoint-import", "vm1", "ex", "--json")
    t.unchanged("A", before)
    t.note("a domain that has moved on since the export: still nothing to import")
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c3")
    before = t.store_hash("A")
    t.vc("-c", "A", "checkpoint-import", "vm1", "ex")
    t.unchanged("A", before)
    t.vc("-c", "A", "checkpoint-list", "vm1", "--tree")
    t.note("--dry-run into a store that does not exist: it is not made")
    t.vc("-c", "B", "checkpoint-import", "vm1", "ex", "--dry-run")
    t.vc("-c", "B", "checkpoint-import", "vm1", "ex", "--dry-run", "--json")
    t.check(not os.path.exists(t.path("B")), "store B was not made")
    t.note("--dry-run into a defined domain with one of the checkpoints")
    t.vc("-c", "C", "define", "vm1.xml", "--bitmap-model", "delta", "--granularity", "131072")
    t.quiet("-c", "C", "checkpoint-import", "vm1", "ex/checkpoints/c1.xml")
    before = t.store_hash("C")
    t.vc("-c", "C", "checkpoint-import", "vm1", "ex", "--dry-run")
    t.vc("-c", "C", "checkpoint-import", "vm1", "ex", "--dry-run", "--json")
    t.vc("-c", "C", "-r", "checkpoint-import", "vm1", "ex", "--dry-run")
    t.unchanged("C", before)
    t.vc("-c", "C", "checkpoint-import", "vm1", "ex", "--json")
    t.vc("-c", "C", "checkpoint-import", "vm1", "ex")
    t.note("the owner: --owner's for every checkpoint imported, else the manifest's; a loose "
           "file carries none (C's c1 came as one, and is the same document)")
    t.vc("-c", "C", "checkpoint-list", "vm1", "--tree")
    t.vc("-c", "D", "checkpoint-import", "vm1", "ex", "--owner", "ops")
    t.vc("-c", "D", "checkpoint-list", "vm1", "--tree")
    t.vc("-c", "E", "checkpoint-import", "vm1", "ex/checkpoints/c1.xml")
    t.vc("-c", "E", "checkpoint-list", "vm1", "--tree")
    t.refused("F", "-c", "F", "checkpoint-import", "vm1", "ex", "--owner", "bad\nowner")


def case_import_errors(t):
    """Every error of checkpoint-import names what is wrong and leaves the store byte for byte
    as it was."""
    vm1(t)
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c1")
    t.vc("-c", "A", "checkpoint-create-as", "vm1", "c2")
    t.quiet("-c", "A", "checkpoint-export", "vm1", "ex")
    t.quiet("-c", "A", "checkpoint-export", "vm1", "nd", "--no-domain")
    t.note("store B: vm1 without vdb, one checkpoint of its own")
    t.domain_xml("vda-only.xml", "vm1", UUID1, (("vda", "vda.qcow2"),))
    t.vc("-c", "B", "define", "vda-only.xml", "--bitmap-model", "delta", "--granularity",
         "131072")
    t.vc("-c", "B", "checkpoint-create-as", "vm1", "b1")
    t.note("--redefine-validate: c1 names vdb, which vm1 of B lacks (as checkpoint-create says)")
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "ex", "--redefine-validate")
    t.vc("-c", "B", "checkpoint-create", "vm1", "ex/checkpoints/c1.xml", "--redefine",
         "--redefine-validate")
    t.note("a domain that is not defined, and sources without a definition")
    t.refused("C", "-c", "C", "checkpoint-import", "vm1", "nd/checkpoints/c1.xml",
              "nd/checkpoints/c2.xml")
    t.check(not os.path.exists(t.path("C")), "store C was not made")
    t.note("a source that does not exist, and one that is no checkpoint document")
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "ex", "no/such/file")
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "vm1.xml")
    t.write("bad.xml", "<domaincheckpoint>\n  <name>c9</name>\n  <bogus/>\n</domaincheckpoint>\n")
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "bad.xml")
    t.vc("-c", "B", "checkpoint-create", "vm1", "bad.xml", "--redefine")
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "ex/manifest.xml")
    t.note("a manifest entry whose file is outside the export directory")
    t.step("cp", "-r", "ex", "escape")
    t.write("escape/manifest.xml", t.read("escape/manifest.xml").replace(
        "file='checkpoints/c1.xml'", "file='../c1.xml'"))
    t.step("cp", "ex/checkpoints/c1.xml", "c1.xml")
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "escape")
    t.note("a document that is not the one its manifest names (its checksum)")
    t.step("cp", "-r", "ex", "changed")
    t.write("changed/checkpoints/c2.xml", t.read("changed/checkpoints/c2.xml").replace(
        "<creationTime>1704067200</creationTime>", "<creationTime>1704067201</creationTime>"))
    t.refused("D", "-c", "D", "checkpoint-import", "vm1", "changed")
    t.check(not os.path.exists(t.path("D")), "store D was not made")
    t.note("a manifest that names a file that is missing")
    t.step("cp", "-r", "ex", "missing")
    t.step("rm", "missing/checkpoints/c1.xml")
    t.refused("D", "-c", "D", "checkpoint-import", "vm1", "missing")
    t.note("a second export (directory or bundle), and two versions of one checkpoint")
    t.write("vm1.bundle", t.quiet("-c", "A", "checkpoint-export", "vm1", "-"))
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "ex", "nd", "--force")
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "vm1.bundle", "ex", "--force")
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "ex", "nd/checkpoints/c1.xml",
              "--force")
    t.note("two documents that are each other's parent")
    write_loop(t, "loop")
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "loop/x1.xml", "loop/x2.xml")
    t.note("a document without its creationTime (as checkpoint-create --redefine says)")
    t.write("notime.xml", "<domaincheckpoint>\n  <name>x3</name>\n</domaincheckpoint>\n")
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "notime.xml")
    t.vc("-c", "B", "checkpoint-create", "vm1", "notime.xml", "--redefine")
    t.note("a read-only connection: refused, except --dry-run")
    t.refused("B", "-c", "B", "-r", "checkpoint-import", "vm1", "ex", "--force")
    t.vc("-c", "B", "-r", "checkpoint-import", "vm1", "ex", "--force", "--dry-run")
    t.note("a pending backup job in the domain")
    t.vc("-c", "B", "backup-begin", "vm1", "--checkpoint", "b2")
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "ex", "--force")
    t.refused("B", "-c", "B", "checkpoint-import", "vm1", "ex", "--force", "--dry-run")
    t.vc("-c", "B", "backup-end", "vm1", "--abort")
    t.note("all or nothing: after all that, B has only its own checkpoint")
    t.vc("-c", "B", "checkpoint-list", "vm1", "--tree")


CASES = {
    "export-layout": case_export_layout,
    "export-flags": case_export_flags,
    "export-replace": case_export_replace,
    "export-refused": case_export_refused,
    "libvirt-layout": case_libvirt_layout,
    "bundle-pipe": case_bundle_pipe,
    "libvirt-import": case_libvirt_import,
    "import-order": case_import_order,
    "rename-domain": case_rename_domain,
    "force-and-settings": case_force_and_settings,
    "idempotent-dry-run": case_idempotent_dry_run,
    "import-errors": case_import_errors,
}

FAKETIME_LIB = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1") +
                      glob.glob("/usr/lib/faketime/libfaketime.so.1"))


def run_case(name, virtckpt, source_root, faketime_env):
    tmp = tempfile.mkdtemp(prefix="virtckpt-exchange.", dir="/tmp")
    try:
        t = Case(name, virtckpt, source_root, tmp, faketime_env)
        t.note(CASES[name].__doc__.strip().replace("\n    ", "\n# "))
        try:
            CASES[name](t)
        except Failed as e:
            print("ERROR: %s: %s" % (name, e))
            return 99
        got = "\n".join(t.lines) + "\n"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if os.environ.get("VIRTCKPT_EXCHANGE_GOT"):
        with open(os.path.join(os.environ["VIRTCKPT_EXCHANGE_GOT"], name + ".txt"), "w",
                  encoding="utf-8", errors="surrogateescape") as f:
            f.write(got)
    golden = os.path.join(GOLDEN_DIR, name + ".txt")
    failed = False
    if not os.path.exists(golden):
        print("FAIL: %s: no golden file golden/%s.txt; the transcript is:\n%s" % (name, name, got))
        failed = True
    else:
        with open(golden, encoding="utf-8", errors="surrogateescape") as f:
            want = f.read()
        if want != got:
            print("FAIL: %s: the transcript differs from golden/%s.txt:" % (name, name))
            for line in difflib.unified_diff(want.split("\n"), got.split("\n"), "golden",
                                             "got", lineterm=""):
                print("  " + line)
            failed = True
    for what in t.failures:
        print("FAIL: %s: %s" % (name, what))
        failed = True
    if not failed:
        print("PASS: %s (%d checks)" % (name, sum(1 for l in t.lines if l.startswith("# ok: "))))
    return 1 if failed else 0


def check_list(listed):
    """meson.build lists every case once, in this file's order, and every golden file is a
    case's."""
    problems = []
    if listed != list(CASES):
        problems.append("tests/exchange/meson.build lists %s; the cases are %s" % (
            " ".join(listed), " ".join(CASES)))
    goldens = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(GOLDEN_DIR,
                                                                             "*.txt")))
    for name in goldens:
        if name not in CASES:
            problems.append("golden/%s.txt belongs to no case" % name)
    for name in CASES:
        if name not in goldens:
            problems.append("case %s has no golden/%s.txt" % (name, name))
    for problem in problems:
        print("FAIL: " + problem)
    if not problems:
        print("PASS: %d cases, each listed in meson.build and with its golden file" % len(CASES))
    return 1 if problems else 0


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(CASES))
        return 0
    if sys.argv[1:2] == ["--check-list"]:
        return check_list(sys.argv[2:])
    if len(sys.argv) < 4:
        print("usage: exchange_test.py VIRTCKPT SOURCE_ROOT CASE... | --list")
        return 99
    virtckpt = os.path.abspath(sys.argv[1])
    source_root = os.path.abspath(sys.argv[2])
    names = sys.argv[3:]
    unknown = [n for n in names if n not in CASES]
    if unknown:
        print("ERROR: unknown case(s): %s" % ", ".join(unknown))
        return 99
    for tool, package in (("qemu-img", "qemu-utils"), ("xmllint", "libxml2-utils")):
        if not shutil.which(tool):
            print("SKIP: %s not found (Debian package %s)" % (tool, package))
            return 77
    if not FAKETIME_LIB:
        print("SKIP: libfaketime not found (Debian package faketime)")
        return 77
    sys.path.insert(0, os.path.join(source_root, "tests"))
    from faketime_holder import FaketimeHolder  # pylint: disable=import-outside-toplevel
    if FaketimeHolder.missing():
        print("SKIP: " + FaketimeHolder.missing())
        return 77
    status = 0
    with FaketimeHolder() as holder:
        for name in names:
            status = max(status, run_case(name, virtckpt, source_root, holder.env))
    return status


if __name__ == "__main__":
    sys.exit(main())
