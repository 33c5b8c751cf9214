#!/usr/bin/env bash
# An installed virtckpt reads the schemas installed with it and never the source tree's: the
# build is staged with `meson install --destdir` and the staged binary is run. A schema that
# cannot be read is one error line naming it, exit 1, nothing changed; $VIRTCKPT_SCHEMA_DIR
# overrides the installed directory. validate, and the schemas only it uses (manifest, bundle,
# domainbackup), read the installed ones too.
# Usage: installed_schemas_test.sh MESON BUILD_ROOT SOURCE_ROOT BINDIR SCHEMA_DIR
set -u
MESON=$1 BUILD=$2 SRC=$3 BINDIR=$4 SCHEMA_DIR=$5
unset VIRTCKPT_SCHEMA_DIR VIRTCKPT_ROOT
T=$(mktemp -d /tmp/virtckpt-installed.XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0

if ! "$MESON" install -C "$BUILD" --no-rebuild --quiet --destdir "$T/root" >"$T/install.log" 2>&1; then
  echo "FAIL: meson install --destdir"; cat "$T/install.log"; exit 1
fi
VIRTCKPT=$T/root$BINDIR/virtckpt
SCHEMAS=$T/root$SCHEMA_DIR
STORE=$T/store

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

expect "define --validate with the installed schemas" 0 \
  "Domain 'single' defined from $SRC/xml-examples/domain-single.xml\n\n" "" -- \
  "$VIRTCKPT" -c "$STORE" define --validate "$SRC/xml-examples/domain-single.xml"
expect "checkpoint-create-as with the installed schemas" 0 "Domain checkpoint c1 created\n" "" -- \
  "$VIRTCKPT" -c "$STORE" checkpoint-create-as single c1

for schema in checkpointmanifest.rng checkpointbundle.rng domainbackup.rng; do
  if [ ! -f "$SCHEMAS/$schema" ] || ! cmp -s "$SRC/schemas/$schema" "$SCHEMAS/$schema"; then
    echo "FAIL: $schema is not installed as it is in the source tree"; failures=$((failures + 1))
  fi
done
# validate, without libvirt's schemas (VIRTCKPT_LIBVIRT_SCHEMA_DIR empty), reads only ours
expect "validate with the installed schemas" 0 \
  "$SRC/xml-examples/checkpoint-redefine.xml validates against $SCHEMAS/domaincheckpoint.rng and $SCHEMAS/domain.rng (checkpoint)\n$SRC/xml-examples/domain-single.xml validates against $SCHEMAS/domain.rng (domain)\n$SRC/tests/walker/golden/01-no-since.pull.xml validates against $SCHEMAS/domainbackup.rng (domainbackup)\n$SRC/tests/data/validate/manifest.xml validates against $SCHEMAS/checkpointmanifest.rng (manifest)\n$SRC/tests/data/validate/bundle.xml validates against $SCHEMAS/checkpointbundle.rng (bundle)\n$STORE/single/checkpoints/c1.xml validates against $SCHEMAS/checkpointfile.rng (storefile)\n\n" "" -- \
  env VIRTCKPT_LIBVIRT_SCHEMA_DIR= "$VIRTCKPT" validate "$SRC/xml-examples/checkpoint-redefine.xml" \
  "$SRC/xml-examples/domain-single.xml" "$SRC/tests/walker/golden/01-no-since.pull.xml" \
  "$SRC/tests/data/validate/manifest.xml" "$SRC/tests/data/validate/bundle.xml" \
  "$STORE/single/checkpoints/c1.xml"
mv "$SCHEMAS/domain.rng" "$T/domain.rng"
expect "a schema the bundle's schema refers to (externalRef) is named when missing" 1 "" \
  "error: cannot read schema '$SCHEMAS/domain.rng': No such file or directory\n" -- \
  env VIRTCKPT_LIBVIRT_SCHEMA_DIR= "$VIRTCKPT" -q validate "$SRC/tests/data/validate/bundle.xml"
mv "$T/domain.rng" "$SCHEMAS/domain.rng"

rm "$SCHEMAS/domaincheckpoint.rng"
expect "a missing installed schema is named, the source tree is not consulted" 1 "" \
  "error: cannot read schema '$SCHEMAS/domaincheckpoint.rng': No such file or directory\n" -- \
  "$VIRTCKPT" -q -c "$STORE" checkpoint-create-as single c2
# (listing would need the schema too when the index cannot vouch for c1.xml yet)
expect "nothing was created" 0 "c1.xml\n" "" -- ls "$STORE/single/checkpoints"
mv "$SCHEMAS/basictypes.rng" "$T/basictypes.rng"
cp "$SRC/schemas/domaincheckpoint.rng" "$SCHEMAS/"
expect "a missing included schema is named, without libxml2's messages" 1 "" \
  "error: cannot read schema '$SCHEMAS/basictypes.rng': No such file or directory\n" -- \
  "$VIRTCKPT" -q -c "$STORE" checkpoint-create-as single c2

mkdir "$T/empty"
expect "VIRTCKPT_SCHEMA_DIR is where schemas are looked for" 1 "" \
  "error: cannot read schema '$T/empty/settings.rng': No such file or directory\n" -- \
  env VIRTCKPT_SCHEMA_DIR="$T/empty" "$VIRTCKPT" -q -c "$STORE" checkpoint-create-as single c2
expect "VIRTCKPT_SCHEMA_DIR overrides the installed directory" 0 "Domain checkpoint c2 created\n" "" -- \
  env VIRTCKPT_SCHEMA_DIR="$SRC/schemas" "$VIRTCKPT" -c "$STORE" checkpoint-create-as single c2

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
