#!/usr/bin/env python3
"""`virtckpt validate` against libvirt's `virt-xml-validate FILE TYPE`, document by document.

The documents: every checkpoint, domain and domainbackup document the project has
(xml-examples/, tests/data/checkpoint/ with libvirt's conformance copies, tests/differential/xml/,
the <domainbackup> documents backup-plan --xml and backup-begin --xml print in
tests/walker/golden/, the hand-written ones of tests/data/domainbackup/), libvirt's conformance
documents in ../shared/conformance/libvirt/ when ../shared is there, and broken variants made
here from some of them (a missing required element, a bad attribute value, an unknown element,
bad checkpoint names and uuids, server addresses of pull mode, ...).

Each is given to virt-xml-validate with its type (domaincheckpoint, domain, domainbackup: the
root element's, or for a document without a usable root the type of the folder it is in) and to
`virtckpt validate --json --type TYPE`, twice:
  - with libvirt's schemas (VIRTCKPT_LIBVIRT_SCHEMA_DIR = the directory virt-xml-validate reads):
    every verdict must be identical;
  - without them (VIRTCKPT_LIBVIRT_SCHEMA_DIR=""): checkpoint and domainbackup verdicts must be
    identical, except for a checkpoint whose embedded <domain> only libvirt's domain.rng refuses
    (the first pass says so); domain verdicts are counted, virtckpt's domain.rng checks less.
A document with a DOCTYPE is refused by virtckpt's parser whatever its content (no DTDs, no
entities) and is not compared; the test checks that refusal and counts it. The auto-detected
type (validate without --type) must be the one given to virt-xml-validate, with the same verdict.

Usage: validate_test.py VIRTCKPT SOURCE_ROOT DEFAULT_LIBVIRT_SCHEMA_DIR
Exit status 0 pass, 1 fail, 77 skipped: virt-xml-validate, xmllint or libvirt's schemas
missing, which fails instead in a CI run (VIRTCKPT_CI=1). Without ../shared that part is left
out, with a line saying so.
"""

import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

VIRTCKPT = os.path.abspath(sys.argv[1])
SOURCE_ROOT = os.path.abspath(sys.argv[2])
DEFAULT_LIBVIRT_DIR = sys.argv[3]
SHARED = os.path.join(os.path.dirname(SOURCE_ROOT), "shared")
TYPES = {"domaincheckpoint": "checkpoint", "domain": "domain", "domainbackup": "domainbackup"}

failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message)


def missing_prerequisite():
    for program, package in (("virt-xml-validate", "libvirt-clients"),
                             ("xmllint", "libxml2-utils")):
        if not shutil.which(program):
            return "%s (package %s) is not installed" % (program, package)
    return None


def libvirt_schema_dir():
    """The directory virt-xml-validate reads its schemas from (a shell script naming it)."""
    with open(shutil.which("virt-xml-validate"), encoding="utf-8", errors="replace") as f:
        m = re.search(r'SCHEMA="([^"$]+)/\$\{?TYPE\}?\.rng"', f.read())
    return m.group(1) if m else "/usr/share/libvirt/schemas"


def stop(reason):
    if os.environ.get("VIRTCKPT_CI") == "1":
        print("FAIL: %s: a CI run must compare with libvirt's validator" % reason)
        sys.exit(1)
    print("SKIP: %s; validate not compared with virt-xml-validate" % reason)
    sys.exit(77)


ROOT = re.compile(r"^(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*(?:\[.*?\])?\s*>)*<([A-Za-z_][\w.:-]*)",
                  re.S)


def root_of(text):
    m = ROOT.match(text)
    return m.group(1) if m else None


