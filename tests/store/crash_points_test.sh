#!/usr/bin/env bash
# Every crash point of a few write commands: each command is killed (strace fault injection,
# SIGKILL) right before each of its crash points (below) in turn, in a fresh copy of one store;
# afterwards the store must be as before the command or as after it, never
# half of it (a delete that re-parents children, moves current and removes
# a file is one command), and the index must vouch for no file it does not know.
#
#   tests/store/crash_points_test.sh VIRTCKPT [SOURCE_ROOT]
#
# The crash points are the calls that change a file of the store but a temporary one (the
# renames that publish those count), after the first call that changes anything: a kill before
# the first finds the store untouched, and one before a temporary file is made or written
# leaves what a kill before the next point leaves, that file aside (the campaign of
# crash_kills_test.sh kills there too). So each kill lands while the command is half done.
# Skipped (77) without a strace that can inject faults.
. "$(dirname "$0")/crash_lib.sh"
need_strace

# The state a command changes: the tree with parents in topological order, current, and the
# bitmap operations it recorded. After a crash it must be the one before or the one after.
fingerprint() {  # fingerprint ROOT
  printf 'checkpoint-list %s --parent --topological\nbitmap-ops %s\n' $DOM $DOM |
    "$VIRTCKPT" -c "$1" 2>&1 | sed 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9:]\{8\} +0000/TIME/'
  echo "current: $(cat "$1/$DOM/current" 2>/dev/null)"
}

BASE=$WORK/base
ROOT=$BASE
v define "$DOMAIN_XML" >/dev/null || fail "define"
# c1 <- c2 <- {x, c3 <- c4}, current c4.
for n in c1 c2 c3 c4; do echo "checkpoint-create-as $DOM $n"; done | v >/dev/null || fail "creates"
redefine_xml() {  # redefine_xml NAME [PARENT]
  printf '<domaincheckpoint><name>%s</name>%s<creationTime>1704067200</creationTime>' \
    "$1" "${2:+<parent><name>$2</name></parent>}"
  printf "<disks><disk name='vda' checkpoint='bitmap' bitmap='%s'/></disks></domaincheckpoint>\n" "$1"
}
redefine_xml x c2 >"$WORK/x.xml"
v checkpoint-create $DOM "$WORK/x.xml" --redefine >/dev/null || fail "redefine x"
v checkpoint-dumpxml $DOM c3 >"$WORK/c3-again.xml"
freeze_index "$BASE"
before=$(fingerprint "$BASE")

kills=0           # kills at a crash point
inside=0          # of them, after the command had changed the store and before it was done
declare -A sites  # "SYSCALL FILE" of each kill, a checkpoint's name written NAME
for command in \
  "checkpoint-create-as $DOM n1" \
  "checkpoint-delete $DOM c2" \
  "checkpoint-delete $DOM c4 --metadata" \
  "checkpoint-delete $DOM c2 --children --metadata" \
  "checkpoint-create $DOM $WORK/c3-again.xml --redefine"; do
  copy_store "$BASE" "$WORK/count"
  # shellcheck disable=SC2086
  count_store_calls "$WORK/count" "$WORK/calls" $command || fail "'$command' fails"
  n=$STORE_CALLS
  after=$(fingerprint "$WORK/count")
  [ "$after" != "$before" ] || fail "'$command' changes nothing"
  points=$(awk 'NR > 1 && ($1 == "rename" || $3 !~ /\.tmpPID$/) { print NR }' "$WORK/calls")
  echo "   ${command//$WORK\//}: $n calls change the store, $(wc -w <<<"$points") crash points"
  for k in $points; do
    copy_store "$BASE" "$WORK/points"
    # shellcheck disable=SC2086
    kill_at "$WORK/points" "$WORK/calls" "$k" $command || continue
    kills=$((kills + 1))
    [ "$CHANGES_BEFORE" -ge 1 ] && inside=$((inside + 1))
    sites[$(sed 's|checkpoints/[^ ]*\.xml|checkpoints/NAME.xml|g' <<<"$KILL_POINT")]=1
    context="'virtckpt $command' killed before call $k of $n ($KILL_POINT)"
    check_index_vouches "$WORK/points" "$context"
    now=$(fingerprint "$WORK/points")
    if [ "$now" != "$before" ] && [ "$now" != "$after" ]; then
      fail "$context leaves half of it: $(diff <(echo "$after") <(echo "$now") | grep '^[<>]' | tr '\n' ' ')"
    fi
  done
done

# Floors a little under what this list gave (35 kills, 11 pairs): nothing here is random.
echo "   $kills kills at crash points, $inside of them inside a write;" \
  "${#sites[@]} distinct (system call, file) pairs"
[ "$kills" -ge 30 ] || fail "only $kills crash points (expected at least 30)"
[ "$inside" -eq "$kills" ] || fail "only $inside of $kills kills landed inside a write"
[ "${#sites[@]}" -ge 10 ] || fail "only ${#sites[@]} distinct (system call, file) pairs (expected at least 10)"
finish
