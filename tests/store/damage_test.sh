#!/bin/bash
# The damage matrix of the file store: outputs never depend on whether the index exists, is
# current or is stale: the per-checkpoint files are the truth, the index is derived from them
# and losing it loses nothing.
#
# Every chain-walker scenario (the `walker_scenarios` list of tests/walker/meson.build) runs
# once with VIRTCKPT_WALKER_KEEP, and the store it leaves ($DIR/store) is damaged. In each of
# its domains with a checkpoint file one target is picked: the checkpoint with a parent and
# children that has the most descendants (a middle one), else the non-leaf with the most
# descendants, else the first by name. Each damage of checkpoints/TARGET.xml
#   truncate   truncated to half its size, in place
#   byte       the last digit of <creationTime> changed in place (dd conv=notrunc), mtime
#              restored (touch -r)
#   replace    another valid document of the same name and size (creationTime an hour
#              earlier) renamed over it, mtime restored
#   remove     removed
#   directory  a directory in its place
#   fifo       a FIFO in its place (no command may hang on it)
# is applied to a fresh copy of the store (cp -a, in the very place of the scenario's store, so
# paths and table widths are the scenario's), after two index states were saved with cp -p:
#   I_old  after a legitimate write, checkpoint-create-as DOMAIN zz-damage-extra: an index
#          that vouches for every file of the domain, the target's inode included
#   I_cur  after a second one, checkpoint-delete DOMAIN zz-damage-extra --metadata, and a
#          listing (which a further listing must leave alone); I_old is stale from then on
#          (if no checkpoint can be created, I_old is saved after a listing and the write is
#          checkpoint-delete LEAF --metadata of a leaf other than the target)
# Then every command of the set runs with the index current (I_cur, bytes and mtime), deleted,
# and stale (I_old); its stdout, stderr and exit status must be byte for byte the same in the
# three states. The index is put into its state before every command (readers rewrite a stale
# index): restored with cp -p unless its mtime still equals the saved copy's to the nanosecond
# (nothing wrote it: every write, a reader's rewrite included, changes the mtime), removed
# unless absent.
# The command set: checkpoint-list with each layout (none, --parent, --roots, --leaves,
# --no-leaves, --tree, --name, --topological, --json, and --from P, --from P --descendants for
# the target's parent P); checkpoint-info and checkpoint-dumpxml of the target and of its
# first child (else its parent); backup-plan --json --since the target, its parent and the
# current checkpoint. TZ=UTC, LC_ALL=C. The commands of one index state run as one batch
# under `timeout 20` (a batch takes well under a second; no command can hang, and a timeout
# names the command that was running and fails the test).
# At the end the counts are printed; fewer domains or comparisons than the floor fail.
#
# Run by hand (from the source root):
#   bash tests/store/damage_test.sh build/src/virtckpt .
# Environment: DAMAGE_JOBS (scenarios at once, default 2), DAMAGE_DIR (where the stores go,
# default /tmp as for the walker itself; on ext4 a directory or FIFO made right after the rm
# often gets the file's inode number back, the sharper test), DAMAGE_SCENARIOS (a
# blank-separated subset of the scenarios, for debugging; the floor is then not checked),
# DAMAGE_KEEP=1 (keep the stores and records: WORK/SCENARIO/d.DOMAIN.DAMAGE/{current,deleted,
# stale}/N.{out,err,rc}, I_old, I_cur, commands).
# Exit status: 0 pass, 1 fail, 77 skipped (a required tool is missing), 99 broken setup.
set -u

DAMAGES=(truncate byte replace remove directory fifo)
STATES=(current deleted stale)
LAYOUTS=("" --parent --roots --leaves --no-leaves --tree --name --topological --json)
TIMEOUT=20
EXTRA=zz-damage-extra
# The floor: today's counts for the full scenario list. A matrix that silently shrinks (a
# scenario that no longer leaves checkpoints, a command set that lost commands) fails. Raise
# them with new scenarios; lower them only with the reason in the commit.
MIN_DOMAINS=24
MIN_COMPARISONS=4752

