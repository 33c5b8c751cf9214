#!/usr/bin/env bash
# checkpoint-import and checkpoint-export killed (strace fault injection, SIGKILL) right before
# each of the system calls with which they change files, in turn, each time in a fresh copy of
# the same store (crash_lib.sh: count_store_calls, kill_at).
#
# Import of a 20-checkpoint export (a) into a domain that exists with other checkpoints, (b)
# that defines the domain, at every such call, and (force) with --force into a domain with
# other documents of c1 .. c10 and another granularity, at every crash point (as
# crash_points_test.sh chooses them): after each kill the next command (list first, or checkpoint-list
# first, in turn) sees the state before the import or the whole import (the 20 checkpoints
# with their parents and records, current, the definition and the settings), never a part; the
# index vouches for no file it does not know; re-running the import then succeeds, with
# exactly the output of an import into the untouched store, or says that there is nothing to
# import; afterwards nothing a killed writer leaves is left.
#
# Export of that domain into a directory that holds an earlier export (other checkpoints,
# others of the same names with other contents): after each kill the directory holds the old
# manifest or the new one, byte for byte, with every file it names matching its SHA-256, or no
# manifest at all; re-running the export then leaves the new export, complete.
#
#   tests/store/crash_exchange_points_test.sh VIRTCKPT [SOURCE_ROOT]
#
# Skipped (77) without a strace that can inject faults.
. "$(dirname "$0")/crash_lib.sh"
. "$(dirname "$0")/exchange_lib.sh"
need_strace

make_chain_store "$WORK/chain"
X=$WORK/export
"$VIRTCKPT" -c "$WORK/chain" checkpoint-export $DOM "$X" >/dev/null || fail "export"
make_target_store "$WORK/base-a"
make_empty_store "$WORK/base-b"
# Store force: c1 .. c10 with other documents (a description) and another granularity, which
# the import --force replaces: undo links, index entries dropped before their files change.
BASE=$WORK/base-force
"$VIRTCKPT" -c "$BASE" define "$DOMAIN_XML" >/dev/null || fail "define force"
for i in $(seq 1 10); do echo "checkpoint-create-as $DOM c$i 'kept before the import'"; done |
  "$VIRTCKPT" -c "$BASE" >/dev/null || fail "creates in force"
"$VIRTCKPT" -c "$BASE" domain-set $DOM --granularity 131072 >/dev/null || fail "domain-set"
freeze_index "$BASE"

