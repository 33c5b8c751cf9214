#!/usr/bin/env bash
# kill -9 in the middle of write commands, at crash points drawn from a seed.
#
#   tests/store/crash_kills_test.sh VIRTCKPT [SOURCE_ROOT]
#
# One store takes a mix of write commands (create, delete of a middle checkpoint or a leaf,
# redefine, delete --children, a big delete --children-only when it grows past 60), each killed
# with SIGKILL (strace fault injection) right before one of the system calls with which it
# changes the store: a run on an identical copy counts them, the seed picks one but the first
# (before which nothing has changed), and the kill must land exactly there. Half of the time a
# reader comes next (it replays a journal and refreshes the index); else the next write command
# finds what the killed one left (a journal to replay, temporary files, index lines). After
# every kill each checkpoint file must parse (dumpxml), the listings must work without a
# warning, every parent must exist, the listing must be what the files say (with or without the
# index), the index must vouch for no file it does not know, and no temporary file may be taken
# for a checkpoint. At the end the next command must remove every leftover.
# The figures (kills inside a write, distinct crash points) must reach floors, and a replay of
# the first kills from the same seed must reach the same crash points and leave the same states.
#
# Environment: CRASH_ITERATIONS (kills, default 50), CRASH_SEED (default: the pid; printed),
# CRASH_REPLAY (how many of the first kills are replayed, default 4), CRASH_VERBOSE (print every
# kill). Skipped (77) without a strace that can inject faults.
. "$(dirname "$0")/crash_lib.sh"
need_strace

ITERATIONS=${CRASH_ITERATIONS:-50}
REPLAY=${CRASH_REPLAY:-4}
SEED=${CRASH_SEED:-$$}
[ "$REPLAY" -le "$ITERATIONS" ] || REPLAY=$ITERATIONS
echo "seed $SEED (CRASH_SEED=$SEED replays the kills); $ITERATIONS kills, the first $REPLAY replayed"

