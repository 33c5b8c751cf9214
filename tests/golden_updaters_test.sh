#!/bin/bash
# The golden updaters refuse to run in a CI run: with VIRTCKPT_CI=1, a walker scenario with
# VIRTCKPT_UPDATE_GOLDEN=1 and regen-from-virsh.py without --check fail with a message and leave
# their golden files byte for byte as they were. They run on copies whose goldens carry a mark
# no updater would write, and each also runs once without VIRTCKPT_CI, which must rewrite its
# copy (or this test could not see a rewrite).
# Usage: golden_updaters_test.sh VIRTCKPT SOURCE_ROOT. Exit 0 pass, 1 fail, 77 skipped (a tool
# the walker scenario or regen-from-virsh.py needs is missing).
set -u
VIRTCKPT=$1
SRC=$2
T=$(mktemp -d /tmp/virtckpt-updaters.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

for tool in qemu-img virt-xml-validate xmllint virsh faketime; do
  command -v "$tool" >/dev/null 2>&1 ||
    { echo "SKIP: $tool not found: the updaters cannot run without it"; exit 77; }
done

# copy_tree DIR PATH...: the source files at PATH (relative to SRC) copied under DIR.
copy_tree() {
  local dir=$1 path
  shift
  for path in "$@"; do
    mkdir -p "$dir/$(dirname "$path")"
    cp -R "$SRC/$path" "$dir/$path"
  done
}

# mark FILE...: appends a line no updater writes; marked FILE... then says whether all still
# have it.
mark() { local f; for f in "$@"; do echo "@@not written by an updater@@" >>"$f"; done; }
marked() {
  local f
  for f in "$@"; do [ "$(tail -n 1 "$f")" = "@@not written by an updater@@" ] || return 1; done
}

# check WHAT EXPECTED-MESSAGE GOLDEN-FILES... -- COMMAND...: COMMAND with VIRTCKPT_CI=1 must exit
# 1, print EXPECTED-MESSAGE and leave the (marked) golden files as they are; without it, the
# golden files are rewritten.
check() {
  local what=$1 message=$2 goldens=() rc
  shift 2
  while [ "$1" != -- ]; do goldens+=("$1"); shift; done
  shift
  mark "${goldens[@]}"
  mkdir -p "$T/before"
  cat "${goldens[@]}" >"$T/before/$what"
  VIRTCKPT_CI=1 "$@" >"$T/out" 2>&1
  rc=$?
  [ "$rc" = 1 ] || fail "$what with VIRTCKPT_CI=1: exit status $rc, want 1"
  grep -qF "$message" "$T/out" || { fail "$what with VIRTCKPT_CI=1 does not say why:"; cat "$T/out"; }
  cat "${goldens[@]}" | cmp -s - "$T/before/$what" ||
    fail "$what with VIRTCKPT_CI=1 changed its golden files"
  env -u VIRTCKPT_CI "$@" >"$T/out" 2>&1
  rc=$?
  [ "$rc" = 0 ] || { fail "$what without VIRTCKPT_CI: exit status $rc, want 0"; cat "$T/out"; }
  ! marked "${goldens[@]}" || fail "$what without VIRTCKPT_CI did not rewrite its golden files"
}

W=$T/walker
copy_tree "$W" tests/walker/lib.sh tests/walker/scenarios/01-no-since.sh tests/walker/golden
check walker "VIRTCKPT_UPDATE_GOLDEN=1 in a CI run (VIRTCKPT_CI=1)" \
  "$W"/tests/walker/golden/01-no-since.* -- \
  env VIRTCKPT_UPDATE_GOLDEN=1 bash "$W/tests/walker/scenarios/01-no-since.sh" "$VIRTCKPT"

R=$T/regen
copy_tree "$R" tests/data/checkpoint tests/unit/golden_cases.hpp xml-examples
check regen-from-virsh "regen-from-virsh.py without --check in a CI run (VIRTCKPT_CI=1)" \
  "$R"/tests/data/checkpoint/out/*.xml "$R"/tests/data/checkpoint/invalid/*.err \
  "$R"/tests/data/checkpoint/libvirt/err/*.err -- \
  python3 "$R/tests/data/checkpoint/regen-from-virsh.py"

[ "$failed" = 0 ] && echo "PASS: both golden updaters refuse with VIRTCKPT_CI=1"
exit "$failed"
