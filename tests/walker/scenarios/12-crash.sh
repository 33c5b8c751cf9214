#!/bin/bash
# A pending backup job survives a crash: one virtckpt process begins the job and is killed
# (SIGKILL) without ending it; later processes see the job (domjobinfo, text and JSON), warn
# about it on stderr, keep its checkpoints frozen, and resolve it with backup-end.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

img vda.qcow2 1G
img vdb.qcow2 1G
domain_xml dom.xml crash 11111111-2222-4333-8444-555555555512 \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdb qcow2 vdb.qcow2)"

# begin_and_crash ARGS...: one virtckpt process reads `backup-begin ARGS` from a pipe, runs it,
# and is killed while it waits for its next command.
begin_and_crash() {
  local fifo=$T/run/fifo pid i
  rm -f "$fifo"
  mkfifo "$fifo"
  run_virtckpt <"$fifo" >"$T/run/crash.out" 2>"$T/run/crash.err" &
  pid=$!
  exec 9>"$fifo"
  echo "backup-begin $*" >&9
  for i in $(seq 1 200); do
    if run_virtckpt domjobinfo crash --json 2>/dev/null | grep -q '"checkpoint"'; then break; fi
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  exec 9>&-
  echo "# one process ran: backup-begin $* ; then it was killed with SIGKILL" >>"$TRANSCRIPT"
}

for model in cumulative delta; do
  note "---- $model model"
  vc define "$T/dom.xml" --bitmap-model $model
  vc checkpoint-create-as crash c1
  vc checkpoint-create-as crash c2
  begin_and_crash crash --since c1 --checkpoint c3
  # The job of the killed process is pending: checkpoint-export is refused (lib.sh, roundtrip).
  roundtrip
  note later processes see the job
  vc domjobinfo crash
  vc_out $model-info.json domjobinfo crash --json
  vc checkpoint-list crash --tree
  vc backup-plan crash --since c3
  vc_out $model-plan.xml backup-plan crash --since c1 --xml
  vc checkpoint-delete crash c2
  vc checkpoint-create-as crash c9
  vc backup-begin crash --since c2 --checkpoint c9
  note another process aborts it
  vc backup-end crash --abort
  vc domjobinfo crash
  vc bitmap-ops crash
  vc checkpoint-list crash --tree
  vc backup-plan crash --since c1
  vc bitmap-ops crash --clear
  note a second crash, resolved by a commit
  begin_and_crash crash --since c2 --checkpoint c4
  vc domjobinfo crash
  vc backup-end crash --commit
  vc domjobinfo crash
  vc_out $model-resolved.json domjobinfo crash --json
  vc checkpoint-list crash --tree
  vc backup-plan crash --since c4
  vc bitmap-ops crash
  vc checkpoint-delete crash c4 --metadata
  vc checkpoint-delete crash c2 --metadata
  vc checkpoint-delete crash c1 --metadata
done
finish