# Decoys: temporary files as a crash leaves them, one of them a whole valid checkpoint.
plant_decoys() {
  local dir=$ROOT/$DOM files first
  files=("$dir"/checkpoints/*.xml)
  first=${files[0]}
  sed 's|<name>[^<]*</name>|<name>decoy</name>|' "$first" >"$dir/checkpoints/decoy.xml.tmp424242"
  cp "$first" "$first.tmp434343"
  cp "$first" "$first.undo"
  echo garbage >"$dir/index.tmp444444"
  echo decoy >"$dir/current.tmp454545"
}

leftovers() { find "$ROOT" \( -name '*.tmp[0-9]*' -o -name '*.undo' \) -printf '%P\n' | sort; }

# check_store CONTEXT DIR [COMPARE (default 1)]: the checks after a kill, reading DIR: $ROOT
# itself (the first reader replays a journal and refreshes the index) or a copy of it (which
# leaves them to the next write command). Sets NAMES (sorted), PARENT (of each), POPULATION and
# CHECKED (DIR) for the next command.
NAMES=()
POPULATION=0
CHECKED=""
declare -A VERIFIED  # checkpoint -> checksum and size of the file dumpxml last parsed
declare -A PARENT    # checkpoint -> its parent in that file
check_store() {
  local ctx=$1 dir=$2 compare=${3:-1} name parent file sum size
  CHECKED=$dir
  check_index_vouches "$ROOT" "$ctx"
  run_ok "$ctx: list --name" "$VIRTCKPT" -c "$dir" checkpoint-list $DOM --name || return 1
  [ "$dir" != "$ROOT" ] || freeze_index "$ROOT"
  local -a names=()
  local -A listed=() on_disk=()
  for name in $OUT; do
    names+=("$name")
    listed[$name]=1
  done
  for file in "$dir/$DOM/checkpoints"/*.xml; do
    [ -e "$file" ] || continue
    file=${file##*/}
    on_disk[${file%.xml}]=1
  done
  for name in "${names[@]}"; do
    case $name in *.tmp* | decoy) fail "$ctx: a temporary file is listed as checkpoint '$name'" ;; esac
    [ -n "${on_disk[$name]:-}" ] || fail "$ctx: '$name' is listed but has no file"
  done
  for name in "${!on_disk[@]}"; do
    [ -n "${listed[$name]:-}" ] || fail "$ctx: $name.xml is not listed"
  done
  # Every file that changed since it was last parsed must parse.
  local -A stamps=()
  while read -r sum size file; do
    stamps[${file%.xml}]="$sum $size"
  done < <(cd "$dir/$DOM/checkpoints" && cksum -- *.xml 2>/dev/null)
  local changed=()
  for name in "${names[@]}"; do
    [ "${VERIFIED[$name]:-}" = "${stamps[$name]:-}" ] || changed+=("$name")
  done
  # One virtckpt process runs the command lines it reads on stdin: the tree, the table with
  # parents in topological order, and the documents.
  local commands
  commands=$(
    echo "checkpoint-list $DOM --tree"
    echo "checkpoint-list $DOM --parent --topological"
    for name in "${changed[@]}"; do echo "checkpoint-dumpxml $DOM $name --no-domain"; done
  )
  run_ok "$ctx: list --tree, list --parent --topological, dumpxml ${changed[*]}" \
    "$VIRTCKPT" -c "$dir" <<<"$commands" || return 1
  [ "$dir" != "$ROOT" ] || freeze_index "$ROOT"
  local listing=$OUT
  # "NAME PARENT" per document, in order.
  local parsed
  parsed=$(printf '%s\n' "$OUT" | awk '
    /^<domaincheckpoint>$/ { indoc = 1; n = ""; p = ""; inparent = 0; next }
    !indoc { next }
    /^  <parent>$/ { inparent = 1; next }
    /^  <\/parent>$/ { inparent = 0; next }
    /^    <name>.*<\/name>$/ && inparent { p = $0; sub(/^ *<name>/, "", p); sub(/<\/name>$/, "", p); next }
    /^  <name>.*<\/name>$/ { n = $0; sub(/^ *<name>/, "", n); sub(/<\/name>$/, "", n); next }
    /^<\/domaincheckpoint>$/ { print n, p; indoc = 0 }')
  local got=() i=0
  while read -r name parent; do
    [ -n "$name" ] || continue
    got+=("$name")
    if [ "$name" = "${changed[$i]:-}" ]; then
      PARENT[$name]=$parent
      VERIFIED[$name]=${stamps[$name]:-}
    fi
    i=$((i + 1))
  done <<<"$parsed"
  [ "${got[*]}" = "${changed[*]}" ] || fail "$ctx: dumpxml of ${changed[*]} printed: $OUT"
  # Every parent exists: no crash leaves an orphan behind.
  for name in "${names[@]}"; do
    parent=${PARENT[$name]:-}
    if [ -n "$parent" ] && [ -z "${listed[$parent]:-}" ]; then
      fail "$ctx: checkpoint $name names the parent '$parent', which does not exist"
    fi
  done
  mapfile -t NAMES < <(printf '%s\n' "${names[@]}" | sed '/^$/d' | sort)
  POPULATION=${#NAMES[@]}
  # The index only caches the files: a plain copy (new inodes, so no index entry matches) lists
  # the same.
  [ "$compare" = 1 ] || return 0
  rm -rf "$WORK/plain"
  cp -a "$ROOT" "$WORK/plain"
  run_ok "$ctx: the same on a copy" "$VIRTCKPT" -c "$WORK/plain" <<<"$commands" || return 1
  if [ "$OUT" != "$listing" ]; then
    fail "$ctx: the listing with the index differs from the files': $(diff <(echo "$listing") <(echo "$OUT") | tr '\n' ' ')"
  fi
}

# What a replay must find again after a kill: the tree and current as the next process sees
# them, and the files the kill left (temporary ones by their pid-less names) and the index's
# line count.
state_of() {  # state_of FILE: writes the state to FILE, prints its hash
  {
    for name in "${NAMES[@]}"; do echo "$name <- ${PARENT[$name]:-}"; done
    echo "current: $(cat "$CHECKED/$DOM/current" 2>/dev/null)"
    (cd "$ROOT" && find . -type f ! -name lock | sed 's/\.tmp[0-9]*/.tmpPID/' | sort)
    echo "index lines: $(cat "$ROOT/$DOM/index" 2>/dev/null | wc -l)"
  } >"$1"
  sha256sum <"$1" | cut -c 1-16
}

pick() {  # pick WORD...: one of the words, by the seed
  local words=("$@")
  PICKED=${words[RANDOM % ${#words[@]}]}
}

# The shape of the tree, from PARENT: SHAPE_TRIM (the first by name of the checkpoints 30 above
# the deepest, or of the roots), SHAPE_DEEP (those at most 4 above the deepest), SHAPE_LEAVES.
tree_shape() {
  local name kind words
  SHAPE_TRIM="" SHAPE_DEEP=() SHAPE_LEAVES=()
  while read -r kind words; do
    case $kind in
      trim) SHAPE_TRIM=$words ;;
      deep) read -r -a SHAPE_DEEP <<<"$words" ;;
      leaves) read -r -a SHAPE_LEAVES <<<"$words" ;;
    esac
  done < <(for name in "${NAMES[@]}"; do echo "$name ${PARENT[$name]:-}"; done | awk '
    { name[NR] = $1; parent[$1] = $2; if ($2 != "") child[$2] = 1 }
    END {
      for (i = 1; i <= NR; i++) {
        d = 0
        for (p = parent[name[i]]; p != "" && d <= NR; p = parent[p]) d++
        depth[i] = d
        if (d > max) max = d
      }
      for (i = 1; i <= NR; i++) {
        if (depth[i] == (max > 30 ? max - 30 : 0) && trim == "") trim = name[i]
        if (depth[i] >= max - 4) deep = deep " " name[i]
        if (!(name[i] in child)) leaves = leaves " " name[i]
      }
      print "trim", trim
      print "deep" deep
      print "leaves" leaves
    }')
}

# choose_command I: the I-th command, by the seed and the store as check_store saw it: sets
# COMMAND (its arguments), KIND and TARGET.
choose_command() {
  local i=$1
  tree_shape
  if [ "$POPULATION" -gt 60 ]; then
    # Many files at once, leaves first, which keeps the store between 30 and 60 or so: a
    # checkpoint 30 above the deepest loses all its descendants.
    KIND=trim TARGET=$SHAPE_TRIM
    COMMAND=(checkpoint-delete "$DOM" "$TARGET" --children-only)
    return
  fi
  local r=$((RANDOM % 8))
  [ "$POPULATION" -gt 0 ] || r=1
  case $r in
    1 | 2 | 3 | 6)
      KIND=create TARGET=k$i
      COMMAND=(checkpoint-create-as "$DOM" "$TARGET" "kill $i") ;;
    4)  # any checkpoint: a middle one's children are re-parented
      pick "${NAMES[@]}"
      KIND=delete TARGET=$PICKED
      COMMAND=(checkpoint-delete "$DOM" "$TARGET") ;;
    5)  # rewrites its file, re-links it
      pick "${NAMES[@]}"
      KIND=redefine TARGET=$PICKED
      "$VIRTCKPT" -c "$CHECKED" checkpoint-dumpxml $DOM "$TARGET" >"$WORK/redefine.xml"
      COMMAND=(checkpoint-create "$DOM" "$WORK/redefine.xml" --redefine) ;;
    7)  # a small subtree, several files
      pick "${SHAPE_DEEP[@]}"
      KIND=delete-children TARGET=$PICKED
      COMMAND=(checkpoint-delete "$DOM" "$TARGET" --children) ;;
    0)  # a leaf, possibly current
      pick "${SHAPE_LEAVES[@]}"
      KIND=delete-leaf TARGET=$PICKED
      COMMAND=(checkpoint-delete "$DOM" "$TARGET") ;;
  esac
}

