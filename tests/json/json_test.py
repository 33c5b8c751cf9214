#!/usr/bin/env python3
"""--json of every command that lists or reports.

Builds a small store (xml-examples/domain-multi.xml, a domain whose name needs escaping,
checkpoints with --owner, a hot-plugged disk, a backup job that is aborted, exports of it into a
directory and libvirt's layout, imports of them), runs each command with --json and checks that
  - its output validates against that command's definition in
    schemas/virtckpt-json.schema.json and against the schema as a whole;
  - it is byte for byte the expected document of expected/NAME.json (written there indented
    for review; virtckpt prints it on one line, escaped as util/json.cpp does), followed by
    the blank line every command prints;
  - stderr and the exit status are as expected.
The same for validate --json, whose expected documents write paths as placeholders. It also
checks that the schema is not vacuous (it rejects a bare array, a renamed key, a missing
one, ...), that every command whose help lists --json has a definition in the schema
and is run here, and the errors of --json combined with options it excludes.

Usage: json_test.py VIRTCKPT SOURCE_ROOT. Every virtckpt process runs with TZ=UTC under
libfaketime, frozen at 2024-01-01 00:00:00 UTC (1704067200), with the shared objects of one
FaketimeHolder. Exit 0 pass, 1 fail, 77 skipped (python3-jsonschema, libfaketime or the
faketime program missing).
"""

import copy
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("SKIP: python3 module jsonschema not found (Debian package python3-jsonschema)")
    sys.exit(77)

VIRTCKPT = os.path.abspath(sys.argv[1])
SOURCE_ROOT = os.path.abspath(sys.argv[2])
HERE = os.path.join(SOURCE_ROOT, "tests", "json")
EXPECTED_DIR = os.path.join(HERE, "expected")
SCHEMA_PATH = os.path.join(SOURCE_ROOT, "schemas", "virtckpt-json.schema.json")
MULTI_XML = os.path.join(SOURCE_ROOT, "xml-examples", "domain-multi.xml")
# The example's images, moved where no file can be (Debian's /nonexistent), so that every plan
# is made without them on any host: the metadata decides, with the note image_unavailable.
EXAMPLE_IMAGES = "/var/lib/libvirt/images"
IMAGES = "/nonexistent/virtckpt-json/images"

FAKETIME = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1") +
                  glob.glob("/usr/lib/faketime/libfaketime.so.1"))
if not FAKETIME:
    print("SKIP: libfaketime not found (Debian package faketime)")
    sys.exit(77)
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests"))
from faketime_holder import FaketimeHolder  # noqa: E402
if FaketimeHolder.missing():
    print("SKIP: " + FaketimeHolder.missing())
    sys.exit(77)
FAKETIME_SHARED = {}  # set by main, from its FaketimeHolder

# A name with a quote, a backslash, a tab and characters beyond ASCII (BMP and astral).
UNI = 'uni café "☃"\t\\😀'
UNI_XML = """<domain type='kvm'>
  <name>uni café "☃"&#9;\\😀</name>
  <uuid>0c7d4f62-9a57-4b1e-8e3a-2f6b1d9c0a11</uuid>
  <memory unit='KiB'>1048576</memory>
  <currentMemory unit='KiB'>1048576</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
    <boot dev='hd'/>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/nonexistent/virtckpt-json/&quot;q&quot; \\back&lt;&amp;/é.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
"""
OWNER = 'ops "night" \\ é☃😀'
PENDING = ("warning: domain 'multi' has a pending backup job (checkpoint 'thu'); end it with "
           "backup-end --commit or --abort\n")