total_kills=0
# campaign STORE POINTS [OPTION]: the import (with OPTION) into store STORE, killed before each
# call that changes the store (POINTS=all) or each crash point of crash_points_test.sh (a
# rename, or a call on a file but a temporary one: a kill before a temporary file is made or
# written leaves what a kill before its rename leaves, that file aside).
campaign() {
  local store=$1 select=$2 option=${3:-} base=$WORK/base-$1 n k order ctx now want full_output nothing
  local kills=0 seen_before=0 seen_after=0 points
  local -A before=() after=()
  for order in list checkpoints-first; do before[$order]=$(domain_state "$base" $order); done
  copy_store "$base" "$WORK/count"
  # shellcheck disable=SC2086
  count_store_calls "$WORK/count" "$WORK/calls" checkpoint-import $DOM "$X" $option ||
    fail "store $store: the import fails"
  n=$STORE_CALLS
  for order in list checkpoints-first; do after[$order]=$(domain_state "$WORK/count" $order); done
  [ "${after[list]}" != "${before[list]}" ] || fail "store $store: the import changes nothing"
  # The whole import: the 20 checkpoints of the export, c20 current, the export's settings.
  [ "$(grep -o '"name":"c[0-9]*","parent"' <<<"${after[list]}" | wc -l)" = $CHECKPOINTS ] ||
    fail "store $store: the import does not list the $CHECKPOINTS checkpoints"
  grep -q '"name":"c20","parent":"c19",[^}]*"current":true' <<<"${after[list]}" ||
    fail "store $store: c20 is not current after the import"
  grep -qx 'Granularity: *65536' <<<"${after[list]}" || fail "store $store: the granularity"
  copy_store "$base" "$WORK/fresh"
  # shellcheck disable=SC2086
  run_ok "store $store: import" "$VIRTCKPT" -c "$WORK/fresh" checkpoint-import $DOM "$X" $option
  full_output=$OUT
  # shellcheck disable=SC2086
  run_ok "store $store: import again" "$VIRTCKPT" -c "$WORK/fresh" checkpoint-import $DOM "$X" $option
  nothing=$OUT
  [ "$(tail -n 1 <<<"$OUT")" = "Nothing to import: domain $DOM has all of it already" ] ||
    fail "store $store: the second import says '$OUT'"
  [ "$(grep -c "^Skipped domain checkpoint c[0-9]* from '$X/checkpoints/c[0-9]*.xml': domain '$DOM' has it already, with the same document\$" <<<"$OUT")" = $CHECKPOINTS ] ||
    fail "store $store: the second import does not skip the $CHECKPOINTS checkpoints: '$OUT'"

  if [ "$select" = all ]; then
    points=$(seq 1 "$n")
  else
    points=$(awk '$1 == "rename" || $3 !~ /\.tmpPID$/ { print NR }' "$WORK/calls")
  fi
  for k in $points; do
    copy_store "$base" "$WORK/points"
    # shellcheck disable=SC2086
    kill_at "$WORK/points" "$WORK/calls" "$k" checkpoint-import $DOM "$X" $option || continue
    kills=$((kills + 1))
    ctx="store $store: import killed before call $k of $n ($KILL_POINT)"
    order=list
    [ $((k % 2)) -eq 0 ] || order=checkpoints-first
    now=$(domain_state "$WORK/points" $order)
    check_index_vouches "$WORK/points" "$ctx"
    if [ "$now" = "${before[$order]}" ]; then
      seen_before=$((seen_before + 1))
      want=$full_output
    elif [ "$now" = "${after[$order]}" ]; then
      seen_after=$((seen_after + 1))
      want=$nothing
    else
      fail "$ctx: the next command sees a part of it: $(diff <(echo "${after[$order]}") <(echo "$now") | grep '^[<>]' | head -n 20 | tr '\n' ' ')"
      continue
    fi
    # shellcheck disable=SC2086
    if run_ok "$ctx: the import again" "$VIRTCKPT" -c "$WORK/points" checkpoint-import $DOM "$X" $option; then
      [ "$OUT" = "$want" ] || fail "$ctx: the import again says '$OUT', expected '$want'"
    fi
    now=$(domain_state "$WORK/points")
    [ "$now" = "${after[list]}" ] ||
      fail "$ctx: after the import again: $(diff <(echo "${after[list]}") <(echo "$now") | grep '^[<>]' | head -n 20 | tr '\n' ' ')"
    [ -z "$(leftovers_of "$WORK/points")" ] ||
      fail "$ctx: left after the import again: $(leftovers_of "$WORK/points" | tr '\n' ' ')"
  done
  echo "   import into store $store${option:+ ($option)}: $n calls change the store, $kills kills" \
    "($select; $seen_before found the state before, $seen_after the whole import)"
  [ $kills -eq "$(wc -w <<<"$points")" ] || fail "store $store: only $kills of $(wc -w <<<"$points") kills"
  [ $seen_before -ge 1 ] && [ $seen_after -ge 1 ] ||
    fail "store $store: the kills did not find both states"
  # Floors a little under what this export gave (70, 75 and 92 calls).
  [ "$n" -ge 60 ] || fail "store $store: only $n calls"
  total_kills=$((total_kills + kills))
}
campaign a all
campaign b all
campaign force points --force