# campaign ROOT COUNT LOG: a new store in ROOT and COUNT kills, one line each in LOG.
KILLS=0 INSIDE=0 UNKILLED=0
declare -A POINTS SITES  # (kind, call) and (system call, file) pairs reached
campaign() {
  ROOT=$1
  local count=$2 log=$3 i n k
  RANDOM=$SEED
  : >"$log"
  v define "$DOMAIN_XML" >/dev/null || fail "define"
  for i in $(seq 1 40); do echo "checkpoint-create-as $DOM p$i"; done | v >/dev/null ||
    fail "40 creates"
  [ -f "$ROOT/$DOM/index" ] || fail "no index after 40 creates"
  # Which lines they appended depends on the clock (see freeze_index); a reader writes it anew.
  rm "$ROOT/$DOM/index"
  run_ok "a reader after the creates" v checkpoint-list $DOM --name
  [ -f "$ROOT/$DOM/index" ] || fail "no index after a reader"
  plant_decoys
  freeze_index "$ROOT"
  VERIFIED=()
  PARENT=()
  check_store "before any kill" "$ROOT"
  for i in $(seq 1 "$count"); do
    choose_command "$i"
    copy_store "$ROOT" "$WORK/count"
    count_store_calls "$WORK/count" "$WORK/calls" "${COMMAND[@]}"
    n=$STORE_CALLS
    if [ "$n" -lt 2 ]; then
      # Nothing to kill it in the middle of: it runs to its end.
      UNKILLED=$((UNKILLED + 1))
      v "${COMMAND[@]}" >/dev/null 2>&1
      echo "$i $KIND $TARGET: $n calls, not killed" >>"$log"
    else
      k=$((2 + RANDOM % (n - 1)))
      if kill_at "$ROOT" "$WORK/calls" "$k" "${COMMAND[@]}"; then
        KILLS=$((KILLS + 1))
        [ "$CHANGES_BEFORE" -ge 1 ] && INSIDE=$((INSIDE + 1))
        POINTS["$KIND $k"]=1
        SITES[$(sed 's|checkpoints/[^ ]*\.xml|checkpoints/NAME.xml|g' <<<"$KILL_POINT")]=1
      fi
      echo "$i $KIND $TARGET: killed before call $k of $n, $KILL_POINT" >>"$log"
    fi
    freeze_index "$ROOT"
    context="after kill $i ($(tail -n 1 "$log"))"
    # Half of the time a reader comes next: the checks read the store itself. Else they read a
    # copy, and the next write command finds what the kill left.
    if [ $((RANDOM % 2)) = 0 ]; then
      echo "   a reader next" >>"$log"
      check_store "$context" "$ROOT" $((i % 5 == 0))
    else
      copy_store "$ROOT" "$WORK/view"
      check_store "$context" "$WORK/view" $((i % 5 == 0))
    fi
    if [ "$i" -le "$REPLAY" ] || [ -n "${CRASH_VERBOSE:-}" ]; then
      echo "   state $(state_of "$log.state$i")" >>"$log"
    fi
    [ -z "${CRASH_VERBOSE:-}" ] || sed -n "/^$i /,\$p" "$log"
  done
}

