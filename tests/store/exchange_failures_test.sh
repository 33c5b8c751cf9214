#!/usr/bin/env bash
# A checkpoint-import that fails changes nothing: the export of a 20-checkpoint domain (a chain,
# and a tree with branches) has its i-th document (in the manifest's order, i = 1..20) made bad
# in each of the ways of damage_export (exchange_lib.sh): schema-invalid, checksum mismatch,
# parent missing, the uuid of another domain in the embedded <domain>, another name than the
# manifest entry's. Each is imported
#   (a) into a store where the domain exists with other checkpoints,
#   (b) into a store where it does not exist (another domain does),
#   (c) with a store directory that does not exist (the first and the last document only),
# and must exit 1 with nothing but virsh's empty line on stdout, and exactly
#   error: cannot import 'FILE'
#   error: REASON
# on stderr, FILE the damaged document; every name, mode and byte of the store must be as
# before (the index, current and lock file included), and so must what readers see (list --all,
# the tree, the JSON listing, the definition, the settings); in (b) the domain does not exist
# afterwards, in (c) the store directory does not. The undamaged exports then import into both
# stores. The same damages in a bundle, at the first, a middle and the last entry, fail alike
# (naming BUNDLE#NAME). An export into a path that cannot be a directory, or into a read-only directory with
# an earlier export, exits 1 with its error and changes nothing.
#
#   tests/store/exchange_failures_test.sh VIRTCKPT [SOURCE_ROOT]
. "$(dirname "$0")/crash_lib.sh"
. "$(dirname "$0")/exchange_lib.sh"

note "the exports"
make_chain_store "$WORK/chain"
make_branch_store "$WORK/branch"
for variant in chain branch; do
  v=$WORK/x-$variant
  "$VIRTCKPT" -c "$WORK/$variant" checkpoint-export $DOM "$v.orig" >/dev/null || fail "export $variant"
  cp -a "$v.orig" "$v"
  [ "$(entry_names "$v/manifest.xml" | wc -l)" = $CHECKPOINTS ] ||
    fail "the $variant export has not $CHECKPOINTS entries"
done
# The branches interleave: the manifest's order is parents first, not the order of creation.
[ "$(entry_names "$WORK/x-branch/manifest.xml" | tr '\n' ' ')" = \
  "c1 c2 c3 c4 c5 c6 c7 c8 b15 b20 b12 b13 b19 b14 b9 b11 b16 b10 b17 b18 " ] ||
  fail "the branch export's order: $(entry_names "$WORK/x-branch/manifest.xml" | tr '\n' ' ')"

make_target_store "$WORK/a"
make_empty_store "$WORK/b"
declare -A SNAP STATE
for store in a b none; do
  SNAP[$store]=$(snapshot_tree "$WORK/$store")
  STATE[$store]=$(domain_state "$WORK/$store")
done
grep -q '^ o3 .* o2$' <<<"${STATE[a]}" || fail "store a does not list o3: ${STATE[a]}"
grep -q "^error: failed to get domain '$DOM'\$" <<<"${STATE[b]}" || fail "store b has $DOM"
echo >"$WORK/newline"

note "damaged exports"
imports=0
for variant in chain branch; do
  x=$WORK/x-$variant
  for pos in $(seq 1 $CHECKPOINTS); do
    for damage in $DAMAGES; do
      damage_export "$x" "$pos" "$damage" || continue
      expected="error: cannot import '$BAD_FILE'"$'\n'"error: $BAD_REASON"
      stores="a b"
      [ "$pos" -ne 1 ] && [ "$pos" -ne $CHECKPOINTS ] || stores+=" none"
      for store in $stores; do
        imports=$((imports + 1))
        ctx="$variant export, document $pos (${BAD_FILE##*/}) $damage, store $store"
        "$VIRTCKPT" -c "$WORK/$store" checkpoint-import $DOM "$x" >"$WORK/out" 2>"$WORK/err"
        rc=$?
        [ $rc -eq 1 ] || fail "$ctx: exit $rc"
        cmp -s "$WORK/out" "$WORK/newline" || fail "$ctx: stdout '$(cat "$WORK/out")'"
        [ "$(cat "$WORK/err")" = "$expected" ] ||
          fail "$ctx: stderr '$(cat "$WORK/err")', expected '$expected'"
        now=$(snapshot_tree "$WORK/$store")
        [ "$now" = "${SNAP[$store]}" ] ||
          fail "$ctx: the store changed: $(diff <(echo "${SNAP[$store]}") <(echo "$now") | grep '^[<>]' | tr '\n' ' ')"
        # What readers see (nothing at all of a store that does not exist).
        [ $store = none ] && continue
        now=$(domain_state "$WORK/$store")
        [ "$now" = "${STATE[$store]}" ] ||
          fail "$ctx: readers see another state: $(diff <(echo "${STATE[$store]}") <(echo "$now") | grep '^[<>]' | tr '\n' ' ')"
      done
      restore_export "$x"
    done
  done