export TZ=UTC LC_ALL=C
unset VISUAL EDITOR XDG_DATA_HOME

broken() {
  echo "ERROR: damage_test: $*" >&2
  exit 99
}

skip() {
  echo "SKIP: damage_test: $*"
  exit 77
}

# ---- setup -------------------------------------------------------------------------------------

# The tools the scenarios need (lib.sh and the scenarios skip without them), and the damages'.
check_tools() {
  local tool
  command -v qemu-img >/dev/null 2>&1 || skip "qemu-img not found (Debian package qemu-utils)"
  [ -n "$(ls /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 \
    2>/dev/null)" ] || skip "libfaketime not found (Debian package faketime)"
  command -v faketime >/dev/null 2>&1 || skip "faketime not found (Debian package faketime)"
  command -v strace >/dev/null 2>&1 || skip "strace not found (Debian package strace)"
  command -v virt-xml-validate >/dev/null 2>&1 ||
    skip "virt-xml-validate not found (Debian package libvirt-clients)"
  command -v xmllint >/dev/null 2>&1 || skip "xmllint not found (Debian package libxml2-utils)"
  for tool in timeout truncate dd mkfifo touch stat cmp diff awk grep sed sort find; do
    command -v "$tool" >/dev/null 2>&1 || broken "$tool not found"
  done
}

# The names of the walker_scenarios array of tests/walker/meson.build, one a line.
scenario_list() {
  sed -n '/^walker_scenarios = \[/,/^\]/p' "$WALKER_MESON" | grep -o "'[^']*'" | tr -d "'"
}

# The scenarios, longest script first (a rough guess of the longest run), so that no long one
# starts last.
longest_first() {
  local s
  for s in "$@"; do echo "$(stat -c %s "$SCENARIO_DIR/$s.sh") $s"; done |
    sort -k1,1nr -k2,2 | cut -d' ' -f2
}

WORK=""
JOB_PIDS=()
cleanup() {
  local pid dir
  for pid in "${JOB_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${JOB_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  [ -n "$WORK" ] || return
  if [ "${DAMAGE_KEEP:-}" = 1 ]; then
    echo "damage_test: kept $WORK and the stores listed in $WORK/kept"
    return
  fi
  if [ -f "$WORK/kept" ]; then
    while read -r dir; do rm -rf "$dir"; done <"$WORK/kept"
  fi
  rm -rf "$WORK"
}

# ---- the index states --------------------------------------------------------------------------

# vq ARGS...: virtckpt for a setup step, quiet; returns its status.
vq() { timeout -k 5 "$TIMEOUT" "$VIRTCKPT" "$@" >/dev/null 2>&1 </dev/null; }

# save_index FILE: the domain's index (bytes and mtime) as FILE; no FILE if there is no index.
save_index() {
  if [ -f "$DOMDIR/index" ]; then
    cp -p "$DOMDIR/index" "$1" || broken "cp -p $DOMDIR/index $1 failed"
  else
    rm -f "$1"
  fi
}

# restore_index STATE: puts the domain's index into STATE (current, deleted, stale).
restore_index() {
  local index=$DOMDIR/index saved=""
  case $1 in
    current) saved=$DDIR/I_cur ;;
    stale) saved=$DDIR/I_old ;;
  esac
  if [ -z "$saved" ] || [ ! -f "$saved" ]; then
    if [ -e "$index" ] || [ -L "$index" ]; then rm -rf "$index" || broken "rm $index failed"; fi
    return
  fi
  if [ -f "$index" ] && [ ! -L "$index" ] && ! [ "$index" -nt "$saved" ] &&
    ! [ "$index" -ot "$saved" ]; then
    return
  fi
  # A reader's rewrite is a new file of its own: cp -p into it gives the saved bytes and mtime.
  if [ -L "$index" ] || { [ -e "$index" ] && [ ! -f "$index" ]; }; then rm -rf "$index"; fi
  cp -p "$saved" "$index" || broken "restoring $index from $saved failed"
}

