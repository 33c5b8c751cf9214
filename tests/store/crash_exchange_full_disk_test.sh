#!/usr/bin/env bash
# checkpoint-import and checkpoint-export on a full disk: an import that fails says "error: ..."
# (one line) with status 1 and leaves every name, mode and byte of the store as it was, for an
# import into a domain that exists (a), one that defines the domain (b) and one that makes the
# store (none: no store directory is left behind); an export that fails
# leaves the old export or no manifest, never a manifest naming a missing or partial file.
#
#   tests/store/crash_exchange_full_disk_test.sh VIRTCKPT [SOURCE_ROOT]
#
# 1. ENOSPC injected (strace) into each system call in turn with which the import creates,
#    writes, links or renames a file or makes a directory (a failed index update after the
#    change is complete, or a failed undo link, may leave the import successful, and then
#    complete); and into the undo link of a file the import replaces together with a later
#    rename (a directory that needs a block for the link, on a disk that then fills up).
# 2. A real full disk, a 1 MiB tmpfs (root): the import with 0, 1, 2, ... free pages until it
#    succeeds; the export into a directory with an earlier export, likewise.
# Each part skips on its own; the test is skipped (77) when both do.
. "$(dirname "$0")/crash_lib.sh"
. "$(dirname "$0")/exchange_lib.sh"

make_chain_store "$WORK/chain"
X=$WORK/export
"$VIRTCKPT" -c "$WORK/chain" checkpoint-export $DOM "$X" >/dev/null || fail "export"
make_target_store "$WORK/base-a"
make_empty_store "$WORK/base-b"
# copy_base STORE TO: a copy of store a or b, or no store at all (none).
copy_base() {
  if [ "$1" = none ]; then
    rm -rf "$2"
  else
    copy_store "$WORK/base-$1" "$2"
  fi
}
declare -A AFTER
for store in a b none; do
  copy_base $store "$WORK/ok"
  run_ok "store $store: import" "$VIRTCKPT" -c "$WORK/ok" checkpoint-import $DOM "$X"
  AFTER[$store]=$(domain_state "$WORK/ok")
done
ran=0

# expect_failed_import CONTEXT ROOT SNAPSHOT RC: the import's status RC, its stderr in
# $WORK/stderr; a failure must have left SNAPSHOT.
expect_failed_import() {
  local ctx=$1 root=$2 snapshot=$3 rc=$4 now
  if [ "$rc" -ne 1 ] || [ "$(wc -l <"$WORK/stderr")" -ne 1 ] || ! grep -q '^error: ' "$WORK/stderr"; then
    fail "$ctx: exit $rc, stderr '$(cat "$WORK/stderr")' (expected exit 1 and one error: line)"
  fi
  now=$(snapshot_tree "$root")
  [ "$now" = "$snapshot" ] ||
    fail "$ctx: the store changed: $(diff <(echo "$snapshot") <(echo "$now") | grep '^[<>]' | head -n 20 | tr '\n' ' ')"
}

if ! command -v strace >/dev/null || ! strace -o /dev/null -e trace=getpid \
  -e inject=getpid:retval=1 true >/dev/null 2>&1; then
  echo "   part 1 skipped: no strace that can inject faults"