# (arguments, expected document or None for a setup step, expected stderr)
STEPS = [
    (["define", "@TMP@/multi.xml"], None, ""),
    (["define", "@TMP@/uni.xml", "--bitmap-model", "delta", "--granularity", "131072"], None, ""),
    (["list", "--json"], "list", ""),
    (["checkpoint-create-as", "multi", "mon", "--owner", "nightly"], None, ""),
    (["checkpoint-create-as", "multi", "tue", "--owner", "nightly"], None, ""),
    (["checkpoint-create-as", "multi", "wed", "--owner", OWNER], None, ""),
    (["attach-disk", "multi", IMAGES + "/multi-vdd.qcow2", "vdd",
      "--subdriver", "qcow2"], None, ""),
    (["checkpoint-create-as", UNI, "u1"], None, ""),
    (["checkpoint-create-as", UNI, "u2"], None, ""),
    (["checkpoint-delete", UNI, "u2"], None, ""),
    (["domblklist", "multi", "--json"], "domblklist-multi", ""),
    (["domblklist", UNI, "--details", "--json"], "domblklist-uni", ""),
    (["domain-set", "multi", "--json"], "domain-set-multi", ""),
    (["domain-set", UNI, "--json"], "domain-set-uni", ""),
    (["checkpoint-list", "multi", "--json"], "checkpoint-list-multi", ""),
    (["checkpoint-list", "multi", "--owner", "nightly", "--topological", "--json"],
     "checkpoint-list-nightly", ""),
    (["checkpoint-list", UNI, "--json"], "checkpoint-list-uni", ""),
    (["checkpoint-info", "multi", "wed", "--json"], "checkpoint-info-wed", ""),
    (["checkpoint-parent", "multi", "mon", "--json"], "checkpoint-parent-mon", ""),
    (["checkpoint-parent", "multi", "tue", "--json"], "checkpoint-parent-tue", ""),
    (["backup-plan", "multi", "--since", "tue", "--json"], "backup-plan-multi", ""),
    (["backup-plan", UNI, "--json"], "backup-plan-uni", ""),
    (["backup-begin", "multi", "--since", "wed", "--checkpoint", "thu", "--owner", "nightly",
      "--json"], "backup-begin", ""),
    (["domjobinfo", "multi", "--json"], "domjobinfo-job", ""),
    (["checkpoint-info", "multi", "thu", "--json"], "checkpoint-info-thu", PENDING),
    (["backup-end", "multi", "--abort"], None, ""),
    (["domjobinfo", "multi", "--json"], "domjobinfo-none", ""),
    (["domjobinfo", "multi", "--completed", "--json"], "domjobinfo-completed", ""),
    (["bitmap-ops", "multi", "--json"], "bitmap-ops-multi", ""),
    (["bitmap-ops", UNI, "--json"], "bitmap-ops-uni", ""),
    # An export is refused while bitmap operations are recorded.
    (["bitmap-ops", "multi", "--clear"], None, ""),
    (["bitmap-ops", UNI, "--clear"], None, ""),
    (["checkpoint-export", "multi", "@TMP@/export", "--json"], "checkpoint-export-multi", ""),
    (["checkpoint-export", UNI, "@TMP@/uni", "--no-domain", "--json"], "checkpoint-export-uni",
     ""),
    # @TMP@/libvirt/multi/README is there before: not a checkpoint, so the import warns.
    (["checkpoint-export", "multi", "@TMP@/libvirt", "--libvirt-layout", "--json"],
     "checkpoint-export-libvirt", ""),
    (["checkpoint-import", "multi", "@TMP@/export", "--json"], "checkpoint-import-multi", ""),
    (["checkpoint-import", UNI, "@TMP@/uni", "--dry-run", "--json"], "checkpoint-import-uni", ""),
    (["checkpoint-import", "copy", "@TMP@/libvirt/multi", "--rename-domain", "--owner", OWNER,
      "--json"], "checkpoint-import-copy", ""),
]