note "export into a directory with an earlier export"
# The earlier export: o1 <- o2 <- o3 <- c1 <- ... <- c5 of another store, without <domain>: the
# new export removes o1..o3 and replaces c1..c5 with other contents.
OLD=$WORK/old
"$VIRTCKPT" -c "$OLD" define "$DOMAIN_XML" >/dev/null || fail "define old"
for name in o1 o2 o3 c1 c2 c3 c4 c5; do echo "checkpoint-create-as $DOM $name"; done |
  "$VIRTCKPT" -c "$OLD" >/dev/null || fail "creates in old"
# The export directory is inside the store's root (no domain: no domain.xml), where the calls
# are counted.
BASE=$WORK/base-e
copy_store "$WORK/chain" "$BASE"
"$VIRTCKPT" -c "$OLD" checkpoint-export $DOM "$BASE/exp" --no-domain >/dev/null || fail "old export"
cp "$BASE/exp/manifest.xml" "$WORK/old-manifest.xml"
copy_store "$BASE" "$WORK/count"
count_store_calls "$WORK/count" "$WORK/calls" checkpoint-export $DOM "$WORK/count/exp" ||
  fail "the export fails"
n=$STORE_CALLS
cp "$WORK/count/exp/manifest.xml" "$WORK/new-manifest.xml"
cmp -s "$WORK/new-manifest.xml" "$X/manifest.xml" || fail "the export differs from the first one"

# check_export DIR CONTEXT: sets FOUND to old, new or none; fails for anything else.
check_export() {
  local dir=$1 ctx=$2 file sum
  FOUND=none
  [ -e "$dir/manifest.xml" ] || return 0
  if cmp -s "$dir/manifest.xml" "$WORK/old-manifest.xml"; then
    FOUND=old
  elif cmp -s "$dir/manifest.xml" "$WORK/new-manifest.xml"; then
    FOUND=new
  else
    FOUND=partial
    fail "$ctx: a manifest that is neither the old nor the new one"
    return 1
  fi
  [ "$(entry_files "$dir/manifest.xml" | wc -l)" -gt 0 ] || fail "$ctx: a manifest of no files"
  while read -r file sum; do
    if [ ! -f "$dir/$file" ]; then
      fail "$ctx: the $FOUND manifest names $file, which is missing"
    elif [ "$(sha256sum <"$dir/$file" | cut -d' ' -f1)" != "$sum" ]; then
      fail "$ctx: the $FOUND manifest names $file, which does not match its SHA-256"
    fi
  done < <(entry_files "$dir/manifest.xml")
}
check_export "$BASE/exp" "the old export"
[ $FOUND = old ] || fail "the old export is not complete"
check_export "$WORK/count/exp" "the new export"
[ $FOUND = new ] || fail "the new export is not complete"

declare -A found=([old]=0 [new]=0 [none]=0 [partial]=0)
kills=0
for k in $(seq 1 "$n"); do
  copy_store "$BASE" "$WORK/points"
  kill_at "$WORK/points" "$WORK/calls" "$k" checkpoint-export $DOM "$WORK/points/exp" || continue
  kills=$((kills + 1))
  ctx="export killed before call $k of $n ($KILL_POINT)"
  check_export "$WORK/points/exp" "$ctx"
  found[$FOUND]=$((found[$FOUND] + 1))
  run_ok "$ctx: the export again" "$VIRTCKPT" -c "$WORK/points" checkpoint-export $DOM "$WORK/points/exp"
  check_export "$WORK/points/exp" "$ctx, then the export again"
  [ $FOUND = new ] || fail "$ctx: the export again leaves the $FOUND export"
done
echo "   export: $n calls change the directory, $kills kills: ${found[old]} left the old export," \
  "${found[none]} no manifest, ${found[new]} the new export"
[ $kills -eq "$n" ] || fail "export: only $kills of $n kills"
# The last call is the new manifest's rename: no kill comes after it.
[ "${found[old]}" -ge 1 ] && [ "${found[none]}" -ge 1 ] ||
  fail "export: the kills did not find the old export and no manifest"
[ "$n" -ge 60 ] || fail "export: only $n calls"
total_kills=$((total_kills + kills))
echo "   $total_kills kills in all"
finish