# ---- the tree of a domain ----------------------------------------------------------------------

# tree_facts: reads `checkpoint-list --parent` and prints "TARGET PARENT CHILD LEAF" ("-" for
# none): the target (see the header), its parent, its first child by name, and a leaf other
# than the target. Fails if no checkpoint is listed.
tree_facts() {
  awk '
    NR > 2 && NF >= 4 {
      name = $1; parent = (NF >= 5) ? $5 : ""
      names[++n] = name; parent_of[name] = parent
      if (parent != "") {
        children[parent]++
        if (!(parent in first_child)) first_child[parent] = name
      }
    }
    END {
      if (n == 0) exit 1
      for (i = 1; i <= n; i++) {
        depth = 0
        for (p = parent_of[names[i]]; p != "" && depth++ < n; p = parent_of[p]) desc[p]++
      }
      best = ""; best_rank = -1
      for (i = 1; i <= n; i++) {
        c = names[i]
        rank = 0
        if (children[c] > 0) rank = (parent_of[c] != "" ? 2 : 1) * (n + 1) + desc[c]
        if (rank > best_rank || (rank == best_rank && c < best)) { best = c; best_rank = rank }
      }
      leaf = "-"
      for (i = 1; i <= n; i++) {
        if (children[names[i]] == 0 && names[i] != best) { leaf = names[i]; break }
      }
      p = parent_of[best]; ch = first_child[best]
      print best, (p == "" ? "-" : p), (ch == "" ? "-" : ch), leaf
    }'
}

# list_tree: lists the healthy domain into $DDIR/tree and sets TARGET PARENT CHILD LEAF.
list_tree() {
  local facts
  timeout -k 5 "$TIMEOUT" "$VIRTCKPT" checkpoint-list "$DOM" --parent >"$DDIR/tree" \
    2>/dev/null </dev/null || broken "$SCENARIO: checkpoint-list $DOM --parent fails"
  facts=$(tree_facts <"$DDIR/tree") || broken "$SCENARIO: no checkpoint listed in $DOM"
  read -r TARGET PARENT CHILD LEAF <<<"$facts"
}

# ---- before the damage -------------------------------------------------------------------------

# prepare_copy: the scenario's store as it was left, in its place.
prepare_copy() {
  rm -rf "$ROOT" && cp -a "$PRISTINE" "$ROOT" || broken "copying $PRISTINE to $ROOT failed"
}

# make_index_states: $DDIR/I_old and I_cur (see the header); sets TARGET PARENT CHILD LEAF
# CURRENT of the healthy domain after the writes.
make_index_states() {
  if vq checkpoint-create-as "$DOM" "$EXTRA"; then
    save_index "$DDIR/I_old"
    vq checkpoint-delete "$DOM" "$EXTRA" --metadata ||
      NOTES+=("$DOM: checkpoint-delete $EXTRA --metadata failed: the current state keeps it")
  else
    list_tree  # a reader, which may bring the index up to date, and a leaf to delete
    save_index "$DDIR/I_old"
    if [ "$LEAF" = - ] || ! vq checkpoint-delete "$DOM" "$LEAF" --metadata; then
      NOTES+=("$DOM: no legitimate write (checkpoint-create-as, checkpoint-delete '$LEAF')")
    fi
  fi
  list_tree
  save_index "$DDIR/I_cur"
  current_is_current
  CURRENT=-
  if [ -f "$DOMDIR/current" ]; then read -r CURRENT <"$DOMDIR/current" || CURRENT=-; fi
  [ -n "$CURRENT" ] || CURRENT=-
  if [ ! -f "$DDIR/I_cur" ]; then
    NOTES+=("$DOM: no index after the writes: current and stale are deleted too")
  elif [ ! -f "$DDIR/I_old" ] || cmp -s "$DDIR/I_old" "$DDIR/I_cur"; then
    NOTES+=("$DOM: the stale index is no stale index (missing, or the current one)")
  fi
}