# validate --json, which needs no store: (arguments, expected document, exit status). Paths in
# the expected documents are written @TMP@ (the test's directory) and @SCHEMAS@ (schemas/), and
# libvirt's schemas are a stand-in of the test's own (@TMP@/libvirt-schemas/domain.rng), so that the
# documents do not depend on what is installed.
LIBVIRT_STANDIN = """<?xml version="1.0"?>
<!-- a stand-in for libvirt's domain.rng: a <domain> with a <name> -->
<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <start>
    <element name="domain">
      <zeroOrMore><attribute><anyName/></attribute></zeroOrMore>
      <interleave>
        <element name="name"><text/></element>
        <zeroOrMore>
          <element><anyName><except><name>name</name></except></anyName><ref name="any"/></element>
        </zeroOrMore>
      </interleave>
    </element>
  </start>
  <define name="any">
    <zeroOrMore>
      <choice>
        <attribute><anyName/></attribute>
        <text/>
        <element><anyName/><ref name="any"/></element>
      </choice>
    </zeroOrMore>
  </define>
</grammar>
"""
VALIDATE_FILES = {
    "backup.xml": "<domainbackup mode='push'>\n  <disks>\n"
                  "    <disk name='vda' backup='yes' type='file' backupmode='full'/>\n"
                  "  </disks>\n</domainbackup>\n",
    "bad.xml": "<domaincheckpoint>\n  <name>c1</name>\n  <bogus/>\n</domaincheckpoint>\n",
    "broken.xml": "<domain type='kvm'>\n  <name>x</name>\n",
    "nameless.xml": "<domain type='kvm'>\n  <uuid>0b0a6a2c-5c4e-4d8e-9a77-1f3e2d4c5b6a</uuid>\n"
                    "</domain>\n",
}
VALIDATE_STEPS = [
    (["validate", "--json", "@TMP@/checkpoint.xml", "@TMP@/backup.xml"], "validate-valid", 0),
    (["validate", "--json", "@TMP@/bad.xml", "@TMP@/missing.xml", "@TMP@/broken.xml",
      "@TMP@/nameless.xml", "@TMP@/backup.xml"], "validate-invalid", 1),
    (["validate", "--json", "--type", "domain", "@TMP@/backup.xml"], "validate-type", 1),
]

# --json with the options that exclude it: (arguments, stderr), exit status 1, on stdout only
# the blank line after every command.
REFUSED = [
    (["list", "--json", "--name"], "error: Options --json and --name are mutually exclusive\n"),
    (["list", "--json", "--uuid"], "error: Options --json and --uuid are mutually exclusive\n"),
    (["list", "--table", "--json"], "error: Options --json and --table are mutually exclusive\n"),
    (["checkpoint-list", "multi", "--json", "--tree"],
     "error: Options --json and --tree are mutually exclusive\n"),
    (["backup-plan", "multi", "--json", "--xml"],
     "error: Options --json and --xml are mutually exclusive\n"),
]

failures = []
passed = []


def ok(message):
    passed.append(message)
    print("ok: " + message)


def fail(message):
    failures.append(message)
    print("FAIL: " + message)


def quote(text):
    """A JSON string as util::JsonQuote writes it."""
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return "".join(out) + '"'