def read(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read()


TEXTS = {}  # path: text of every document, kept after the temporary ones are removed


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    TEXTS[path] = text


def listed(folder):
    path = os.path.join(SOURCE_ROOT, folder)
    return [os.path.join(path, n) for n in sorted(os.listdir(path)) if n.endswith(".xml")]


def corpus():
    """(path, virt-xml-validate type) of every document, by folder; the count of each folder."""
    folders = [
        ("xml-examples", "domaincheckpoint"),
        ("tests/data/checkpoint/in", "domaincheckpoint"),
        ("tests/data/checkpoint/out", "domaincheckpoint"),
        ("tests/data/checkpoint/invalid", "domaincheckpoint"),
        ("tests/data/checkpoint/libvirt/qemudomaincheckpointxml2xmlin", "domaincheckpoint"),
        ("tests/data/checkpoint/libvirt/qemudomaincheckpointxml2xmlout", "domaincheckpoint"),
        ("tests/differential/xml", "domaincheckpoint"),
        ("tests/walker/golden", "domainbackup"),
        ("tests/data/domainbackup", "domainbackup"),
    ]
    shared = os.path.join(SHARED, "conformance", "libvirt")
    if os.path.isdir(shared):
        for name in sorted(os.listdir(shared)):
            if os.path.isdir(os.path.join(shared, name)):
                folders.append((os.path.join(shared, name), "domaincheckpoint"))
    else:
        print("SKIP: ../shared is absent (libvirt's conformance documents in "
              "../shared/conformance/libvirt are not compared; the copies in "
              "tests/data/checkpoint/libvirt are)")
    documents = []
    for folder, fallback in folders:
        paths = listed(folder)
        if not paths:
            fail("%s holds no documents" % folder)
        for path in paths:
            root = root_of(read(path))
            documents.append((path, root if root in TYPES else fallback))
            TEXTS[path] = read(path)
            if folder == "tests/data/domainbackup":
                EXPECTED[path] = os.path.basename(path).startswith("valid-")
        print("%s: %d documents" % (os.path.relpath(folder, SOURCE_ROOT), len(paths)))
    return documents


# Broken variants: (name, verdict, base document, type, [(old, new), ...]): each replacement
# must change the text, which is then one document of the corpus, and libvirt's verdict on it
# must be the one given (so that no variant is broken by accident, or not at all). Replacing ""
# inserts after the root's start tag.
VALID, INVALID = True, False
CHECKPOINT = "xml-examples/checkpoint-redefine.xml"
CREATE = "xml-examples/checkpoint-create.xml"
SINGLE = "xml-examples/domain-single.xml"
MULTI = "xml-examples/domain-multi.xml"
PUSH = "tests/walker/golden/02-cumulative.since-c1.xml"
PULL = "tests/walker/golden/01-no-since.pull.xml"


def name_change(value):
    return [("<name>nightly-2024-01-01</name>", "<name>%s</name>" % value)]


VARIANTS = [
    # checkpoint documents
    ("c-unknown-element", INVALID, CHECKPOINT, "domaincheckpoint", [("", "\n  <bogus/>")]),
    ("c-unknown-root-attribute", INVALID, CHECKPOINT, "domaincheckpoint",
     [("<domaincheckpoint>", "<domaincheckpoint version='1'>")]),
    ("c-name-leading-dot", INVALID, CHECKPOINT, "domaincheckpoint", name_change(".hidden")),
    ("c-name-slash", INVALID, CHECKPOINT, "domaincheckpoint", name_change("a/b")),
    ("c-name-space", INVALID, CHECKPOINT, "domaincheckpoint", name_change("two words")),
    ("c-name-empty", INVALID, CHECKPOINT, "domaincheckpoint", name_change("")),
    ("c-name-unicode", INVALID, CHECKPOINT, "domaincheckpoint", name_change("caf\u00e9")),
    ("c-name-dash-dot", VALID, CHECKPOINT, "domaincheckpoint", name_change("-a.b_c")),
    ("c-name-twice", INVALID, CHECKPOINT, "domaincheckpoint",
     [("<name>nightly-2024-01-01</name>", "<name>a</name>\n  <name>b</name>")]),
    ("c-parent-bad-name", INVALID, CHECKPOINT, "domaincheckpoint",
     [("<name>weekly-2023-12-25</name>", "<name>../weekly</name>")]),
    ("c-parent-no-name", INVALID, CHECKPOINT, "domaincheckpoint",
     [("    <name>weekly-2023-12-25</name>\n", "")]),
    ("c-creation-negative", INVALID, CHECKPOINT, "domaincheckpoint",
     [("<creationTime>1704067200</creationTime>", "<creationTime>-1</creationTime>")]),
    ("c-creation-text", INVALID, CHECKPOINT, "domaincheckpoint",
     [("<creationTime>1704067200</creationTime>", "<creationTime>yesterday</creationTime>")]),
    ("c-description-element", INVALID, CHECKPOINT, "domaincheckpoint",
     [("<description>Base", "<description><b>Base</b>")]),
    ("c-disks-empty", INVALID, CHECKPOINT, "domaincheckpoint",
     [(re.compile(r"<disks>.*?</disks>", re.S), "<disks/>")]),
    ("c-disk-no-name", INVALID, CHECKPOINT, "domaincheckpoint",
     [("<disk name='vdc' checkpoint='no'/>", "<disk checkpoint='no'/>")]),
    ("c-disk-relative-path", INVALID, CHECKPOINT, "domaincheckpoint",
     [("<disk name='vdc' checkpoint='no'/>", "<disk name='images/vdc.img' checkpoint='no'/>")]),
    ("c-disk-absolute-path", VALID, CHECKPOINT, "domaincheckpoint",
     [("<disk name='vdc' checkpoint='no'/>",
       "<disk name='/var/lib/libvirt/images/multi-vdc.img' checkpoint='no'/>")]),
    ("c-disk-checkpoint-maybe", INVALID, CHECKPOINT, "domaincheckpoint",
     [("<disk name='vdc' checkpoint='no'/>", "<disk name='vdc' checkpoint='maybe'/>")]),
    ("c-disk-no-with-bitmap", INVALID, CHECKPOINT, "domaincheckpoint",
     [("<disk name='vdc' checkpoint='no'/>", "<disk name='vdc' checkpoint='no' bitmap='x'/>")]),
    ("c-disk-size", VALID, CREATE, "domaincheckpoint",
     [("checkpoint='bitmap'", "checkpoint='bitmap' size='1048576'")]),
    ("c-disk-size-negative", INVALID, CREATE, "domaincheckpoint",
     [("checkpoint='bitmap'", "checkpoint='bitmap' size='-1'")]),
    ("c-disk-unknown-attribute", INVALID, CREATE, "domaincheckpoint",
     [("checkpoint='bitmap'", "checkpoint='bitmap' type='file'")]),
    ("c-disk-child", INVALID, CREATE, "domaincheckpoint",
     [(re.compile(r"(<disk name='vda'[^>]*)/>"), r"\1><source file='/x'/></disk>")]),
    # the <domain> a checkpoint embeds
    ("c-domain-bad-uuid", INVALID, CHECKPOINT, "domaincheckpoint",
     [(re.compile(r"<uuid>[^<]*</uuid>"), "<uuid>not-a-uuid</uuid>")]),
    ("c-domain-no-name", INVALID, CHECKPOINT, "domaincheckpoint", [("    <name>multi</name>\n", "")]),
    ("c-domain-unknown-element", INVALID, CHECKPOINT, "domaincheckpoint",
     [("    <name>multi</name>\n", "    <name>multi</name>\n    <bogus/>\n")]),
    ("c-domain-bad-type", INVALID, CHECKPOINT, "domaincheckpoint",
     [("<domain type='test'>", "<domain type='bogus'>")]),
    ("c-domain-no-memory", VALID, CHECKPOINT, "domaincheckpoint",
     [(re.compile(r"    <memory [^\n]*\n"), "")]),
    ("c-domain-disk-no-target", INVALID, CHECKPOINT, "domaincheckpoint",
     [(re.compile(r"\n *<target dev='vdb'[^\n]*"), "")]),
    ("c-two-domains", INVALID, CHECKPOINT, "domaincheckpoint",
     [("</domaincheckpoint>", "<domain type='test'><name>x</name></domain>\n</domaincheckpoint>")]),
    # domain documents
    ("d-no-name", INVALID, SINGLE, "domain", [("  <name>single</name>\n", "")]),
    ("d-name-slash", VALID, SINGLE, "domain", [("<name>single</name>", "<name>a/b</name>")]),
    ("d-bad-uuid", INVALID, SINGLE, "domain",
     [(re.compile(r"<uuid>[^<]*</uuid>"), "<uuid>0b0a6a2c-5c4e-4d8e-9a77</uuid>")]),
    ("d-uuid-undashed", VALID, SINGLE, "domain",
     [(re.compile(r"<uuid>[^<]*</uuid>"), "<uuid>0b0a6a2c5c4e4d8e9a771f3e2d4c5b6a</uuid>")]),
    ("d-uuid-upper", VALID, SINGLE, "domain",
     [(re.compile(r"<uuid>[^<]*</uuid>"), "<uuid>0B0A6A2C-5C4E-4D8E-9A77-1F3E2D4C5B6A</uuid>")]),
    ("d-unknown-element", INVALID, SINGLE, "domain", [("", "\n  <bogus/>")]),
    ("d-bad-type", INVALID, SINGLE, "domain", [("<domain type='test'>", "<domain type='bogus'>")]),
    ("d-no-type", INVALID, SINGLE, "domain", [("<domain type='test'>", "<domain>")]),
    ("d-no-os", VALID, SINGLE, "domain", [(re.compile(r"  <os>.*?</os>\n", re.S), "")]),
    ("d-no-memory", VALID, SINGLE, "domain", [(re.compile(r"  <memory [^\n]*\n"), "")]),
    ("d-bad-memory-unit", INVALID, SINGLE, "domain", [("<memory unit='KiB'>", "<memory unit='bogus'>")]),
    ("d-bad-on-poweroff", INVALID, SINGLE, "domain",
     [("<on_poweroff>destroy</on_poweroff>", "<on_poweroff>explode</on_poweroff>")]),
    ("d-disk-no-target", INVALID, SINGLE, "domain", [(re.compile(r"\n *<target dev='vda'[^\n]*"), "")]),
    ("d-disk-bad-target", INVALID, SINGLE, "domain", [("<target dev='vda'", "<target dev='xyz'")]),
    ("d-disk-bad-bus", INVALID, SINGLE, "domain", [("bus='virtio'", "bus='parallel'")]),
    ("d-disk-unknown-attribute", INVALID, MULTI, "domain",
     [("<disk type='file' device='disk'>", "<disk type='file' device='disk' speed='fast'>")]),
    ("d-two-names", INVALID, MULTI, "domain",
     [("<name>multi</name>", "<name>multi</name>\n  <name>other</name>")]),
    # domainbackup documents
    ("b-mode-bad", INVALID, PUSH, "domainbackup", [("mode='push'", "mode='sideways'")]),
    ("b-mode-pull-no-server", INVALID, PUSH, "domainbackup", [("mode='push'", "mode='pull'")]),
    ("b-unknown-element", INVALID, PUSH, "domainbackup", [("", "\n  <bogus/>")]),
    ("b-unknown-attribute", INVALID, PUSH, "domainbackup", [("mode='push'", "mode='push' name='x'")]),
    ("b-backupmode-bad", INVALID, PUSH, "domainbackup", [("backupmode='incremental'", "backupmode='diff'")]),
    ("b-backup-maybe", INVALID, PUSH, "domainbackup", [("backup='yes'", "backup='maybe'")]),
    ("b-type-network", INVALID, PUSH, "domainbackup", [("type='file'", "type='network'")]),
    ("b-no-type", INVALID, PUSH, "domainbackup", [(" type='file'", "")]),
    ("b-disk-no-name", INVALID, PUSH, "domainbackup", [("name='vda' ", "")]),
    ("b-disk-bad-name", INVALID, PUSH, "domainbackup", [("name='vda'", "name='disk0'")]),
    ("b-no-with-mode", VALID, PUSH, "domainbackup",
     [("backup='yes' type='file' backupmode='incremental' incremental='c1'",
       "backup='no' backupmode='incremental' incremental='c1'")]),
    ("b-no-with-type", INVALID, PUSH, "domainbackup",
     [("backup='yes' type='file' backupmode='incremental' incremental='c1'",
       "backup='no' type='file'")]),
    ("b-full-with-incremental", INVALID, PUSH, "domainbackup",
     [("backupmode='incremental' incremental='c1'", "backupmode='full' incremental='c1'")]),
    ("b-incremental-attribute-only", VALID, PUSH, "domainbackup",
     [("backupmode='incremental' incremental='c1'", "incremental='c1'")]),
    ("b-incremental-child", INVALID, PUSH, "domainbackup",
     [("<incremental>c1</incremental>", "<incremental><name>c1</name></incremental>")]),
    ("b-no-disks", VALID, PUSH, "domainbackup", [(re.compile(r"  <disks>.*?</disks>\n", re.S), "")]),
    ("b-push-exportname", INVALID, PUSH, "domainbackup",
     [("incremental='c1'/>", "incremental='c1' exportname='vda'/>")]),
    ("b-push-target-relative", INVALID, PUSH, "domainbackup",
     [(re.compile(r"(<disk name='vda'[^>]*)/>"), r"\1><target file='vda.qcow2'/></disk>")]),
    ("b-push-target-dev-for-file", INVALID, PUSH, "domainbackup",
     [(re.compile(r"(<disk name='vda'[^>]*)/>"), r"\1><target dev='/dev/sdz'/></disk>")]),
    ("b-push-driver-bad", INVALID, PUSH, "domainbackup",
     [(re.compile(r"(<disk name='vda'[^>]*)/>"), r"\1><driver type='qcow3'/></disk>")]),
    ("b-push-driver-vmdk", VALID, PUSH, "domainbackup",
     [(re.compile(r"(<disk name='vda'[^>]*)/>"), r"\1><driver type='vmdk'/></disk>")]),
    ("b-pull-no-server", INVALID, PULL, "domainbackup", [(re.compile(r"  <server [^\n]*\n"), "")]),
    ("b-pull-socket-relative", INVALID, PULL, "domainbackup", [("socket='/run/x.sock'", "socket='x.sock'")]),
    ("b-pull-unix-no-socket", INVALID, PULL, "domainbackup", [(" socket='/run/x.sock'", "")]),
    ("b-pull-tcp-with-socket", INVALID, PULL, "domainbackup",
     [("transport='unix'", "transport='tcp'")]),
    ("b-pull-tls-maybe", INVALID, PULL, "domainbackup", [("transport='unix'", "transport='unix' tls='maybe'")]),
    ("b-pull-tls-yes", VALID, PULL, "domainbackup", [("transport='unix'", "transport='unix' tls='yes'")]),
    ("b-pull-two-servers", INVALID, PULL, "domainbackup",
     [(re.compile(r"(  <server [^\n]*\n)"), r"\1\1")]),
    ("b-pull-exportbitmap", VALID, PULL, "domainbackup",
     [("name='sda' backup='yes' type='file' backupmode='full'",
       "name='sda' backup='yes' type='file' backupmode='full' exportname='a' exportbitmap='b'")]),
    ("b-pull-scratch-raw", INVALID, PULL, "domainbackup",
     [(re.compile(r"(<disk name='vda'[^>]*)/>"),
       r"\1><scratch file='/s/vda.qcow2'/><driver type='raw'/></disk>")]),
    ("b-pull-scratch-qcow2", VALID, PULL, "domainbackup",
     [(re.compile(r"(<disk name='vda'[^>]*)/>"),
       r"\1><scratch file='/s/vda.qcow2'/><driver type='qcow2'/></disk>")]),
    ("b-pull-target", INVALID, PULL, "domainbackup",
     [(re.compile(r"(<disk name='vda'[^>]*)/>"), r"\1><target file='/s/vda.qcow2'/></disk>")]),
    ("b-pull-block-without-scratch", INVALID, PULL, "domainbackup",
     [("name='vda' backup='yes' type='file'", "name='vda' backup='yes' type='block'")]),
    ("b-pull-no-type-backup-yes", INVALID, PULL, "domainbackup",
     [("name='vda' backup='yes' type='file'", "name='vda' backup='yes'")]),
]

# pull mode over TCP, the server named by each of these (host names, IPv4 and IPv6 forms)
ADDRESSES = [
    "localhost", "backup.example.org", "10.0.0.1", "256.1.1.1", "a_b", "exa mple", "::", "::1",
    "fe80::1", "fe80::1:2:3:4:5:6", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "1::2:3:4:5:6:7",
    "1:2:3:4:5:6::7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::1", "::ffff:10.0.0.1",
    "::ffff:256.0.0.1", ":10.0.0.1", "1:2:3:4:5:6:10.0.0.1", "1:2:3:4:5::10.0.0.1",
    "1::2:10.0.0.1", "::1:2:3:4:5:10.0.0.1", "::1:2:3:4:5:6:10.0.0.1", "1:2:3:4:5:6:7:10.0.0.1",
    "FE80::ABCD", "fe80::g", "1:2:3:4:5:6:7", "::1:2:3:4:5:6:7", "::1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8::", "1:2:3:4:5:6:010.0.0.1",
    # what libxml2 makes of libvirt's expression (see domainbackup.rng)
    "12345::1", "123456::1", "12345:1::1", "1:23456::1", "x12345::1", "12345::", "g::1",
]
PORTS = ["0", "10809", "65536", "4294967295", "4294967296", "-1", "0x10", ""]


EXPECTED = {}  # path: the verdict a variant or a hand-written document must get


def make_variants(tmp):
    documents = []
    for name, verdict, base, kind, replacements in VARIANTS:
        text = read(os.path.join(SOURCE_ROOT, base))
        for old, new in replacements:
            if old == "":
                end = text.index(">") + 1
                changed = text[:end] + new + text[end:]
            elif isinstance(old, str):
                changed = text.replace(old, new, 1)
            else:
                changed = old.sub(new, text, count=1)
            if changed == text:
                fail("variant %s: %r does not change %s" % (name, old, base))
            text = changed
        path = os.path.join(tmp, name + ".xml")
        write(path, text)
        documents.append((path, kind))
        EXPECTED[path] = verdict
    pull = read(os.path.join(SOURCE_ROOT, PULL))
    server = re.search(r"  <server [^\n]*\n", pull).group(0)
    for i, address in enumerate(ADDRESSES):
        text = pull.replace(server, "  <server name='%s' port='10809'/>\n" % address)
        path = os.path.join(tmp, "b-address-%02d.xml" % i)
        write(path, text)
        documents.append((path, "domainbackup"))
    for i, port in enumerate(PORTS):
        text = pull.replace(server, "  <server transport='tcp' name='localhost' port='%s'/>\n" % port)
        path = os.path.join(tmp, "b-port-%02d.xml" % i)
        write(path, text)
        documents.append((path, "domainbackup"))
    print("broken and edge variants: %d documents" % len(documents))
    return documents


def virt_xml_validate(document):
    """virt-xml-validate FILE TYPE: (valid, output)."""
    path, kind = document
    proc = subprocess.run(["virt-xml-validate", path, kind], capture_output=True, text=True,
                          errors="replace", check=False)
    out = proc.stdout + proc.stderr
    valid = proc.returncode == 0 and out == path + " validates\n"
    if proc.returncode == 0 and not valid:
        fail("virt-xml-validate %s %s: exit status 0 but %r" % (path, kind, out))
    return valid, out


def libvirt_verdicts(documents, libvirt_dir):
    """virt-xml-validate's verdict on each document: (valid, output).

    virt-xml-validate FILE TYPE runs `xmllint --noout --relaxng DIR/TYPE.rng FILE`; one xmllint
    per type, given all the files of that type, parses libvirt's schema once instead of once a
    file (each parse takes about as long as all the validations). virt-xml-validate itself runs
    on a sample (every eighth document, and the first three valid and invalid ones of each type),
    in parallel, and must agree with the batch on every one."""
    results = [None] * len(documents)
    by_kind = {}
    for i, (_, kind) in enumerate(documents):
        by_kind.setdefault(kind, []).append(i)
    for kind, indexes in by_kind.items():
        proc = subprocess.run(["xmllint", "--noout", "--relaxng",
                               os.path.join(libvirt_dir, kind + ".rng")] +
                              [documents[i][0] for i in indexes],
                              capture_output=True, text=True, errors="replace", check=False)
        lines = proc.stderr.splitlines()
        valid = {line[:-len(" validates")] for line in lines if line.endswith(" validates")}
        for i in indexes:
            path = documents[i][0]
            said = [line for line in lines if line.startswith(path + ":") or
                    line == path + " fails to validate"]
            results[i] = (path in valid, "\n".join(said))
    sample = set(range(0, len(documents), 8))
    for kind, indexes in by_kind.items():
        for verdict in (True, False):
            sample.update([i for i in indexes if results[i][0] == verdict][:3])
    sample = sorted(sample)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        checked = list(pool.map(virt_xml_validate, [documents[i] for i in sample]))
    for i, (valid, out) in zip(sample, checked):
        if valid != results[i][0]:
            fail("%s: virt-xml-validate says %s, xmllint with libvirt's %s.rng %s:\n%s" % (
                documents[i][0], valid, documents[i][1], results[i][0], out))
    print("virt-xml-validate run on %d of the %d documents: the same verdicts as the batch" % (
        len(sample), len(documents)))
    return results


def our_verdicts(documents, env, given_type=True):
    """virtckpt validate --json [--type T] for each, one process per type: file entries."""
    by_kind = {}
    for i, (path, kind) in enumerate(documents):
        by_kind.setdefault(kind, []).append(i)
    results = [None] * len(documents)
    for kind, indexes in by_kind.items():
        args = [VIRTCKPT, "validate", "--json"]
        if given_type:
            args += ["--type", TYPES[kind]]
        proc = subprocess.run(args + ["--"] + [documents[i][0] for i in indexes],
                              capture_output=True, text=True, env=env, check=False)
        try:
            report = json.loads(proc.stdout)
        except ValueError:
            fail("%s: not JSON: %r %r" % (" ".join(args), proc.stdout[:300], proc.stderr[:300]))
            continue
        if proc.stderr or proc.returncode != (0 if report["valid"] else 1):
            fail("%s: exit %d, stderr %r" % (" ".join(args), proc.returncode, proc.stderr[:300]))
        for i, entry in zip(indexes, report["files"]):
            if entry["file"] != documents[i][0]:
                fail("validate reported %s for %s" % (entry["file"], documents[i][0]))
            results[i] = entry
    return results


def doctype_refusal(path, entry):
    """Whether validate refused the document for its DOCTYPE, as its parser must."""
    return (not entry["valid"] and len(entry["errors"]) == 1 and
            re.fullmatch(re.escape(path) + r":\d+: DOCTYPE declarations are not allowed "
                         r"\(no DTDs, no entities\)", entry["errors"][0]) is not None)


def describe(path, kind, theirs, ours):
    return ("%s (%s): virt-xml-validate says %s, validate says %s\n  virt-xml-validate: %s\n"
            "  validate: %s" % (path, kind, "valid" if theirs[0] else "invalid",
                                "valid" if ours["valid"] else "invalid", theirs[1].strip(),
                                " | ".join(ours["errors"])))


def main():
    missing = missing_prerequisite()
    if missing:
        stop(missing)
    libvirt_dir = libvirt_schema_dir()
    for kind in TYPES:
        if not os.path.isfile(os.path.join(libvirt_dir, kind + ".rng")):
            stop("libvirt's %s/%s.rng is missing (package libvirt0)" % (libvirt_dir, kind))
    base_env = dict(os.environ)
    base_env.pop("VIRTCKPT_ROOT", None)
    with_libvirt = dict(base_env, VIRTCKPT_LIBVIRT_SCHEMA_DIR=libvirt_dir)
    if DEFAULT_LIBVIRT_DIR == libvirt_dir:
        # the build's own default must find them
        with_libvirt.pop("VIRTCKPT_LIBVIRT_SCHEMA_DIR")
    else:
        print("note: this build looks for libvirt's schemas in %s, virt-xml-validate reads %s: "
              "compared with VIRTCKPT_LIBVIRT_SCHEMA_DIR=%s" % (DEFAULT_LIBVIRT_DIR, libvirt_dir,
                                                                libvirt_dir))
    without_libvirt = dict(base_env, VIRTCKPT_LIBVIRT_SCHEMA_DIR="")
    with tempfile.TemporaryDirectory(prefix="virtckpt-validate.") as tmp:
        documents = corpus() + make_variants(tmp)
        theirs = libvirt_verdicts(documents, libvirt_dir)
        ours = our_verdicts(documents, with_libvirt)
        ours_alone = our_verdicts(documents, without_libvirt)
        detected_docs = [(i, d) for i, d in enumerate(documents)
                         if root_of(TEXTS[d[0]]) == d[1]]
        detected = our_verdicts([d for _, d in detected_docs], with_libvirt, given_type=False)
    if None in ours or None in ours_alone or None in detected:
        fail("validate did not report every document")
        return 1
    domain_schema = os.path.join(libvirt_dir, "domain.rng")
    stats = {kind: {"documents": 0, "doctype": 0, "identical": 0, "alone_identical": 0,
                    "alone_embedded_domain": 0, "alone_different": 0} for kind in TYPES}
    for (path, kind), their in zip(documents, theirs):
        if path in EXPECTED and their[0] != EXPECTED[path]:
            fail("%s: libvirt says %s, the test expects %s" % (
                path, "valid" if their[0] else "invalid", "valid" if EXPECTED[path] else "invalid"))
    for (path, kind), their, our, alone in zip(documents, theirs, ours, ours_alone):
        s = stats[kind]
        s["documents"] += 1
        if "<!DOCTYPE" in TEXTS[path]:
            s["doctype"] += 1
            for entry in (our, alone):
                if not doctype_refusal(path, entry):
                    fail("%s: a document with a DOCTYPE, not refused for it: %r" % (path, entry))
            continue
        if our["valid"] == their[0]:
            s["identical"] += 1
        else:
            fail("with libvirt's schemas: " + describe(path, kind, their, our))
        if kind == "domain" and our["valid"] and our["schemas"] != [domain_schema]:
            fail("%s: a domain validated against %r, not libvirt's domain.rng" % (path,
                                                                              our["schemas"]))
        if alone["valid"] == their[0]:
            s["alone_identical"] += 1
        elif kind == "domain":
            s["alone_different"] += 1
        elif (kind == "domaincheckpoint" and alone["valid"] and not our["valid"] and
              our["schemas"][-1] == domain_schema):
            s["alone_embedded_domain"] += 1
        else:
            fail("without libvirt's schemas: " + describe(path, kind, their, alone))
    for (i, (path, kind)), entry in zip(detected_docs, detected):
        # a document that does not parse has no type
        unparsed = entry["type"] is None and not ours[i]["schemas"] and not entry["schemas"]
        if (entry["type"] != TYPES[kind] and not unparsed) or entry["valid"] != ours[i]["valid"]:
            fail("%s: detected as %s (%s), given --type %s it is %s" % (
                path, entry["type"], entry["valid"], TYPES[kind], ours[i]["valid"]))
    print("auto-detected types: %d documents, each the type given to virt-xml-validate, or none "
          "when it does not parse" % len(detected))
    for kind, s in stats.items():
        compared = s["documents"] - s["doctype"]
        line = ("%s: %d documents, %d refused for their DOCTYPE, %d compared: %d identical "
                "verdicts with libvirt's schemas; without them %d identical" % (
                    kind, s["documents"], s["doctype"], compared, s["identical"],
                    s["alone_identical"]))
        if kind == "domaincheckpoint":
            line += ", %d refused by libvirt only for the embedded <domain>" % (
                s["alone_embedded_domain"])
        if kind == "domain":
            line += ", %d different (virtckpt's domain.rng checks less)" % s["alone_different"]
        print(line)
    print("%d failure(s)" % len(failures) if failures else "all verdicts as required")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
