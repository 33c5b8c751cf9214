#!/bin/bash
# A crash in the middle of a write command must leave the domain as it was before the command
# or as it is after it, never half of it ("no reader may ever see half of a command"; "a crash
# leaves the job visible and resolvable"). Each command runs under strace, which kills it with
# SIGKILL at its k-th rename(2) or unlink(2), for every k the command reaches; the state the
# next process sees (checkpoint-list --json, domjobinfo --json, bitmap-ops --json) is compared
# with the state before the command and after a clean run of it. Skipped without strace.
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

# check MODEL "COMMAND" SETUP-COMMAND...
check() {
  local model=$1 command=$2 syscall k n half=0
  shift 2
  setup "$T/s-before" "$model" "$@"
  snapshot "$T/s-before" >"$T/run/before"
  setup "$T/s-after" "$model" "$@"
  # shellcheck disable=SC2086
  VIRTCKPT_ROOT=$T/s-after run_virtckpt -q $command >/dev/null 2>&1
  snapshot "$T/s-after" >"$T/run/after"
  for syscall in rename unlink; do
    setup "$T/s-count" "$model" "$@"
    # shellcheck disable=SC2086
    VIRTCKPT_ROOT=$T/s-count strace -f -qq -o "$T/run/trace" -e trace=$syscall \
      env LD_PRELOAD="$FAKETIME_LIB" FAKETIME="2024-01-01 00:00:00" \
      ASAN_OPTIONS=verify_asan_link_order=0 "$VIRTCKPT" -q $command >/dev/null 2>&1
    n=$(grep -c "^[0-9]* *$syscall(" "$T/run/trace")
    for k in $(seq 1 "$n"); do
      setup "$T/s-crash" "$model" "$@"
      # In a subshell that outlives strace, so that bash does not report the killed job.
      # shellcheck disable=SC2086
      (VIRTCKPT_ROOT=$T/s-crash strace -f -qq -o "$T/run/killed" -e trace=$syscall \
        -e inject=$syscall:signal=SIGKILL:when=$k \
        env LD_PRELOAD="$FAKETIME_LIB" FAKETIME="2024-01-01 00:00:00" \
        ASAN_OPTIONS=verify_asan_link_order=0 "$VIRTCKPT" -q $command >/dev/null 2>&1; :) 2>/dev/null
      snapshot "$T/s-crash" >"$T/run/crash"
      if ! cmp -s "$T/run/crash" "$T/run/before" && ! cmp -s "$T/run/crash" "$T/run/after"; then
        half=1
        {
          echo "#   killed at $syscall $k of $n: half of the command; the next process sees:"
          sed 's/^/#     /' "$T/run/crash" | sub
        } >>"$TRANSCRIPT"
      fi
    done
  done
  if [ "$half" = 0 ]; then
    echo "$model: $command: every crash leaves the state before or after it" >>"$TRANSCRIPT"
  else
    echo "$model: $command: HALF STATES (above)" >>"$TRANSCRIPT"
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
finish