def compact(value):
    """A JSON value on one line as util::JsonWriter writes it, keys in document order."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list):
        return "[" + ",".join(compact(v) for v in value) + "]"
    return "{" + ",".join(quote(k) + ":" + compact(v) for k, v in value.items()) + "}"


def run(tmp, args, extra_env=None):
    env = dict(os.environ)
    env.update(FAKETIME_SHARED)
    env.update(extra_env or {})
    env.update(LD_PRELOAD=FAKETIME[0], FAKETIME="2024-01-01 00:00:00", TZ="UTC", LC_ALL="C.UTF-8",
               ASAN_OPTIONS=(env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0").lstrip(":"))
    env.pop("VISUAL", None)
    env.pop("EDITOR", None)
    args = [a.replace("@TMP@", tmp) for a in args]
    proc = subprocess.run([VIRTCKPT, "-c", os.path.join(tmp, "store")] + args,
                          stdin=subprocess.DEVNULL, capture_output=True, env=env, check=False)
    # Bytes that are not UTF-8 stay as they are (surrogates) and fail the comparisons. The
    # temporary directory (in the paths of checkpoint-export and checkpoint-import) is @TMP@.
    return (proc.returncode,
            proc.stdout.decode("utf-8", "surrogateescape").replace(tmp, "@TMP@"),
            proc.stderr.decode("utf-8", "surrogateescape").replace(tmp, "@TMP@"))


VALIDATORS = {}


def validator(schema, definition=None):
    if definition not in VALIDATORS:
        VALIDATORS[definition] = make_validator(schema, definition)
    return VALIDATORS[definition]


def make_validator(schema, definition):
    if definition is not None:
        schema = {"$schema": schema["$schema"], "$defs": schema["$defs"],
                  "$ref": "#/$defs/" + definition}
    return jsonschema.Draft202012Validator(schema)


def errors_of(v, document):
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(top)", e.message)
            for e in v.iter_errors(document)]


def expected(name):
    with open(os.path.join(EXPECTED_DIR, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def check_schema_is_strict(schema):
    """The expected documents, broken: the command's definition must reject them, and so must
    the schema as a whole unless they are another command's document."""
    whole = validator(schema)
    # (what, definition or None, whole schema too, document)
    cases = [("a bare array", None, True, []), ("a bare string", None, True, "multi"),
             ("an empty object", None, True, {})]
    doc = expected("checkpoint-list-multi")
    renamed = copy.deepcopy(doc)
    disk = renamed["checkpoints"][0]["disks"][0]
    disk["name"] = disk.pop("target")
    cases.append(("a checkpoint disk keyed 'name' instead of 'target'", "checkpoint-list", True,
                  renamed))
    no_owner = copy.deepcopy(doc)
    del no_owner["checkpoints"][0]["owner"]
    cases.append(("a checkpoint without its owner", "checkpoint-list", True, no_owner))
    as_text = copy.deepcopy(doc)
    as_text["checkpoints"][0]["creationTime"] = str(as_text["checkpoints"][0]["creationTime"])
    cases.append(("a time as a string", "checkpoint-list", True, as_text))
    cases.append(("the bare array of checkpoints", "checkpoint-list", True, doc["checkpoints"]))
    info = expected("checkpoint-info-wed")
    cases.append(("an unknown key", "checkpoint-info", True, dict(info, comment="x")))
    no_domain = dict(info)
    del no_domain["domain"]
    cases.append(("checkpoint-info without its domain", "checkpoint-info", True, no_domain))
    cases.append(("a boolean as a number", "checkpoint-info", True, dict(info, current=1)))
    no_job = expected("domjobinfo-none")
    del no_job["job"]
    cases.append(("an absent job left out instead of null", "domjobinfo", True, no_job))
    cases.append(("backup-begin's job in backup-plan", "backup-plan", False,
                  expected("backup-begin")))
    empty = dict(expected("backup-plan-multi"), since="")
    cases.append(("an empty string for an absent value", "backup-plan", True, empty))
    cases.append(("the bare array of bitmap operations", "bitmap-ops", True,
                  expected("bitmap-ops-multi")["bitmapOps"]))
    invalid = expected("validate-invalid")
    cases.append(("validate's verdict true while a file is invalid", "validate", True,
                  dict(invalid, valid=True)))
    lying = copy.deepcopy(invalid)
    lying["files"][0]["valid"] = True
    cases.append(("a valid file with errors", "validate", True, lying))
    silent = copy.deepcopy(invalid)
    silent["files"][1]["errors"] = []
    cases.append(("an invalid file without errors", "validate", True, silent))
    untyped = copy.deepcopy(expected("validate-valid"))
    untyped["files"][0]["type"] = "snapshot"
    cases.append(("an unknown document type", "validate", True, untyped))
    export = expected("checkpoint-export-multi")
    no_sum = copy.deepcopy(export)
    del no_sum["checkpoints"][0]["sha256"]
    cases.append(("an exported checkpoint without its sha256", "checkpoint-export", True, no_sum))
    upper = copy.deepcopy(export)
    upper["checkpoints"][0]["sha256"] = upper["checkpoints"][0]["sha256"].upper()
    cases.append(("a sha256 in upper case", "checkpoint-export", True, upper))
    report = expected("checkpoint-import-copy")
    snake = dict(report)
    snake["dry_run"] = snake.pop("dryRun")
    cases.append(("an import report keyed 'dry_run' instead of 'dryRun'", "checkpoint-import",
                  True, snake))
    action = copy.deepcopy(report)
    action["checkpoints"][0]["action"] = "created"
    cases.append(("an action that is none of create, replace, skip", "checkpoint-import", True,
                  action))
    settings = copy.deepcopy(report)
    settings["settings"] = {"model": "delta", "mode": "external", "granularity": 65536}
    cases.append(("settings keyed otherwise than domain-set's", "checkpoint-import", True,
                  settings))
    for what, definition, also_whole, document in cases:
        checks = [] if definition is None else [(validator(schema, definition), definition)]
        if also_whole:
            checks.append((whole, "the schema"))
        for v, name in checks:
            if v.is_valid(document):
                fail("%s accepts %s" % (name, what))
            else:
                ok("%s rejects %s" % (name, what))


