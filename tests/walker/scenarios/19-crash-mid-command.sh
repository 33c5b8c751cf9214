#!/bin/bash
# A crash in the middle of a write command must leave the domain as it was before the command
# or as it is after it, never half of it ("no reader may ever see half of a command"; "a crash
# leaves the job visible and resolvable"). A clean run of each command under strace gives the
# state after it and its crash points: each rename, link and unlink with which it changes the
# store, after its first change of any kind. For each point the command runs
# again in a fresh store, and strace kills it with SIGKILL right before that call (aimed by its
# number among the command's calls of its kind); the state the next process sees
# (checkpoint-list --json, domjobinfo --json, bitmap-ops --json) is compared with the state
# before the command and after the clean run. Each kill must land where it was aimed, after the
# command had changed the store (tests/store/store_calls.awk reads the traces), and the kills
# must reach a floor; a miss writes a line into the transcript, which the golden file lacks.
# The figures go to stdout. Skipped without strace.
. "$(dirname "$0")/../lib.sh"

command -v strace >/dev/null 2>&1 || skip "strace not found (Debian package strace)"
strace -o /dev/null -e trace=getpid -e inject=getpid:retval=1 true >/dev/null 2>&1 ||
  skip "this strace cannot inject faults (-e inject)"

img vda.qcow2 1G
img vdb.qcow2 1G
domain_xml dom.xml mid 11111111-2222-4333-8444-555555555519 \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdb qcow2 vdb.qcow2)"

# The domain state as the next process sees it.
snapshot() {
  VIRTCKPT_ROOT=$1 run_virtckpt checkpoint-list mid --json 2>/dev/null
  VIRTCKPT_ROOT=$1 run_virtckpt domjobinfo mid --json 2>/dev/null
  VIRTCKPT_ROOT=$1 run_virtckpt bitmap-ops mid --json 2>/dev/null
}

# setup ROOT MODEL SETUP-COMMAND...: a fresh store with the domain and the setup commands.
setup() {
  local root=$1 model=$2 line
  shift 2
  rm -rf "$root"
  VIRTCKPT_ROOT=$root run_virtckpt -q define "$T/dom.xml" --bitmap-model "$model" >/dev/null
  for line in "$@"; do
    # shellcheck disable=SC2086
    VIRTCKPT_ROOT=$root run_virtckpt -q $line >/dev/null 2>&1
  done
}

# Traced with the calls that change files, so that store_calls.awk sees what came before a kill.
TRACED=openat,write,rename,link,unlink
STORE_CALLS_AWK=$(dirname "$0")/../../store/store_calls.awk
[ -f "$STORE_CALLS_AWK" ] || broken "no $STORE_CALLS_AWK"
KILLS=0 INSIDE=0

# traced ROOT TRACE [INJECT]: the command line in $COMMAND under strace, in the store ROOT.
traced() {
  # In a subshell that outlives strace, so that bash does not report the killed job.
  # shellcheck disable=SC2086
  (VIRTCKPT_ROOT=$1 strace -f -qq -y -s 0 -o "$2" -e trace=$TRACED ${3:+-e inject=$3} \
    env LD_PRELOAD="$FAKETIME_LIB" FAKETIME="2024-01-01 00:00:00" \
    ASAN_OPTIONS=verify_asan_link_order=0 "$VIRTCKPT" -q $COMMAND >/dev/null 2>&1; :) 2>/dev/null
}