# current_is_current: I_cur is an index that a reader leaves alone (a reader rewrites an index
# with a stale entry); if one rewrites it, its version is taken, up to three times.
current_is_current() {
  local index=$DOMDIR/index
  for _ in 1 2 3; do
    vq checkpoint-list "$DOM"
    if [ -f "$DDIR/I_cur" ] && [ -f "$index" ] && ! [ "$index" -nt "$DDIR/I_cur" ] &&
      ! [ "$index" -ot "$DDIR/I_cur" ]; then
      return
    fi
    [ -f "$DDIR/I_cur" ] || [ -f "$index" ] || return
    save_index "$DDIR/I_cur"
  done
  NOTES+=("$DOM: every listing rewrites the index of the healthy domain")
}

# ---- the damages -------------------------------------------------------------------------------

# creation_time FILE: prints "OFFSET DIGITS": where the digits of <creationTime> start.
creation_time() {
  local hit offset text
  hit=$(grep -bo '<creationTime>[0-9]*' "$1" | head -n 1)
  offset=${hit%%:*} text=${hit#*:}
  text=${text#<creationTime>}
  [ -n "$hit" ] && [ -n "$text" ] || return 1
  echo "$((offset + 14)) $text"
}

damage_truncate() {
  local size
  size=$(stat -c %s "$1") && truncate -s $((size / 2)) "$1"
}

damage_byte() {
  local facts offset digits last
  facts=$(creation_time "$1") || return 1
  read -r offset digits <<<"$facts"
  last=${digits: -1}
  touch -r "$1" "$DDIR/ref" &&
    printf '%s' $(((last + 1) % 10)) |
    dd of="$1" bs=1 seek=$((offset + ${#digits} - 1)) conv=notrunc status=none &&
    touch -r "$DDIR/ref" "$1"
}

damage_replace() {
  local facts offset digits moved
  facts=$(creation_time "$1") || return 1
  read -r offset digits <<<"$facts"
  moved=$((10#$digits - 3600))
  [ ${#moved} = ${#digits} ] || moved=$((10#$digits + 3600))
  sed "s|<creationTime>$digits</creationTime>|<creationTime>$moved</creationTime>|" "$1" \
    >"$DDIR/replacement" &&
    chmod 600 "$DDIR/replacement" && touch -r "$1" "$DDIR/replacement" &&
    mv -f "$DDIR/replacement" "$1"
}

damage_remove() { rm -f "$1"; }
damage_directory() { rm -f "$1" && mkdir "$1"; }
damage_fifo() { rm -f "$1" && mkfifo "$1"; }

# ---- the comparisons ---------------------------------------------------------------------------

# command_set: the commands for the target, one a line (words separated by blanks: domain and
# checkpoint names have none).
command_set() {
  local layout other=$CHILD
  for layout in "${LAYOUTS[@]}"; do echo "checkpoint-list $DOM${layout:+ $layout}"; done
  if [ "$PARENT" != - ]; then
    echo "checkpoint-list $DOM --from $PARENT"
    echo "checkpoint-list $DOM --from $PARENT --descendants"
  fi
  echo "checkpoint-info $DOM $TARGET"
  echo "checkpoint-dumpxml $DOM $TARGET"
  [ "$other" != - ] || other=$PARENT
  if [ "$other" != - ]; then
    echo "checkpoint-info $DOM $other"
    echo "checkpoint-dumpxml $DOM $other"
  fi
  echo "backup-plan $DOM --json --since $TARGET"
  [ "$PARENT" = - ] || echo "backup-plan $DOM --json --since $PARENT"
  if [ "$CURRENT" != - ] && [ "$CURRENT" != "$TARGET" ] && [ "$CURRENT" != "$PARENT" ]; then
    echo "backup-plan $DOM --json --since $CURRENT"
  fi
}

# run_batch VIRTCKPT DOMDIR DDIR STATE (the process that `--batch` starts): runs the commands
# of DDIR/commands, each with the index put into STATE first; stdout, stderr and exit status
# go to DDIR/STATE/N.out, N.err, N.rc, the number of the running command to DDIR/STATE/running.
run_batch() {
  VIRTCKPT=$1 DOMDIR=$2 DDIR=$3
  local state=$4 n=0 line dir=$3/$4
  local -a args
  set -f
  while IFS= read -r line; do
    read -ra args <<<"$line"
    restore_index "$state"
    printf '%s\n' "$n" >"$dir/running"
    "$VIRTCKPT" "${args[@]}" >"$dir/$n.out" 2>"$dir/$n.err" </dev/null
    printf '%s\n' "$?" >"$dir/$n.rc"
    n=$((n + 1))
  done <"$DDIR/commands"
  echo - >"$dir/running"
}

# run_state STATE: the batch of STATE under `timeout`; returns 1 (and reports) on a timeout.
run_state() {
  local state=$1 rc n
  timeout -k 5 "$TIMEOUT" bash "$SELF" --batch "$VIRTCKPT" "$DOMDIR" "$DDIR" "$state"
  rc=$?
  case $rc in
    0) return 0 ;;
    124 | 137)
      read -r n <"$DDIR/$state/running" || n=0
      report "virtckpt ${COMMAND_LINES[$n]:-?}" "timed out after ${TIMEOUT}s (index $state);" \
        "the rest of this damage is not run"
      : >"$WORK/hangs-$DAMAGE"
      return 1
      ;;
    *) broken "$SCENARIO: $DOM: the batch of state $state failed (exit $rc)" ;;
  esac
}

# show_record STATE N: one command's record, for a diff.
show_record() {
  local dir=$DDIR/$1
  printf '[stdout]\n'
  cat "$dir/$2.out"
  printf '\n[stderr]\n'
  cat "$dir/$2.err"
  printf '\n[exit %s]\n' "$(cat "$dir/$2.rc")"
}

# report COMMAND WHAT...: one failure.
report() {
  local command=$1
  shift
  echo "FAIL: $SCENARIO: domain $DOM: damage $DAMAGE of $TARGET: $command: $*"
  echo "$DAMAGE" >>"$SDIR/failed-damages"
  FAILS=$((FAILS + 1))
}

# compare_states: runs the command set in the three index states and compares the records.
compare_states() {
  local n state matched
  command_set >"$DDIR/commands"
  mapfile -t COMMAND_LINES <"$DDIR/commands"
  mkdir "${STATES[@]/#/$DDIR/}" || broken "mkdir in $DDIR failed"
  for state in "${STATES[@]}"; do
    run_state "$state" || return 0  # a hang: the rest would hang as well
  done
  COMMANDS=$((COMMANDS + ${#COMMAND_LINES[@]}))
  for state in deleted stale; do
    COMPARISONS=$((COMPARISONS + ${#COMMAND_LINES[@]}))
    # One diff for all the commands; then the records of those that differ.
    diff -rq -x running "$DDIR/current" "$DDIR/$state" >"$DDIR/differ" && continue
    matched=0
    for n in "${!COMMAND_LINES[@]}"; do
      grep -q "/current/$n\.[a-z]* " "$DDIR/differ" || continue
      matched=1
      report "virtckpt ${COMMAND_LINES[$n]}" "index current vs $state differ:"
      diff -u --label "index current" --label "index $state" <(show_record current "$n") \
        <(show_record "$state" "$n") | head -n 60 | sed 's/^/    /'
    done
    if [ "$matched" = 0 ]; then
      report "(all)" "the records of index current and $state differ:"
      sed 's/^/    /' "$DDIR/differ"
    fi
  done
}

# damage_domain: every damage of the target of domain $DOM.
damage_domain() {
  local file
  DOMAINS=$((DOMAINS + 1))
  for DAMAGE in "${DAMAGES[@]}"; do
    if [ -e "$WORK/hangs-$DAMAGE" ]; then
      echo "FAIL: $SCENARIO: domain $DOM: damage $DAMAGE not run: it made a command hang before"
      echo "$DAMAGE" >>"$SDIR/failed-damages"
      FAILS=$((FAILS + 1))
      continue
    fi
    DDIR=$SDIR/d.$DOM.$DAMAGE
    mkdir "$DDIR" || broken "mkdir $DDIR failed"
    prepare_copy
    make_index_states
    file=$DOMDIR/checkpoints/$TARGET.xml
    [ -f "$file" ] || broken "$SCENARIO: $DOM: checkpoint $TARGET has no file $file"
    "damage_$DAMAGE" "$file" || broken "$SCENARIO: $DOM: damage $DAMAGE of $file failed"
    DAMAGE_COUNT=$((DAMAGE_COUNT + 1))
    compare_states
  done
}

# ---- one scenario ------------------------------------------------------------------------------

# run_scenario NAME (a job of its own): runs the scenario, damages every domain of its store
# and writes $WORK/NAME/counts ("domains damages commands comparisons failures"). Exits 77 if
# the scenario skipped.
run_scenario() {
  SCENARIO=$1
  SDIR=$WORK/$SCENARIO
  mkdir -p "$SDIR" || broken "mkdir $SDIR failed"
  local keep rc domfile note
  keep=$(mktemp -d "$BASE/virtckpt-walker.XXXXXX") || broken "mktemp failed"
  echo "$keep" >>"$WORK/kept"
  # Its own verdict (the golden comparison) does not matter here.
  VIRTCKPT_WALKER_KEEP=$keep bash "$SCENARIO_DIR/$SCENARIO.sh" "$VIRTCKPT" \
    >"$SDIR/scenario.log" 2>&1 </dev/null
  rc=$?
  case $rc in
    77)
      echo "SKIP: $SCENARIO: $(grep -m 1 '^SKIP' "$SDIR/scenario.log")"
      rm -rf "$keep"
      exit 77
      ;;
    99)
      tail -n 20 "$SDIR/scenario.log" | sed 's/^/    /'
      broken "scenario $SCENARIO is broken (exit 99)"
      ;;
  esac
  DOMAINS=0 DAMAGE_COUNT=0 COMMANDS=0 COMPARISONS=0 FAILS=0
  NOTES=()
  ROOT=$keep/store
  PRISTINE=$SDIR/pristine
  export VIRTCKPT_ROOT=$ROOT
  if [ -d "$ROOT" ]; then
    cp -a "$ROOT" "$PRISTINE" || broken "cp -a $ROOT $PRISTINE failed"
    while read -r domfile; do
      DOMDIR=${domfile%/domain.xml}
      DOM=${DOMDIR##*/}
      compgen -G "$DOMDIR/checkpoints/*.xml" >/dev/null || continue
      damage_domain
      prepare_copy
    done < <(find "$ROOT" -mindepth 2 -maxdepth 2 -path "$ROOT/*/domain.xml" -type f | sort)
  fi
  for note in "${NOTES[@]}"; do echo "NOTE: $SCENARIO: $note"; done | sort -u
  echo "$SCENARIO: $DOMAINS domains, $DAMAGE_COUNT damages, $COMMANDS commands," \
    "$COMPARISONS comparisons, $FAILS failures (at ${SECONDS}s)"
  echo "$DOMAINS $DAMAGE_COUNT $COMMANDS $COMPARISONS $FAILS" >"$SDIR/counts"
  [ "${DAMAGE_KEEP:-}" = 1 ] || rm -rf "$keep"
  exit 0
}

# ---- main --------------------------------------------------------------------------------------

# wait_one: waits for one scenario job and notes a skip or a broken job.
wait_one() {
  wait -n
  case $? in
    0) ;;
    77) SKIPPED=$((SKIPPED + 1)) ;;
    *) BROKEN=1 ;;
  esac
}

# summarize TOTAL SUBSET: prints the counts, checks the floor, and exits.
summarize() {
  local total=$1 subset=$2 ran=0 domains=0 damages=0 commands=0 comparisons=0 failures=0
  local d m c k f counts
  for counts in "$WORK"/*/counts; do
    [ -f "$counts" ] || continue
    read -r d m c k f <"$counts"
    ran=$((ran + 1)) domains=$((domains + d)) damages=$((damages + m))
    commands=$((commands + c)) comparisons=$((comparisons + k)) failures=$((failures + f))
  done
  echo "damage_test: $ran of $total scenarios, $domains domains, $damages damages," \
    "$commands commands compared, $comparisons comparisons, $failures failures" \
    "(floor: $MIN_DOMAINS domains, $MIN_COMPARISONS comparisons; ${SECONDS}s)"
  if [ "$failures" -gt 0 ]; then
    echo "damage_test: failures by damage:"
    sort "$WORK"/*/failed-damages | uniq -c | sed 's/^/  /'
  fi
  [ "$BROKEN" = 0 ] || broken "a scenario job was broken (above)"
  [ "$failures" = 0 ] || exit 1
  if [ "$SKIPPED" -gt 0 ]; then
    echo "SKIP: damage_test: $SKIPPED scenarios skipped (above)"
    exit 77
  fi
  if [ "$subset" = 0 ] &&
    { [ "$domains" -lt "$MIN_DOMAINS" ] || [ "$comparisons" -lt "$MIN_COMPARISONS" ]; }; then
    echo "FAIL: damage_test: below the floor: the matrix shrank"
    exit 1
  fi
  echo "PASS: damage_test"
  exit 0
}

main() {
  VIRTCKPT=${1:-}
  SOURCE_ROOT=${2:-}
  [ -n "$VIRTCKPT" ] && [ -n "$SOURCE_ROOT" ] || broken "usage: $0 PATH-TO-VIRTCKPT SOURCE-ROOT"
  [ -x "$VIRTCKPT" ] || broken "virtckpt binary '$VIRTCKPT' is not executable"
  VIRTCKPT=$(realpath "$VIRTCKPT") && SOURCE_ROOT=$(realpath "$SOURCE_ROOT") &&
    SELF=$(realpath "${BASH_SOURCE[0]}") || broken "realpath failed"
  WALKER_MESON=$SOURCE_ROOT/tests/walker/meson.build
  SCENARIO_DIR=$SOURCE_ROOT/tests/walker/scenarios
  [ -f "$WALKER_MESON" ] || broken "$WALKER_MESON not found"
  BASE=${DAMAGE_DIR:-/tmp}
  check_tools
  WORK=$(mktemp -d "$BASE/virtckpt-damage.XXXXXX") || broken "mktemp failed"
  trap cleanup EXIT
  trap 'exit 99' INT TERM

  local -a scenarios
  local subset=0 s running=0
  mapfile -t scenarios < <(scenario_list)
  [ ${#scenarios[@]} -gt 0 ] || broken "no walker_scenarios in $WALKER_MESON"
  if [ -n "${DAMAGE_SCENARIOS:-}" ]; then
    read -ra scenarios <<<"$DAMAGE_SCENARIOS"
    subset=1
  fi
  for s in "${scenarios[@]}"; do
    [ -f "$SCENARIO_DIR/$s.sh" ] || broken "scenario $s: no $SCENARIO_DIR/$s.sh"
  done
  local total=${#scenarios[@]}
  mapfile -t scenarios < <(longest_first "${scenarios[@]}")

  SKIPPED=0 BROKEN=0
  for s in "${scenarios[@]}"; do
    if [ "$running" -ge "${DAMAGE_JOBS:-2}" ]; then
      wait_one
      running=$((running - 1))
    fi
    run_scenario "$s" &
    JOB_PIDS+=($!)
    running=$((running + 1))
  done
  while [ "$running" -gt 0 ]; do
    wait_one
    running=$((running - 1))
  done
  JOB_PIDS=()
  summarize "$total" "$subset"
}

if [ "${1:-}" = --batch ]; then
  shift
  run_batch "$@"
else
  main "$@"
fi