else
  ran=$((ran + 1))
  note "ENOSPC at each call"
  for store in a b none; do
    copy_base $store "$WORK/count"
    count_store_calls "$WORK/count" "$WORK/calls" checkpoint-import $DOM "$X" ||
      fail "store $store: the import fails"
    failed=0 succeeded=0
    while read -r syscall occurrence paths; do
      case $syscall in write | openat | mkdir | link | rename) ;; *) continue ;; esac
      copy_base $store "$WORK/full"
      snapshot=$(snapshot_tree "$WORK/full")
      ctx="store $store: ENOSPC at $syscall $occurrence ($paths)"
      (strace -f -qq -o /dev/null -e trace="$syscall" -e inject="$syscall:error=ENOSPC:when=$occurrence" \
        "$VIRTCKPT" -c "$WORK/full" checkpoint-import $DOM "$X" >/dev/null 2>"$WORK/stderr")
      rc=$?
      if [ $rc -eq 0 ] && { [ "$paths" = "$DOM/index" ] || [ "$syscall" = link ]; }; then
        # The index is derived: the change was complete, and its update is best effort. An
        # undo link is needed only if a later write fails.
        succeeded=$((succeeded + 1))
        [ "$(domain_state "$WORK/full")" = "${AFTER[$store]}" ] || fail "$ctx: succeeded, but incomplete"
        continue
      fi
      failed=$((failed + 1))
      expect_failed_import "$ctx" "$WORK/full" "$snapshot" $rc
    done <"$WORK/calls"
    echo "   store $store: $((failed + succeeded)) calls failed in turn: $failed failed imports," \
      "$succeeded that only could not update the index or make an undo link"
    [ $failed -ge 50 ] || fail "store $store: only $failed failed imports"
  done
  # A file the import replaces cannot be linked for its undo (a directory that needs a block
  # for the link, on a full disk), and a later call fails: undoing must not remove the file
  # that it could not keep. The import takes the export's settings (--force) into a domain
  # whose granularity is another, so settings.xml is replaced, then a checkpoint's rename fails.
  BASE=$WORK/base-settings
  copy_store "$WORK/base-a" "$BASE"
  "$VIRTCKPT" -c "$BASE" domain-set $DOM --granularity 131072 >/dev/null || fail "domain-set"
  freeze_index "$BASE"
  copy_store "$BASE" "$WORK/count"
  count_store_calls "$WORK/count" "$WORK/calls" checkpoint-import $DOM "$X" --force ||
    fail "the import --force fails"
  link=$(awk '$1 == "link" && $3 == "single/settings.xml" { print $2 }' "$WORK/calls")
  rename=$(awk '$1 == "rename" && $3 == "single/checkpoints/c10.xml.tmpPID" { print $2 }' "$WORK/calls")
  if [ -z "$link" ] || [ -z "$rename" ]; then
    fail "the import --force does not link settings.xml and write c10: $(tr '\n' ' ' <"$WORK/calls")"
  else
    copy_store "$BASE" "$WORK/full"
    snapshot=$(snapshot_tree "$WORK/full")
    (strace -f -qq -o /dev/null -e trace=link,rename -e inject="link:error=ENOSPC:when=$link" \
      -e inject="rename:error=ENOSPC:when=$rename" \
      "$VIRTCKPT" -c "$WORK/full" checkpoint-import $DOM "$X" --force >/dev/null 2>"$WORK/stderr")
    expect_failed_import "ENOSPC at the undo link of settings.xml, then at the rename of c10" \
      "$WORK/full" "$snapshot" $?
    grep -q "^error: Failed to link file '$WORK/full/$DOM/settings.xml' to '$WORK/full/$DOM/settings.xml.undo': No space left on device\$" "$WORK/stderr" ||
      fail "the failed undo link: $(cat "$WORK/stderr")"
  fi
fi

FULL=$WORK/tmpfs
mkdir -p "$FULL"
if [ "$(id -u)" -ne 0 ]; then
  echo "   part 2 skipped: not root, cannot mount a tmpfs"
elif ! mount_error=$(mount -t tmpfs -o size=1m,mode=0700 tmpfs "$FULL" 2>&1); then
  echo "   part 2 skipped: cannot mount a tmpfs: $mount_error"
