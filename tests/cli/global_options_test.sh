#!/usr/bin/env bash
# virtckpt's global options in their short and long forms: -v/--version print the version,
# -h/--help the same text, -c DIR/--connect DIR/--connect=DIR the same store, -q/--quiet the
# same quiet output, and '--' ends the options.
# Usage: global_options_test.sh VIRTCKPT SOURCE_ROOT VERSION
set -u
VIRTCKPT=$1
SRC=$2
VERSION=$3
T=$(mktemp -d /tmp/virtckpt-options.XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0

# run NAME COMMAND...: its stdout, stderr and exit status in $T/NAME.{out,err,rc}
run() {
  local name=$1 rc=0
  shift
  "$@" >"$T/$name.out" 2>"$T/$name.err" || rc=$?
  echo "$rc" >"$T/$name.rc"
}

# expect NAME WANT_RC WANT_STDOUT WANT_STDERR (printf %b escapes)
expect() {
  local name=$1
  if [ "$(cat "$T/$name.rc")" != "$2" ] || [ "$(cat "$T/$name.out"; echo .)" != "$(printf '%b' "$3"; echo .)" ] ||
     [ "$(cat "$T/$name.err"; echo .)" != "$(printf '%b' "$4"; echo .)" ]; then
    echo "FAIL: $name"
    echo "  want rc=$2 stdout=$(printf '%q' "$(printf '%b' "$3")") stderr=$(printf '%q' "$(printf '%b' "$4")")"
    echo "  got  rc=$(cat "$T/$name.rc") stdout=$(printf '%q' "$(cat "$T/$name.out")") stderr=$(printf '%q' "$(cat "$T/$name.err")")"
    failures=$((failures + 1))
  else
    echo "ok: $name"
  fi
}

# same NAME OTHER: NAME gave exactly what OTHER gave
same() {
  if cmp -s "$T/$1.out" "$T/$2.out" && cmp -s "$T/$1.err" "$T/$2.err" && cmp -s "$T/$1.rc" "$T/$2.rc"; then
    echo "ok: $1 is $2"
  else
    echo "FAIL: $1 differs from $2"
    diff "$T/$2.out" "$T/$1.out"
    diff "$T/$2.err" "$T/$1.err"
    failures=$((failures + 1))
  fi
}

run v "$VIRTCKPT" -v
expect v 0 "$VERSION\n" ""
run version "$VIRTCKPT" --version
expect version 0 "$VERSION\n" ""

run h "$VIRTCKPT" -h
run help "$VIRTCKPT" --help
same help h
if [ "$(cat "$T/h.rc")" != 0 ] || [ -s "$T/h.err" ] ||
   ! grep -qx '    checkpoint-create-as           Create a checkpoint from a set of args' "$T/h.out"; then
  echo "FAIL: -h: exit status $(cat "$T/h.rc"), stderr $(cat "$T/h.err"), or no checkpoint-create-as line"
  failures=$((failures + 1))
else
  echo "ok: -h lists the commands"
fi

S=$T/store
run define "$VIRTCKPT" -c "$S" define "$SRC/xml-examples/domain-single.xml"
expect define 0 "Domain 'single' defined from $SRC/xml-examples/domain-single.xml\n\n" ""
commands='checkpoint-create-as single c1; checkpoint-list single --name; checkpoint-info single c1; checkpoint-delete single c1; list'
run c "$VIRTCKPT" -c "$S" "$commands"
expect c 0 "Domain checkpoint c1 created\nc1\n\nName:           c1\nDomain:         single\nParent:         -\nChildren:       0\nDescendants:    0\n\nDomain checkpoint c1 deleted\n\n Id   Name     State\n----------------------\n -    single   -\n\n" ""
run connect "$VIRTCKPT" --connect "$S" "$commands"
same connect c
run connect_equals "$VIRTCKPT" "--connect=$S" "$commands"
same connect_equals c
run q "$VIRTCKPT" -q -c "$S" "$commands"
expect q 0 "c1\nName:           c1\nDomain:         single\nParent:         -\nChildren:       0\nDescendants:    0\n -   single   -\n" ""
run quiet "$VIRTCKPT" --quiet -c "$S" "$commands"
same quiet q
run dashdash "$VIRTCKPT" -c "$S" -- list --name
expect dashdash 0 "single\n\n" ""
run unknown "$VIRTCKPT" -c "$S" --bogus list
expect unknown 1 "" "error: unsupported option '--bogus'. See --help.\n"

if [ "$failures" -gt 0 ]; then
  echo "$failures failures"
  exit 1
fi
echo "all passed"
