#!/usr/bin/env bash
# virtckpt's global options in their short and long forms, parsed by getopt_long's rules as
# virsh parses its own: -v/--version print the version, -V/--version=long the long version,
# -h/--help the same text (virsh's layout), -c DIR/-cDIR/--connect DIR/--connect=DIR/--conn DIR
# the same store, -q/--quiet the same quiet output, short options clustered (-qc DIR), '--'
# ends the options; an empty command string fails silently before the store is opened, as
# virsh's does.
# Usage: global_options_test.sh VIRTCKPT SOURCE_ROOT VERSION LIBXML2_VERSION BOOST_VERSION
set -u
# absolute, since the test runs in its own directory
VIRTCKPT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
VERSION=$3
LIBXML2_VERSION=$4
BOOST_VERSION=$5
T=$(mktemp -d /tmp/virtckpt-options.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
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

for form in "--version=short" "--version=x" "--version=" "--vers" "--version long" "-vV" "-vx" "-qv"; do
  # shellcheck disable=SC2086 # the form's words are separate arguments
  run "v_$form" "$VIRTCKPT" $form
  same "v_$form" v
done
run V "$VIRTCKPT" -V
expect V 0 "Virtckpt command line tool $VERSION\n\nCompiled with support for:\n Stores: Directory\n Libraries: libxml2 $LIBXML2_VERSION Boost.Filesystem $BOOST_VERSION\n" ""
for form in "--version=long" "--ver=long" "-Vv" "-qV" "-V=x"; do
  run "V_$form" "$VIRTCKPT" "$form"
  same "V_$form" V
done

# -h: virsh's usage lines and its option list with virtckpt's options, then the commands as
# 'help' groups them, each group's title without help's colon, and virsh's two hints.
run h "$VIRTCKPT" -h
run help_listing "$VIRTCKPT" -q help
{
  printf '\nvirtckpt [options]... [<command_string>]\nvirtckpt [options]... <command> [args...]\n\n'
  printf '  options:\n'
  printf '    -c | --connect=DIR      store directory (or postgresql:// URI)\n'
  printf '    -h | --help             this help\n'
  printf '    -q | --quiet            quiet mode\n'
  printf '    -r | --readonly         connect readonly\n'
  printf '    -v                      short version\n'
  printf '    -V                      long version\n'
  printf '         --version[=TYPE]   version, TYPE is short or long (default short)\n'
  printf '  commands (non interactive mode):\n\n'
  tail -n +3 "$T/help_listing.out" | sed "s/^\( .* (help keyword '[a-z]*')\):\$/\1/"
  printf '\n  (specify help <group> for details about the commands in the group)\n'
  printf '\n  (specify help <command> for details about the command)\n\n'
} >"$T/usage.want"
if [ "$(cat "$T/h.rc")" = 0 ] && [ ! -s "$T/h.err" ] && cmp -s "$T/usage.want" "$T/h.out" &&
   grep -qx ' Checkpoint (help keyword .checkpoint.)' "$T/h.out" &&
   grep -qx '    checkpoint-create-as           Create a checkpoint from a set of args' "$T/h.out"; then
  echo "ok: -h"
else
  echo "FAIL: -h: exit status $(cat "$T/h.rc"), stderr $(cat "$T/h.err"), stdout:"
  diff "$T/usage.want" "$T/h.out"
  failures=$((failures + 1))
fi
for form in "--help" "--h" "--he" "-hx" "-qh" "-h --bogus"; do
  # shellcheck disable=SC2086 # the form's words are separate arguments
  run "h_$form" "$VIRTCKPT" $form
  same "h_$form" h
done

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
run conn "$VIRTCKPT" --conn "$S" "$commands"
same conn c
run conn_equals "$VIRTCKPT" "--conn=$S" "$commands"
same conn_equals c
run attached "$VIRTCKPT" "-c$S" "$commands"
same attached c
run qc "$VIRTCKPT" -qc "$S" "$commands"
same qc q
run qc_attached "$VIRTCKPT" "-qc$S" "$commands"
same qc_attached q
run rqc "$VIRTCKPT" -rqc "$S" "checkpoint-create-as single c9; checkpoint-list single --name"
expect rqc 0 "" "error: operation forbidden: read only access prevents virDomainCheckpointCreateXML\n"
run last_c "$VIRTCKPT" -c "$T/none" -c "$S" "$commands"
same last_c c
run dashdash "$VIRTCKPT" -c "$S" -- list --name
expect dashdash 0 "single\n\n" ""
run unknown "$VIRTCKPT" -c "$S" --bogus list
expect unknown 1 "" "error: unsupported option '--bogus'. See --help.\n"
# -c takes the next word, whatever it is.
run c_dash "$VIRTCKPT" -c -q list
expect c_dash 1 "\n" "error: failed to connect to the hypervisor\nerror: the store directory '$T/-q' does not exist (a command that writes, such as define, creates it)\n"
for form in "-c" "--connect" "--conn" "-qc" "-rq -c"; do
  # shellcheck disable=SC2086 # the form's words are separate arguments
  run "missing_$form" "$VIRTCKPT" $form
  expect "missing_$form" 1 "" "error: option '-c'/'--connect' requires an argument\n"
done

# An empty command string: exit status 1, nothing printed, the store not even opened; a blank
# one runs nothing and succeeds; two words, the first empty, are an unknown command.
run empty "$VIRTCKPT" -c "$S" ""
expect empty 1 "" ""
run empty_dashdash "$VIRTCKPT" -c "$S" -- ""
expect empty_dashdash 1 "" ""
run empty_no_store "$VIRTCKPT" -c "$T/none" ""
expect empty_no_store 1 "" ""
run empty_uri "$VIRTCKPT" -c qemu:///system ""
expect empty_uri 1 "" ""
run blank "$VIRTCKPT" -c "$S" " "
expect blank 0 "" ""
run empty_words "$VIRTCKPT" -c "$S" "" list
expect empty_words 1 "" "error: unknown command: ''\n"

if [ "$failures" -gt 0 ]; then
  echo "$failures failures"
  exit 1
fi
echo "all passed"