done
echo "   $imports failing imports ($CHECKPOINTS positions x $(wc -w <<<"$DAMAGES") damages x 2 exports x" \
  "2 stores, and 2 positions x 5 damages x 2 exports without a store)"
[ $imports -eq $((CHECKPOINTS * 5 * 2 * 2 + 2 * 5 * 2)) ] || fail "only $imports failing imports"
# The readers changed nothing either (the stores' indexes are current: they rewrite none).
for store in a b none; do
  [ "$(snapshot_tree "$WORK/$store")" = "${SNAP[$store]}" ] || fail "store $store changed"
done

note "damaged bundles"
# The same damages in a bundle of the chain (bundle_of_export gives what checkpoint-export -
# prints), at the first, a middle and the last entry: an entry's document is named
# BUNDLE#NAME; one that the bundle's schema refuses makes the bundle itself refused.
x=$WORK/x-chain
B=$WORK/bundle.xml
"$VIRTCKPT" -q -c "$WORK/chain" checkpoint-export $DOM - >"$WORK/real-bundle.xml" || fail "bundle"
bundle_of_export "$x" >"$B"
cmp -s "$B" "$WORK/real-bundle.xml" || fail "bundle_of_export is not checkpoint-export's bundle"
bundle_imports=0
for pos in 1 10 $CHECKPOINTS; do
  for damage in $DAMAGES; do
    damage_export "$x" "$pos" "$damage" || continue
    bundle_of_export "$x" >"$B"
    name=${BAD_FILE##*/}
    name=${name%.xml}
    if [ "$damage" = schema ]; then
      expected="error: cannot import '$B'"$'\n'"error: XML document failed to validate against schema: Unable to validate doc against $VIRTCKPT_SCHEMA_DIR/checkpointbundle.rng"$'\n'"Element domaincheckpoint has extra content: bogus"
    else
      expected="error: cannot import '$B#$name'"$'\n'"error: $BAD_REASON"
    fi
    for store in a b; do
      bundle_imports=$((bundle_imports + 1))
      ctx="bundle, entry $pos ($name) $damage, store $store"
      "$VIRTCKPT" -c "$WORK/$store" checkpoint-import $DOM "$B" >"$WORK/out" 2>"$WORK/err"
      rc=$?
      [ $rc -eq 1 ] || fail "$ctx: exit $rc"
      cmp -s "$WORK/out" "$WORK/newline" || fail "$ctx: stdout '$(cat "$WORK/out")'"
      # The schema's complaint goes on with what libxml2 makes of the rest of the bundle.
      [ "$(head -n "$(wc -l <<<"$expected")" "$WORK/err")" = "$expected" ] ||
        fail "$ctx: stderr '$(cat "$WORK/err")', expected '$expected'"
      [ $damage = schema ] || [ "$(wc -l <"$WORK/err")" = 2 ] || fail "$ctx: stderr '$(cat "$WORK/err")'"
      [ "$(snapshot_tree "$WORK/$store")" = "${SNAP[$store]}" ] || fail "$ctx: the store changed"
      [ "$(domain_state "$WORK/$store")" = "${STATE[$store]}" ] || fail "$ctx: readers see another state"
    done
    restore_export "$x"
  done
done
echo "   $bundle_imports failing imports of bundles"

note "the undamaged exports"
for variant in chain branch; do
  for store in a b; do
    rm -rf "$WORK/ok"
    cp -a "$WORK/$store" "$WORK/ok"
    run_ok "import of the $variant export into store $store" \
      "$VIRTCKPT" -c "$WORK/ok" checkpoint-import $DOM "$WORK/x-$variant"
    run_ok "list after it" "$VIRTCKPT" -c "$WORK/ok" checkpoint-list $DOM --name
    want=$( (entry_names "$WORK/x-$variant/manifest.xml"; [ $store = b ] || printf 'o1\no2\no3\n') | sort)
    [ "$(sed '/^$/d' <<<"$OUT" | sort)" = "$want" ] ||
      fail "$variant into $store: listed $(tr '\n' ' ' <<<"$OUT")"
    current=$(sed -n 's|^  <current>\(.*\)</current>$|\1|p' "$WORK/x-$variant/manifest.xml")
    [ "$(cat "$WORK/ok/$DOM/current")" = "$current" ] || fail "$variant into $store: current"
  done
done
for store in a b; do
  rm -rf "$WORK/ok"
  cp -a "$WORK/$store" "$WORK/ok"
  run_ok "import of the bundle into store $store" \
    "$VIRTCKPT" -c "$WORK/ok" checkpoint-import $DOM "$WORK/real-bundle.xml"
  run_ok "list after it" "$VIRTCKPT" -c "$WORK/ok" checkpoint-list $DOM --name
  [ "$(sed '/^$/d' <<<"$OUT" | grep -c '^c[0-9]*$')" = $CHECKPOINTS ] ||
    fail "bundle into $store: listed $(tr '\n' ' ' <<<"$OUT")"
done

note "exports that cannot be written"
# expect_failed_export CONTEXT EXPECTED_STDERR DIR: the export to DIR exits 1 with virsh's empty
# line and exactly EXPECTED_STDERR.
expect_failed_export() {
  "$VIRTCKPT" -c "$WORK/chain" checkpoint-export $DOM "$3" >"$WORK/out" 2>"$WORK/err"
  local rc=$?
  [ $rc -eq 1 ] || fail "$1: exit $rc"
  cmp -s "$WORK/out" "$WORK/newline" || fail "$1: stdout '$(cat "$WORK/out")'"
  [ "$(cat "$WORK/err")" = "$2" ] || fail "$1: stderr '$(cat "$WORK/err")', expected '$2'"
}
: >"$WORK/a-file"
expect_failed_export "export into a regular file" \
  "error: Failed to create directory '$WORK/a-file': Not a directory" "$WORK/a-file"
expect_failed_export "export under a regular file" \
  "error: Failed to create directory '$WORK/a-file': Not a directory" "$WORK/a-file/dir"
[ -f "$WORK/a-file" ] && [ ! -s "$WORK/a-file" ] || fail "the regular file changed"
# A directory with an earlier export that cannot be written: read-only (a tmpfs remounted
# read-only, for root, whom modes do not stop; else the directory's mode). The export changes
# nothing in it.
RO=$WORK/read-only
mkdir "$RO"
how=""
if [ "$(id -u)" -eq 0 ]; then
  if mount -t tmpfs -o size=1m,mode=0700 tmpfs "$RO" 2>/dev/null; then
    MOUNTED=$RO
    "$VIRTCKPT" -c "$WORK/branch" checkpoint-export $DOM "$RO/exp" >/dev/null || fail "old export"
    mount -o remount,ro "$RO" && how="a read-only tmpfs"
  fi
else
  "$VIRTCKPT" -c "$WORK/branch" checkpoint-export $DOM "$RO/exp" >/dev/null || fail "old export"
  chmod 0500 "$RO/exp" "$RO/exp/checkpoints" && how="mode 0500"
fi
if [ -z "$how" ]; then
  echo "   the export into a read-only directory skipped: cannot make one here"
else
  before=$(snapshot_tree "$RO/exp")
  expect_failed_export "export into $how" \
    "error: Failed to remove file '$RO/exp/manifest.xml': $([ "$how" = "mode 0500" ] && echo "Permission denied" || echo "Read-only file system")" \
    "$RO/exp"
  [ "$(snapshot_tree "$RO/exp")" = "$before" ] || fail "the export into $how changed it"
  echo "   the export into a directory on $how fails, and changes nothing"
  if [ -n "$MOUNTED" ]; then umount "$RO" && MOUNTED=""; else chmod 0700 "$RO/exp" "$RO/exp/checkpoints"; fi
fi
finish
