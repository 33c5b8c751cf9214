#!/usr/bin/env bash
# Which stores virtckpt opens: a directory (-c, $VIRTCKPT_ROOT, the default store), never a
# libvirt URI taken as a path; commands that only read create nothing; virsh's own commands in
# argv mode (cd refused, quit stops, -q drops the blank line).
# Usage: connect_test.sh VIRTCKPT SOURCE_ROOT
set -u
VIRTCKPT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$2
T=$(mktemp -d /tmp/virtckpt-connect.XXXXXX)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
failures=0

# expect NAME WANT_RC WANT_STDOUT WANT_STDERR -- COMMAND...
expect() {
  local name=$1 want_rc=$2 want_out=$3 want_err=$4
  shift 5
  local rc=0
  (cd "$T/cwd" && "$@") >"$T/out" 2>"$T/err" || rc=$?
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

nothing_in() {  # nothing_in NAME DIR: DIR is empty
  if [ -n "$(ls -A "$2")" ]; then
    echo "FAIL: $1: $(ls -A "$2" | tr '\n' ' ')was created in $2"
    failures=$((failures + 1))
  fi
}

mkdir -p "$T/cwd"
accepted="virtckpt connects to a store directory (a path) or to a postgresql:// or postgres:// URI"
for uri in qemu:///system test:///default xen://host/ qemu:; do
  expect "-c $uri is refused" 1 "" \
    "error: failed to connect to the hypervisor\nerror: unsupported URI '$uri': $accepted\n" -- \
    "$VIRTCKPT" -c "$uri" list
  expect "\$VIRTCKPT_ROOT=$uri is refused" 1 "" \
    "error: failed to connect to the hypervisor\nerror: unsupported URI '$uri': $accepted\n" -- \
    env VIRTCKPT_ROOT="$uri" "$VIRTCKPT" echo hi
done
# As virsh, the command line is parsed before the connection is made: a parse error is all
# that is reported.
for line in "nosuchcmd" "list --bogus" 'echo a\' "list; nosuch"; do
  case $line in
    nosuchcmd) want="error: unknown command: 'nosuchcmd'" ;;
    "list --bogus") want="error: command 'list' doesn't support option --bogus" ;;
    'echo a\') want='error: dangling \\' ;;
    *) want="error: unknown command: 'nosuch'" ;;
  esac
  expect "'$line' with -c qemu:///system: the parse error only" 1 "" "$want\n" -- \
    "$VIRTCKPT" -c qemu:///system "$line"
done
expect "nosuch extra with -c qemu:///system: the parse error only" 1 "" \
  "error: unknown command: 'nosuch'\n" -- "$VIRTCKPT" -c qemu:///system nosuch extra
nothing_in "URIs" "$T/cwd"

missing="$T/missing"
for read in "list" "list --all --name" "checkpoint-list vm" "dumpxml vm" "domblklist vm" \
            "backup-plan vm" "domjobinfo vm"; do
  # shellcheck disable=SC2086
  expect "$read on a -c DIR that does not exist" 1 "\n" \
    "error: failed to connect to the hypervisor\nerror: the store directory '$missing' does not exist (a command that writes, such as define, creates it)\n" -- \
    "$VIRTCKPT" -c "$missing" $read
done
[ -e "$missing" ] && { echo "FAIL: reads created $missing"; failures=$((failures + 1)); }
expect "define creates the store" 0 "Domain 'single' defined from $SRC/xml-examples/domain-single.xml\n\n" "" -- \
  "$VIRTCKPT" -c "$missing" define "$SRC/xml-examples/domain-single.xml"
expect "-c with a relative directory" 0 "single\n\n" "" -- \
  "$VIRTCKPT" -c "../missing" list --name

# The default store, for a user without $VIRTCKPT_ROOT: a missing one reads as empty.
as_user=()
[ "$(id -u)" = 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
mkdir -p "$T/home"
chmod 777 "$T/home"
expect "the default store that does not exist yet reads as empty" 0 \
  " Id   Name   State\n--------------------\n\n" "" -- \
  env -u VIRTCKPT_ROOT -u XDG_DATA_HOME HOME="$T/home" "${as_user[@]}" "$VIRTCKPT" list
nothing_in "reading the default store" "$T/home"

expect "cd is virsh's interactive-only command" 1 "\n" \
  "error: cd: command valid only in interactive mode\n" -- "$VIRTCKPT" -c "$missing" cd /
expect "quit stops the commands after it" 0 "a\n" "" -- \
  "$VIRTCKPT" -c "$missing" 'echo a; quit; echo b'
expect "exit too" 0 "a\n" "" -- "$VIRTCKPT" -c "$missing" 'echo a; exit; echo b'
expect "-q drops the blank line after each command" 0 "ab" "" -- \
  "$VIRTCKPT" -q -c "$missing" 'echo a; echo b'
expect "echo --err is no failure in argv mode" 0 "\n" "error: oops\n" -- \
  "$VIRTCKPT" -c "$missing" echo --err oops
expect "but counts on standard input" 1 "\nx\n" "error: oops\n" -- \
  sh -c "printf 'echo --err oops\necho x\nquit\necho no\n' | '$VIRTCKPT' -c '$missing'"

if [ "$failures" -gt 0 ]; then
  echo "$failures failures"
  exit 1
fi
echo "all passed"