else
  MOUNTED=$FULL
  ran=$((ran + 1))
  note "a full tmpfs"
  # fill PAGES: leaves PAGES free pages of 4 KiB on the tmpfs.
  fill() {
    rm -f "$FULL/filler"
    dd if=/dev/zero of="$FULL/filler" bs=4096 >/dev/null 2>&1
    [ "$1" -eq 0 ] || truncate -s -$(($1 * 4096)) "$FULL/filler"
    [ "$(df --output=avail -B4096 "$FULL" | tail -n 1 | tr -d ' ')" = "$1" ] ||
      fail "the tmpfs has not $1 free pages"
  }
  for store in a b; do
    pages=0
    while :; do
      rm -rf "$FULL/root" "$FULL/filler"
      cp -a "$WORK/base-$store" "$FULL/root"
      fill $pages
      snapshot=$(snapshot_tree "$FULL/root")
      "$VIRTCKPT" -c "$FULL/root" checkpoint-import $DOM "$X" >/dev/null 2>"$WORK/stderr"
      rc=$?
      rm -f "$FULL/filler"
      if [ $rc -eq 0 ]; then
        [ "$(domain_state "$FULL/root")" = "${AFTER[$store]}" ] ||
          fail "store $store with $pages free pages: succeeded, but incomplete"
        break
      fi
      ctx="store $store on a full disk with $pages free pages"
      expect_failed_import "$ctx" "$FULL/root" "$snapshot" $rc
      [ $pages -ne 0 ] || grep -q 'No space left on device$' "$WORK/stderr" ||
        fail "$ctx: $(cat "$WORK/stderr")"
      pages=$((pages + 1))
      [ $pages -le 100 ] || {
        fail "store $store: the import fails with 100 free pages: $(cat "$WORK/stderr")"
        break
      }
    done
    echo "   store $store: the import failed with 0 to $((pages - 1)) free pages, succeeded with $pages"
    [ $pages -ge 20 ] || fail "store $store: the import needed only $pages pages"
  done

  # The export, into a directory on the tmpfs with an earlier export (o1 <- o2 <- o3 <- c1 <-
  # ... <- c5, without <domain>).
  "$VIRTCKPT" -c "$WORK/old-store" define "$DOMAIN_XML" >/dev/null || fail "define old"
  for name in o1 o2 o3 c1 c2 c3 c4 c5; do echo "checkpoint-create-as $DOM $name"; done |
    "$VIRTCKPT" -c "$WORK/old-store" >/dev/null || fail "creates in old"
  "$VIRTCKPT" -c "$WORK/old-store" checkpoint-export $DOM "$WORK/old" --no-domain >/dev/null
  pages=0 none=0 old=0
  while :; do
    rm -rf "$FULL/exp" "$FULL/filler"
    cp -a "$WORK/old" "$FULL/exp"
    fill $pages
    "$VIRTCKPT" -c "$WORK/chain" checkpoint-export $DOM "$FULL/exp" >/dev/null 2>"$WORK/stderr"
    rc=$?
    rm -f "$FULL/filler"
    ctx="export on a full disk with $pages free pages"
    m=$FULL/exp/manifest.xml
    if [ $rc -eq 0 ]; then
      cmp -s "$m" "$X/manifest.xml" || fail "$ctx: succeeded, but the manifest is not the export's"
    elif [ "$(wc -l <"$WORK/stderr")" -ne 1 ] || ! grep -q '^error: ' "$WORK/stderr" || [ $rc -ne 1 ]; then
      fail "$ctx: exit $rc, stderr '$(cat "$WORK/stderr")'"
    fi
    if [ -e "$m" ]; then
      cmp -s "$m" "$WORK/old/manifest.xml" || cmp -s "$m" "$X/manifest.xml" ||
        fail "$ctx: a manifest that is neither the old nor the new one"
      [ $rc -eq 0 ] || old=$((old + 1))
      while read -r file sum; do
        [ -f "$FULL/exp/$file" ] && [ "$(sha256sum <"$FULL/exp/$file" | cut -d' ' -f1)" = "$sum" ] ||
          fail "$ctx: the manifest names $file, missing or not matching"
      done < <(entry_files "$m")
    else
      none=$((none + 1))
    fi
    [ $rc -ne 0 ] || break
    pages=$((pages + 1))
    [ $pages -le 100 ] || {
      fail "the export fails with 100 free pages: $(cat "$WORK/stderr")"
      break
    }
  done
  echo "   export: failed with 0 to $((pages - 1)) free pages ($old left the old export, $none" \
    "no manifest), succeeded with $pages"
  [ $pages -ge 10 ] && [ $none -ge 1 ] || fail "the export needed only $pages pages"
  umount "$FULL" && MOUNTED=""
fi
[ $ran -gt 0 ] || skip "neither strace fault injection nor a tmpfs"
finish