# check MODEL "COMMAND" SETUP-COMMAND...
check() {
  local model=$1 syscall occurrence paths half=0 kills=0 calls
  COMMAND=$2
  shift 2
  setup "$T/s-before" "$model" "$@"
  snapshot "$T/s-before" >"$T/run/before"
  setup "$T/s-after" "$model" "$@"
  traced "$T/s-after" "$T/run/trace"
  # shellcheck disable=SC2046
  forget_faketime_of $(awk '{ print $1 }' "$T/run/trace" | sort -u)
  snapshot "$T/s-after" >"$T/run/after"
  # The crash points ("SYSCALL OCCURRENCE PATH..."): each rename, link and unlink that changed
  # the store, after the command's first change. A kill before a call that failed or that
  # changed another file (such as libfaketime's) leaves what a kill before the next call
  # leaves; the writes (to temporary files, then published by a rename, and to the index, a
  # cache) are not aimed at: AddressSanitizer's own writes and opens vary from run to run, and
  # strace counts them too.
  awk -v root="$T/s-after" -f "$STORE_CALLS_AWK" "$T/run/trace" |
    awk '$1 == "done" && ++n > 1 && $2 ~ /^(rename|link|unlink)$/ { sub(/^done /, ""); print }' \
      >"$T/run/points"
  while read -r syscall occurrence paths <&3; do
    setup "$T/s-crash" "$model" "$@"
    traced "$T/s-crash" "$T/run/killed" "$syscall:signal=SIGKILL:when=$occurrence"
    # shellcheck disable=SC2046
    forget_faketime_of $(awk '{ print $1 }' "$T/run/killed" | sort -u)
    # The last call that changed the store must be the one aimed at, cut short.
    calls=$(awk -v root="$T/s-crash" -f "$STORE_CALLS_AWK" "$T/run/killed" | grep -v '^failed ')
    if ! grep -q '+++ killed by SIGKILL +++' "$T/run/killed" ||
      [ "$(tail -n 1 <<<"$calls")" != "killed $syscall $occurrence $paths" ]; then
      echo "#   $model: $COMMAND: the kill at $syscall $occurrence ($paths) did not land" >>"$TRANSCRIPT"
    fi
    kills=$((kills + 1))
    grep -q '^done ' <<<"$calls" && INSIDE=$((INSIDE + 1))
    snapshot "$T/s-crash" >"$T/run/crash"
    if ! cmp -s "$T/run/crash" "$T/run/before" && ! cmp -s "$T/run/crash" "$T/run/after"; then
      half=1
      {
        echo "#   killed at $syscall $occurrence ($paths): half of the command; the next process sees:"
        sed 's/^/#     /' "$T/run/crash" | sub
      } >>"$TRANSCRIPT"
    fi
  done 3<"$T/run/points"
  KILLS=$((KILLS + kills))
  echo "$model: $COMMAND: $kills kills"
  if [ "$kills" = 0 ]; then
    echo "$model: $COMMAND: NO CRASH POINT" >>"$TRANSCRIPT"
  elif [ "$half" = 0 ]; then
    echo "$model: $COMMAND: every crash leaves the state before or after it" >>"$TRANSCRIPT"
  else
    echo "$model: $COMMAND: HALF STATES (above)" >>"$TRANSCRIPT"
  fi
}

for model in cumulative delta; do
  check $model "checkpoint-create-as mid c2" "checkpoint-create-as mid c1"
  check $model "backup-begin mid --since c1 --checkpoint c2" "checkpoint-create-as mid c1"
  check $model "backup-end mid --commit" "checkpoint-create-as mid c1" \
    "backup-begin mid --since c1 --checkpoint c2"
  check $model "backup-end mid --abort" "checkpoint-create-as mid c1" \
    "backup-begin mid --since c1 --checkpoint c2"
  check $model "checkpoint-delete mid c1" "checkpoint-create-as mid c0" \
    "checkpoint-create-as mid c1" "checkpoint-create-as mid c2"
  check $model "checkpoint-delete mid c2" "checkpoint-create-as mid c1" \
    "checkpoint-create-as mid c2"
done
# Each (model, command, system call, k) is a crash point of its own.
echo "$KILLS kills at distinct crash points, $INSIDE of them inside a write"
[ "$INSIDE" = "$KILLS" ] || echo "only $INSIDE of $KILLS kills inside a write" >>"$TRANSCRIPT"
[ "$KILLS" -ge 70 ] || echo "only $KILLS crash points (expected at least 70)" >>"$TRANSCRIPT"
# This scenario's stores (it has no $VIRTCKPT_ROOT) go through the round trip of finish.
ROUNDTRIP_STORES="$T/s-before $T/s-after $T/s-crash"
finish