def commands_with_json(tmp):
    """The commands whose help lists --json (all help texts from one process)."""
    rc, out, _ = run(tmp, ["help"])
    names = re.findall(r"^    ([a-z][a-z-]*) ", out, re.M)
    if rc != 0 or not names:
        fail("help listed no commands")
        return set()
    _, texts, _ = run(tmp, ["; ".join("help " + name for name in names)])
    with_json = set()
    for text in re.split(r"^  NAME\n", texts, flags=re.M)[1:]:
        name = text.split()[0]
        if re.search(r"^    --json\s", text, re.M):
            with_json.add(name)
    return with_json


def main():
    with FaketimeHolder() as holder:
        FAKETIME_SHARED.update(holder.env)
        return check_everything()


def substitute(value, replacements):
    """The expected document with its @NAME@ placeholders replaced."""
    if isinstance(value, str):
        for key, text in replacements.items():
            value = value.replace(key, text)
        return value
    if isinstance(value, list):
        return [substitute(v, replacements) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, replacements) for k, v in value.items()}
    return value


def check_validate(tmp, schema, whole, outputs):
    """validate --json: the documents, the exit status, nothing on stderr."""
    os.makedirs(os.path.join(tmp, "libvirt-schemas"))
    with open(os.path.join(tmp, "libvirt-schemas", "domain.rng"), "w", encoding="utf-8") as f:
        f.write(LIBVIRT_STANDIN)
    with open(os.path.join(SOURCE_ROOT, "xml-examples", "checkpoint-redefine.xml"),
              encoding="utf-8") as f:
        VALIDATE_FILES["checkpoint.xml"] = f.read()
    for name, text in VALIDATE_FILES.items():
        with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
            f.write(text)
    # run() gives the temporary directory as @TMP@ already.
    replacements = {"@SCHEMAS@": os.path.join(SOURCE_ROOT, "schemas")}
    for args, golden, want_rc in VALIDATE_STEPS:
        extra = {"VIRTCKPT_LIBVIRT_SCHEMA_DIR": os.path.join(tmp, "libvirt-schemas"),
                 "VIRTCKPT_SCHEMA_DIR": os.path.join(SOURCE_ROOT, "schemas")}
        rc, out, err = run(tmp, [a.replace("@TMP@", tmp) for a in args], extra)
        shown = "virtckpt " + " ".join(args)
        if rc != want_rc or err != "":
            fail("%s: exit %d, stderr %r (want exit %d, stderr '')" % (shown, rc, err, want_rc))
        try:
            document = json.loads(out)
        except ValueError as e:
            fail("%s: not JSON (%s): %r" % (shown, e, out))
            continue
        outputs.add("validate")
        for v, name in ((validator(schema, "validate"), "validate"), (whole, "the schema")):
            for e in errors_of(v, document):
                fail("%s: invalid against %s: %s" % (shown, name, e))
        want = substitute(expected(golden), replacements)
        if out != compact(want) + "\n\n":
            fail("%s: output differs from expected/%s.json\n  want %s\n  got  %s" % (
                shown, golden, compact(want), out.rstrip("\n")))
        else:
            ok(shown)


