#!/usr/bin/env bash
# The file store on a full disk, through the virtckpt binary: a failing write command says
# "error: ..." with status 1 and leaves every file as it was; with room for one page a command
# may fail, but then it has changed nothing; with room again everything works.
#
#   tests/store/crash_full_disk_test.sh VIRTCKPT [SOURCE_ROOT]
#
# The disk is a 1 MiB tmpfs: skipped (77) when not root or when it cannot be mounted.
. "$(dirname "$0")/crash_lib.sh"

FULL=$WORK/full
mkdir -p "$FULL"
[ "$(id -u)" -eq 0 ] || skip "not root, cannot mount a tmpfs"
mount_error=$(mount -t tmpfs -o size=1m,mode=0700 tmpfs "$FULL" 2>&1) ||
  skip "cannot mount a tmpfs: $mount_error"
MOUNTED=$FULL

snapshot() {  # every file of the domain (but the lock) with its bytes, and the listing
  (cd "$ROOT/$DOM" && find . -type f ! -name lock -print0 | sort -z | xargs -0 sha256sum)
  v checkpoint-list $DOM --parent --topological 2>&1
}

# expect_enospc WHAT REGEX CMD...: status 1, stdout empty, stderr matching REGEX, nothing changed.
expect_enospc() {
  local what=$1 regex=$2
  shift 2
  local before after out rc
  before=$(snapshot)
  out=$("$@" 2>"$WORK/stderr")
  rc=$?
  after=$(snapshot)
  if [ $rc -ne 1 ] || [ -n "$out" ] || ! grep -qE "$regex" "$WORK/stderr" ||
    [ "$(wc -l <"$WORK/stderr")" -ne 1 ]; then
    fail "full disk, $what: exit $rc, stdout '$out', stderr '$(cat "$WORK/stderr")' (expected exit 1 and /$regex/)"
  fi
  if [ "$before" != "$after" ]; then
    fail "full disk, $what: the store changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
  fi
}

ROOT=$FULL/root
v define "$DOMAIN_XML" >/dev/null || fail "define on tmpfs"
for n in c1 c2 c3; do v checkpoint-create-as $DOM $n "before the disk filled up" >/dev/null; done
v checkpoint-create-as $DOM c4 --print-xml >"$WORK/c4.xml" 2>/dev/null
dd if=/dev/zero of="$FULL/filler" bs=4096 >/dev/null 2>&1
[ "$(df --output=avail -B1 "$FULL" | tail -n 1 | tr -d ' ')" = 0 ] || fail "the tmpfs is not full"
# The first write to fail is the journal's (multi-file commands) or the one file's.
enospc="^error: Failed to write file '$ROOT/$DOM/[^']+\\.tmp[0-9]+': No space left on device\$"
expect_enospc "create" "$enospc" v checkpoint-create-as $DOM c4
expect_enospc "create from XML" "$enospc" v checkpoint-create $DOM "$WORK/c4.xml"
v checkpoint-dumpxml $DOM c2 >"$WORK/c2.xml"
expect_enospc "redefine" "$enospc" v checkpoint-create $DOM "$WORK/c2.xml" --redefine
expect_enospc "delete of current" "$enospc" v checkpoint-delete $DOM c3
expect_enospc "delete of a middle checkpoint" "$enospc" v checkpoint-delete $DOM c2
expect_enospc "delete --metadata of current" "$enospc" v checkpoint-delete $DOM c3 --metadata
expect_enospc "delete --metadata of a middle checkpoint" "$enospc" \
  v checkpoint-delete $DOM c2 --metadata
expect_enospc "define" "$enospc" v define "$DOMAIN_XML"
[ -z "$(find "$ROOT" -name '*.tmp*')" ] || fail "full disk: temporary files left: $(find "$ROOT" -name '*.tmp*')"

# Room for one page (4 KiB, each file takes one): a command may fail, but then it must have
# changed nothing (and recorded no bitmap operation).
one_page() {  # one_page WHAT CMD...: run with one free page; EXPECT_CURRENT after a success
  local what=$1
  shift
  rm -f "$FULL/filler"
  dd if=/dev/zero of="$FULL/filler" bs=4096 >/dev/null 2>&1
  truncate -s -4096 "$FULL/filler"
  local before after out rc
  before=$(snapshot)
  out=$("$@" 2>&1)
  rc=$?
  if [ $rc -ne 0 ]; then
    after=$(snapshot)
    [ "$before" = "$after" ] ||
      fail "full disk, $what with one free page: '$out' (exit $rc), but the store changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
  elif [ "$(cat "$ROOT/$DOM/current" 2>/dev/null)" != "$EXPECT_CURRENT" ]; then
    fail "full disk, $what with one free page: succeeded, but current is '$(cat "$ROOT/$DOM/current")'"
  fi
  rm -f "$FULL/filler"
}
EXPECT_CURRENT=c2 one_page "delete of current" v checkpoint-delete $DOM c3
# Back to c1 <- c2 <- c3 (current c3), without bitmap operations.
v checkpoint-dumpxml $DOM c3 >"$WORK/c3.xml" 2>/dev/null || true
v checkpoint-delete $DOM c3 --metadata >/dev/null 2>&1
v checkpoint-create $DOM "$WORK/c3.xml" --redefine >/dev/null 2>&1
v bitmap-ops $DOM --clear >/dev/null
rm -f "$ROOT/$DOM/bitmap-ops.xml"
run_ok "list after the delete test" v checkpoint-list $DOM --tree
[ "$OUT" = "$(printf 'c1\n  |\n  +- c2\n      |\n      +- c3\n        \n\n')" ] ||
  fail "full disk: could not restore c1 <- c2 <- c3: $OUT"
EXPECT_CURRENT=c4 one_page "create" v checkpoint-create-as $DOM c4

# Room again: everything works.
v checkpoint-delete $DOM c4 >/dev/null 2>&1
run_ok "create with room again" v checkpoint-create-as $DOM c5
run_ok "list with room again" v checkpoint-list $DOM --name
[ "$OUT" = "$(printf 'c1\nc2\nc3\nc5\n')" ] || fail "after the disk had room again: '$OUT'"
run_ok "parent of c5" v checkpoint-parent $DOM c5
[ "$OUT" = c3 ] || fail "full disk: the parent of c5 is '$OUT', not c3"
umount "$FULL" && MOUNTED=""
finish