# ---------------------------------------------------------------------------------------------
note "kill -9 during write commands ($ITERATIONS kills)"
campaign "$WORK/crash" "$ITERATIONS" "$WORK/kills.log"
echo "   $KILLS kills, $INSIDE of them inside a write (after its first change, before its last);" \
  "$UNKILLED commands too short to kill"
echo "   ${#POINTS[@]} distinct (command, call) pairs, ${#SITES[@]} distinct (system call, file) pairs;" \
  "$POPULATION checkpoints left; $(leftovers | wc -l) temporary files left behind"
[ "$INSIDE" -eq "$ITERATIONS" ] || fail "only $INSIDE of $ITERATIONS kills landed inside a write"
# Floors under what 90 seeds gave with 50 kills (27 to 41 and 16 to 24 pairs); a shorter
# campaign of COUNT kills needs COUNT/2 and COUNT/4.
floor=$((ITERATIONS < 50 ? ITERATIONS / 2 : 25))
[ "${#POINTS[@]}" -ge "$floor" ] ||
  fail "only ${#POINTS[@]} distinct (command, call) pairs (expected at least $floor)"
floor=$((ITERATIONS < 50 ? ITERATIONS / 4 : 14))
[ "${#SITES[@]}" -ge "$floor" ] ||
  fail "only ${#SITES[@]} distinct (system call, file) pairs (expected at least $floor)"

# The store still takes writes, the next create hangs under current, and it removes what the
# killed commands left (and what is planted now, as they could have left it).
plant_decoys
freeze_index "$ROOT"
check_store "with decoys planted after the kills" "$ROOT" 0
run_ok "create after the kills" v checkpoint-create-as $DOM final
[ -z "$(leftovers)" ] || fail "temporary files left after the next write: $(leftovers | tr '\n' ' ')"
freeze_index "$ROOT"
check_store "after a create following the kills" "$ROOT"
if [ -f "$ROOT/$DOM/current" ] && [ "$(cat "$ROOT/$DOM/current")" != "final" ]; then
  fail "current is '$(cat "$ROOT/$DOM/current")' after creating 'final'"
fi

# ---------------------------------------------------------------------------------------------
note "replay of the first $REPLAY kills with the same seed"
campaign "$WORK/replay" "$REPLAY" "$WORK/replay.log"
sed "/^$((REPLAY + 1)) /,\$d" "$WORK/kills.log" >"$WORK/kills-replayed.log"
sed 's/^/   /' "$WORK/kills-replayed.log"
if cmp -s "$WORK/kills-replayed.log" "$WORK/replay.log"; then
  echo "   the replay reached the same crash points and left the same states"
else
  fail "the replay differs: $(diff "$WORK/kills-replayed.log" "$WORK/replay.log" | grep '^[<>]' | tr '\n' ' ')"
  for i in $(seq 1 "$REPLAY"); do
    cmp -s "$WORK/kills.log.state$i" "$WORK/replay.log.state$i" && continue
    echo "   the state after kill $i, then in the replay:"
    diff "$WORK/kills.log.state$i" "$WORK/replay.log.state$i" | grep '^[<>]' | sed 's/^/     /'
    break
  done
fi
finish "$SEED"