def check_everything():
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    whole = validator(schema)
    outputs = set()  # the commands run with --json
    with tempfile.TemporaryDirectory(prefix="virtckpt-json.") as tmp:
        if os.path.exists("/nonexistent"):
            fail("/nonexistent exists: the plans here need images that cannot be read")
        with open(MULTI_XML, encoding="utf-8") as f:
            multi = f.read().replace(EXAMPLE_IMAGES + "/", IMAGES + "/")
        with open(os.path.join(tmp, "multi.xml"), "w", encoding="utf-8") as f:
            f.write(multi)
        with open(os.path.join(tmp, "uni.xml"), "w", encoding="utf-8") as f:
            f.write(UNI_XML)
        os.makedirs(os.path.join(tmp, "libvirt", "multi"))
        with open(os.path.join(tmp, "libvirt", "multi", "README"), "w", encoding="utf-8") as f:
            f.write("not a checkpoint\n")
        for args, golden, want_err in STEPS:
            rc, out, err = run(tmp, args)
            shown = "virtckpt " + " ".join(json.dumps(a, ensure_ascii=False) for a in args)
            if rc != 0 or err != want_err:
                fail("%s: exit %d, stderr %r (want exit 0, stderr %r)" % (shown, rc, err, want_err))
            if golden is None:
                continue
            command = args[0]
            try:
                document = json.loads(out)
            except ValueError as e:
                fail("%s: not JSON (%s): %r" % (shown, e, out))
                continue
            outputs.add(command)
            for v, name in ((validator(schema, command), command), (whole, "the schema")):
                for e in errors_of(v, document):
                    fail("%s: invalid against %s: %s" % (shown, name, e))
            path = os.path.join(EXPECTED_DIR, golden + ".json")
            if not os.path.exists(path):
                fail("%s: no expected file %s; it printed:\n%s" % (
                    shown, path, json.dumps(document, indent=2, ensure_ascii=False)))
                continue
            with open(path, encoding="utf-8") as f:
                want = json.load(f)
            if out != compact(want) + "\n\n":
                fail("%s: output differs from expected/%s.json\n  want %s\n  got  %s" % (
                    shown, golden, compact(want), out.rstrip("\n")))
            else:
                ok(shown)
        check_validate(tmp, schema, whole, outputs)
        for args, want_err in REFUSED:
            rc, out, err = run(tmp, args)
            if (rc, out, err) != (1, "\n", want_err):
                fail("virtckpt %s: exit %d, stdout %r, stderr %r (want exit 1, stderr %r)" % (
                    " ".join(args), rc, out, err, want_err))
            else:
                ok("refused: virtckpt " + " ".join(args))
        with_json = commands_with_json(tmp)
    for name in sorted(with_json - set(schema["$defs"])):
        fail("command %s has --json but no definition in the schema" % name)
    for name in sorted(with_json - set(outputs)):
        fail("command %s has --json but is not run here" % name)
    for name in sorted(set(outputs) - with_json):
        fail("command %s is run with --json but its help does not list it" % name)
    check_schema_is_strict(schema)
    used = {os.path.basename(p)[:-5] for p in glob.glob(os.path.join(EXPECTED_DIR, "*.json"))}
    for name in sorted(used - {e for _, e, _ in STEPS if e} - {e for _, e, _ in VALIDATE_STEPS}):
        fail("expected/%s.json is not used by any step" % name)
    print("%d passed, %d failed" % (len(passed), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
