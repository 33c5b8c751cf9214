#!/usr/bin/env bash
# validate FILE... [--type TYPE] [--json]: the type told by the root element or given, the
# schemas each type uses (libvirt's domain.rng through a stand-in directory of the test's own),
# the output of valid and invalid files, exit statuses, standard input, files that cannot be
# read or parsed, and that it opens no store whatever -c names. Exact output throughout; the
# verdicts themselves are compared with libvirt's in tests/differential/validate_test.py.
# Usage: validate_test.sh VIRTCKPT SOURCE_ROOT
set -u
VIRTCKPT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
T=$(mktemp -d /tmp/virtckpt-validate.XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
SCH=$SRC/schemas
export VIRTCKPT_SCHEMA_DIR=$SCH VIRTCKPT_LIBVIRT_SCHEMA_DIR=
unset VIRTCKPT_ROOT

# expect NAME WANT_RC WANT_STDOUT WANT_STDERR -- COMMAND...
expect() {
  local name=$1 want_rc=$2 want_out=$3 want_err=$4
  shift 5
  local rc=0
  "$@" >"$T/out" 2>"$T/err" || rc=$?
  if [ "$rc" != "$want_rc" ] || [ "$(cat "$T/out"; echo .)" != "$(printf '%b' "$want_out"; echo .)" ] ||
     [ "$(cat "$T/err"; echo .)" != "$(printf '%b' "$want_err"; echo .)" ]; then
    echo "FAIL: $name"
    echo "  want rc=$want_rc stdout=$(printf '%q' "$(printf '%b' "$want_out")") stderr=$(printf '%q' "$(printf '%b' "$want_err")")"
    echo "  got  rc=$rc stdout=$(printf '%q' "$(cat "$T/out")") stderr=$(printf '%q' "$(cat "$T/err")")"
    failures=$((failures + 1))
  else
    echo "ok: $name"
  fi
}

# A stand-in for libvirt's schema directory: a domain.rng that wants a <name> and an <os>.
mkdir "$T/libvirt" "$T/empty"
cat >"$T/libvirt/domain.rng" <<'EOF'
<?xml version="1.0"?>
<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <start>
    <element name="domain">
      <zeroOrMore><attribute><anyName/></attribute></zeroOrMore>
      <interleave>
        <element name="name"><text/></element>
        <element name="os"><ref name="any"/></element>
        <zeroOrMore>
          <element><anyName><except><name>name</name><name>os</name></except></anyName><ref name="any"/></element>
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
EOF
LIBVIRT=(env VIRTCKPT_LIBVIRT_SCHEMA_DIR="$T/libvirt")

EX=$SRC/xml-examples
CREATE=$EX/checkpoint-create.xml
REDEFINE=$EX/checkpoint-redefine.xml
SINGLE=$EX/domain-single.xml
PUSH=$SRC/tests/walker/golden/02-cumulative.since-c1.xml
MANIFEST=$SRC/tests/data/validate/manifest.xml
BUNDLE=$SRC/tests/data/validate/bundle.xml
STORE=$T/store
"$VIRTCKPT" -q -c "$STORE" define "$SINGLE" && "$VIRTCKPT" -q -c "$STORE" checkpoint-create-as single c1 ||
  { echo "FAIL: setup"; exit 1; }
STOREFILE=$STORE/single/checkpoints/c1.xml
sed '/<os>/,/<\/os>/d' "$SINGLE" >"$T/no-os.xml"
printf '<domain type="kvm">\n  <name>x</name>\n' >"$T/broken.xml"
printf '<!DOCTYPE domain>\n<domain type="kvm"><name>x</name></domain>\n' >"$T/doctype.xml"
printf '<domain type="kvm"><name>&foo;</name></domain>\n' >"$T/entity.xml"
printf '<domainsnapshot>\n  <name>s1</name>\n</domainsnapshot>\n' >"$T/snapshot.xml"
: >"$T/empty.xml"

echo "== the type from the root element, the schemas of each type"
expect "a checkpoint" 0 "$CREATE validates against $SCH/domaincheckpoint.rng (checkpoint)\n\n" "" -- \
  "$VIRTCKPT" validate "$CREATE"
expect "a checkpoint with a domain, without libvirt's schemas" 0 \
  "$REDEFINE validates against $SCH/domaincheckpoint.rng and $SCH/domain.rng (checkpoint)\n\n" "" -- \
  "$VIRTCKPT" validate "$REDEFINE"
expect "a checkpoint with a domain, libvirt's domain.rng for the domain" 0 \
  "$REDEFINE validates against $SCH/domaincheckpoint.rng and $T/libvirt/domain.rng (checkpoint)\n\n" "" -- \
  "${LIBVIRT[@]}" "$VIRTCKPT" validate "$REDEFINE"
expect "a domain, without libvirt's schemas" 0 "$SINGLE validates against $SCH/domain.rng (domain)\n\n" "" -- \
  "$VIRTCKPT" validate "$SINGLE"
expect "a domain, with libvirt's" 0 "$SINGLE validates against $T/libvirt/domain.rng (domain)\n\n" "" -- \
  "${LIBVIRT[@]}" "$VIRTCKPT" validate "$SINGLE"
expect "a domain only libvirt's schema refuses" 1 "\n" \
  "error: $T/no-os.xml fails to validate (domain)\nerror: XML document failed to validate against schema: Unable to validate doc against $T/libvirt/domain.rng\nExpecting an element os, got nothing\nInvalid sequence in interleave\nElement domain failed to validate content\n\n" -- \
  "${LIBVIRT[@]}" "$VIRTCKPT" validate "$T/no-os.xml"
expect "which virtckpt's accepts" 0 "$T/no-os.xml validates against $SCH/domain.rng (domain)\n\n" "" -- \
  "$VIRTCKPT" validate "$T/no-os.xml"
expect "a domainbackup" 0 "$PUSH validates against $SCH/domainbackup.rng (domainbackup)\n\n" "" -- \
  "${LIBVIRT[@]}" "$VIRTCKPT" validate "$PUSH"
expect "a manifest and a bundle" 0 \
  "$MANIFEST validates against $SCH/checkpointmanifest.rng (manifest)\n$BUNDLE validates against $SCH/checkpointbundle.rng (bundle)\n\n" "" -- \
  "${LIBVIRT[@]}" "$VIRTCKPT" validate "$MANIFEST" "$BUNDLE"
expect "a store's checkpoint file (<internal>), never libvirt's schema" 0 \
  "$STOREFILE validates against $SCH/checkpointfile.rng (storefile)\n\n" "" -- \
  "${LIBVIRT[@]}" "$VIRTCKPT" validate "$STOREFILE"
expect "an unknown root element" 1 "\n" \
  "error: $T/snapshot.xml fails to validate\nerror: XML error: cannot tell what the document is from its root element 'domainsnapshot' (domaincheckpoint, domain, domainbackup, checkpointmanifest or checkpointbundle expected)\n" -- \
  "$VIRTCKPT" validate "$T/snapshot.xml"

echo "== what checkpoint-export writes"
"$VIRTCKPT" -q -c "$STORE" checkpoint-create-as single c2 --owner nightly &&
  "$VIRTCKPT" -q -c "$STORE" checkpoint-export single "$T/export" &&
  "$VIRTCKPT" -q -c "$STORE" checkpoint-export single "$T/export-nodomain" --no-domain &&
  "$VIRTCKPT" -q -c "$STORE" checkpoint-export single "$T/libvirt-layout" --libvirt-layout &&
  "$VIRTCKPT" -q -c "$STORE" checkpoint-export single - >"$T/bundle.xml" ||
  { echo "FAIL: export"; failures=$((failures + 1)); }
expect "an export directory, a bundle, libvirt's layout" 0 \
  "$T/export/manifest.xml validates against $SCH/checkpointmanifest.rng (manifest)\n$T/export/checkpoints/c1.xml validates against $SCH/domaincheckpoint.rng and $T/libvirt/domain.rng (checkpoint)\n$T/export/checkpoints/c2.xml validates against $SCH/domaincheckpoint.rng and $T/libvirt/domain.rng (checkpoint)\n$T/export-nodomain/manifest.xml validates against $SCH/checkpointmanifest.rng (manifest)\n$T/export-nodomain/checkpoints/c1.xml validates against $SCH/domaincheckpoint.rng (checkpoint)\n$T/bundle.xml validates against $SCH/checkpointbundle.rng (bundle)\n$T/libvirt-layout/single/c1.xml validates against $SCH/domaincheckpoint.rng and $T/libvirt/domain.rng (checkpoint)\n\n" "" -- \
  "${LIBVIRT[@]}" "$VIRTCKPT" validate "$T/export/manifest.xml" "$T/export/checkpoints/c1.xml" \
  "$T/export/checkpoints/c2.xml" "$T/export-nodomain/manifest.xml" \
  "$T/export-nodomain/checkpoints/c1.xml" "$T/bundle.xml" "$T/libvirt-layout/single/c1.xml"

echo "== --type"
expect "--type checkpoint on a store file: the public schema has no <internal>" 1 "\n" \
  "error: $STOREFILE fails to validate (checkpoint)\nerror: XML document failed to validate against schema: Unable to validate doc against $SCH/domaincheckpoint.rng\nElement domaincheckpoint has extra content: internal\n\n" -- \
  "$VIRTCKPT" validate --type checkpoint "$STOREFILE"
expect "--type checkpoint on a domain" 1 "\n" \
  "error: $SINGLE fails to validate (checkpoint)\nerror: XML document failed to validate against schema: Unable to validate doc against $SCH/domaincheckpoint.rng\nExpecting element domaincheckpoint, got domain\n\n" -- \
  "$VIRTCKPT" validate --type=checkpoint "$SINGLE"
expect "--type storefile on a checkpoint" 1 "\n" \
  "error: $CREATE fails to validate (storefile)\nerror: XML document failed to validate against schema: Unable to validate doc against $SCH/checkpointfile.rng\nExpecting an element internal, got nothing\nInvalid sequence in interleave\nElement domaincheckpoint failed to validate content\n\n" -- \
  "$VIRTCKPT" validate "$CREATE" --type storefile
expect "--type bundle on a manifest" 1 "\n" \
  "error: $MANIFEST fails to validate (bundle)\nerror: XML document failed to validate against schema: Unable to validate doc against $SCH/checkpointbundle.rng\nExpecting element checkpointbundle, got checkpointmanifest\n\n" -- \
  "$VIRTCKPT" validate --type bundle "$MANIFEST"
expect "--type applies to a root virtckpt does not know" 1 "\n" \
  "error: $T/snapshot.xml fails to validate (domain)\nerror: XML document failed to validate against schema: Unable to validate doc against $SCH/domain.rng\nExpecting element domain, got domainsnapshot\n\n" -- \
  "$VIRTCKPT" validate --type domain "$T/snapshot.xml"
expect "an unknown --type checks nothing" 1 "\n" \
  "error: invalid argument: unknown document type 'snapshot' (expected checkpoint, storefile, domain, domainbackup, manifest or bundle)\n" -- \
  "$VIRTCKPT" validate --type snapshot "$CREATE"

echo "== several files, exit statuses"
expect "every file is checked after a failure; exit status 1" 1 \
  "$CREATE validates against $SCH/domaincheckpoint.rng (checkpoint)\n$PUSH validates against $SCH/domainbackup.rng (domainbackup)\n\n" \
  "error: $T/snapshot.xml fails to validate\nerror: XML error: cannot tell what the document is from its root element 'domainsnapshot' (domaincheckpoint, domain, domainbackup, checkpointmanifest or checkpointbundle expected)\nerror: $T/missing.xml fails to validate\nerror: Failed to open file '$T/missing.xml': No such file or directory\n" -- \
  "$VIRTCKPT" validate "$CREATE" "$T/snapshot.xml" "$T/missing.xml" "$PUSH"
expect "-q: no blank line" 0 "$CREATE validates against $SCH/domaincheckpoint.rng (checkpoint)\n" "" -- \
  "$VIRTCKPT" -q validate "$CREATE"
expect "no file" 1 "" "error: command 'validate' requires <file> option\n" -- "$VIRTCKPT" validate
expect "no file, --type only" 1 "" "error: command 'validate' requires <file> option\n" -- \
  "$VIRTCKPT" validate --type domain
expect "-- before a file" 0 "$CREATE validates against $SCH/domaincheckpoint.rng (checkpoint)\n\n" "" -- \
  "$VIRTCKPT" validate -- "$CREATE"

echo "== standard input"
expect "- reads standard input" 0 "- validates against $SCH/domaincheckpoint.rng (checkpoint)\n\n" "" -- \
  sh -c "'$VIRTCKPT' validate - <'$CREATE'"
expect "- from a pipe, with --type" 0 "- validates against $SCH/domainbackup.rng (domainbackup)\n\n" "" -- \
  sh -c "cat '$PUSH' | '$VIRTCKPT' validate --type domainbackup -"
expect "- twice is the same document" 0 \
  "- validates against $SCH/domain.rng (domain)\n- validates against $SCH/domain.rng (domain)\n\n" "" -- \
  sh -c "'$VIRTCKPT' validate - - <'$SINGLE'"
expect "an empty standard input" 1 "\n" \
  "error: - fails to validate\nerror: -:1: Document is empty\n(null)\n^\n" -- \
  sh -c "'$VIRTCKPT' validate - </dev/null"
expect "- when the commands come from standard input" 1 "\n" \
  "error: - fails to validate\nerror: standard input holds the commands: give the document as a file, or run validate as the command line's only command\n" -- \
  sh -c "echo 'validate -' | '$VIRTCKPT' -c '$STORE'"

echo "== files that cannot be read or parsed"
expect "a missing file" 1 "\n" \
  "error: $T/missing.xml fails to validate\nerror: Failed to open file '$T/missing.xml': No such file or directory\n" -- \
  "$VIRTCKPT" validate "$T/missing.xml"
expect "a directory" 1 "\n" \
  "error: $T fails to validate\nerror: Failed to read file '$T': Is a directory\n" -- \
  "$VIRTCKPT" validate "$T"
expect "an empty file, with --type" 1 "\n" \
  "error: $T/empty.xml fails to validate (checkpoint)\nerror: $T/empty.xml:1: Document is empty\n(null)\n^\n" -- \
  "$VIRTCKPT" validate --type checkpoint "$T/empty.xml"
expect "a document that is not well formed" 1 "\n" \
  "error: $T/broken.xml fails to validate\nerror: $T/broken.xml:3: Premature end of data in tag domain line 1\n(null)\n^\n" -- \
  "$VIRTCKPT" validate "$T/broken.xml"
expect "a DOCTYPE is refused" 1 "\n" \
  "error: $T/doctype.xml fails to validate\nerror: $T/doctype.xml:1: DOCTYPE declarations are not allowed (no DTDs, no entities)\n" -- \
  "$VIRTCKPT" validate "$T/doctype.xml"
expect "entities are not expanded" 1 "\n" \
  "error: $T/entity.xml fails to validate\nerror: $T/entity.xml:1: Entity 'foo' not defined\n<domain type=\"kvm\"><name>&foo;</name></domain>\n------------------------------^\n" -- \
  "$VIRTCKPT" validate "$T/entity.xml"
expect "a schema that cannot be read stops the command" 1 "" \
  "error: cannot read schema '$T/empty/domaincheckpoint.rng': No such file or directory\n" -- \
  env VIRTCKPT_SCHEMA_DIR="$T/empty" "$VIRTCKPT" -q validate "$CREATE" "$PUSH"
expect "a libvirt schema directory without domain.rng" 1 "" \
  "error: cannot read schema '$T/empty/domain.rng': No such file or directory\n" -- \
  env VIRTCKPT_LIBVIRT_SCHEMA_DIR="$T/empty" "$VIRTCKPT" -q validate "$SINGLE"

echo "== broken manifests and bundles"
bad() {  # bad NAME SED-EXPRESSION FILE: a copy of FILE changed by the expression
  sed "$2" "$3" >"$T/$1.xml"
  cmp -s "$3" "$T/$1.xml" && { echo "FAIL: $1 changes nothing"; failures=$((failures + 1)); }
}
bad m-version "s/version='1'/version='2'/" "$MANIFEST"
bad m-pending "0,/state='committed'/s//state='pending'/" "$MANIFEST"
bad m-sha256 "s/sha256='5e5a/sha256='5E5A/" "$MANIFEST"
bad m-no-file "s/ file='checkpoints\/c1.xml'//" "$MANIFEST"
bad m-file-outside "s/file='checkpoints\/c1.xml'/file='..\/c1.xml'/" "$MANIFEST"
bad m-granularity "s/granularity='65536'/granularity='1000'/" "$MANIFEST"
bad b-file "s/<checkpoint name='c1'/<checkpoint name='c1' file='checkpoints\/c1.xml'/" "$BUNDLE"
bad b-checkpoint-name "s/<name>c2<\/name>/<name>.c2<\/name>/" "$BUNDLE"
expect "manifest: version 2" 1 "\n" \
  "error: $T/m-version.xml fails to validate (manifest)\nerror: XML document failed to validate against schema: Unable to validate doc against $SCH/checkpointmanifest.rng\nElement checkpointmanifest failed to validate content\n\n" -- \
  "$VIRTCKPT" validate "$T/m-version.xml"
for name in m-pending:state m-sha256:sha256 m-file-outside:file; do
  expect "manifest: ${name%%:*}" 1 "\n" \
    "error: $T/${name%%:*}.xml fails to validate (manifest)\nerror: XML document failed to validate against schema: Unable to validate doc against $SCH/checkpointmanifest.rng\nElement checkpoint failed to validate attributes\nExpecting an element disk, got nothing\nInvalid attribute ${name#*:} for element checkpoint\nElement checkpoints has extra content: checkpoint\n\n" -- \
    "$VIRTCKPT" validate "$T/${name%%:*}.xml"
done
expect "manifest: a checkpoint without its file" 1 "\n" \
  "error: $T/m-no-file.xml fails to validate (manifest)\nerror: XML document failed to validate against schema: Unable to validate doc against $SCH/checkpointmanifest.rng\nElement checkpoint failed to validate attributes\nExpecting an element disk, got nothing\nElement checkpoints has extra content: checkpoint\n\n" -- \
  "$VIRTCKPT" validate "$T/m-no-file.xml"
expect "manifest: a granularity domain-set refuses" 1 "\n" \
  "error: $T/m-granularity.xml fails to validate (manifest)\nerror: XML document failed to validate against schema: Unable to validate doc against $SCH/checkpointmanifest.rng\nElement settings failed to validate attributes\n\n" -- \
  "$VIRTCKPT" validate "$T/m-granularity.xml"
expect "bundle: a file attribute" 1 "\n" \
  "error: $T/b-file.xml fails to validate (bundle)\nerror: XML document failed to validate against schema: Unable to validate doc against $SCH/checkpointbundle.rng\nInvalid attribute file for element checkpoint\nElement checkpoints has extra content: checkpoint\n\n" -- \
  "$VIRTCKPT" validate "$T/b-file.xml"
expect "bundle: an embedded checkpoint's name" 1 "\n" \
  "error: $T/b-checkpoint-name.xml fails to validate (bundle)\nerror: XML document failed to validate against schema: Unable to validate doc against $SCH/checkpointbundle.rng\nExtra element name in interleave\nElement domaincheckpoint failed to validate content\nExpecting element domaincheckpoint, got disk\nElement checkpoint failed to validate content\nElement checkpoints has extra content: checkpoint\n\n" -- \
  "$VIRTCKPT" validate "$T/b-checkpoint-name.xml"

echo "== no store"
accepted="virtckpt connects to a store directory (a path) or to a postgresql:// or postgres:// URI"
expect "-c qemu:///system: validate opens no store" 0 \
  "$CREATE validates against $SCH/domaincheckpoint.rng (checkpoint)\n\n" "" -- \
  "$VIRTCKPT" -c qemu:///system validate "$CREATE"
expect "\$VIRTCKPT_ROOT=test:///default too" 0 \
  "$CREATE validates against $SCH/domaincheckpoint.rng (checkpoint)\n\n" "" -- \
  env VIRTCKPT_ROOT=test:///default "$VIRTCKPT" validate "$CREATE"
expect "two validates on one line" 0 \
  "$CREATE validates against $SCH/domaincheckpoint.rng (checkpoint)\n\n$PUSH validates against $SCH/domainbackup.rng (domainbackup)\n\n" "" -- \
  "$VIRTCKPT" -c qemu:///system "validate $CREATE; validate $PUSH"
expect "with a command that needs the store, the store is connected first" 1 "" \
  "error: failed to connect to the hypervisor\nerror: unsupported URI 'qemu:///system': $accepted\n" -- \
  "$VIRTCKPT" -c qemu:///system "validate $CREATE; list"
expect "a -c DIR that does not exist" 0 "$CREATE validates against $SCH/domaincheckpoint.rng (checkpoint)\n\n" "" -- \
  "$VIRTCKPT" -c "$T/missing-store" validate "$CREATE"
[ -e "$T/missing-store" ] && { echo "FAIL: validate created $T/missing-store"; failures=$((failures + 1)); }
mkdir "$T/home"
expect "the default store" 0 "$CREATE validates against $SCH/domaincheckpoint.rng (checkpoint)\n\n" "" -- \
  env -u XDG_DATA_HOME HOME="$T/home" "$VIRTCKPT" validate "$CREATE"
[ -n "$(ls -A "$T/home")" ] && { echo "FAIL: validate created $(ls -A "$T/home") in \$HOME"; failures=$((failures + 1)); }
# a store whose format file cannot be read would fail any command that opens it
mkdir -p "$T/unreadable-store/.virtckpt-format"
expect "a store that would not open" 0 "$CREATE validates against $SCH/domaincheckpoint.rng (checkpoint)\n\n" "" -- \
  "$VIRTCKPT" -c "$T/unreadable-store" validate "$CREATE"

echo "== help"
expect "validate --help" 0 \
  "  NAME\n    validate - validate XML documents against their schemas\n\n  SYNOPSIS\n    validate <file>... [--type <string>] [--json]\n\n  DESCRIPTION\n    Checks each file (- for standard input) against virtckpt's schema of its document type, which its root element tells unless --type is given; a <domain> against libvirt's schema where it is installed. Opens no store.\n\n  OPTIONS\n    <file>           the documents to check (- for standard input)\n    --type <string>  document type: checkpoint, storefile, domain, domainbackup, manifest or bundle\n    --json           print JSON instead of text\n\n\n" "" -- \
  "$VIRTCKPT" -c qemu:///system validate --help
expect "help validation" 0 \
  " Validation (help keyword 'validation'):\n    validate                       validate XML documents against their schemas\n\n" "" -- \
  "$VIRTCKPT" -c "$STORE" help validation

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all passed"
