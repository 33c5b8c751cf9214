#!/bin/bash
# backup-end --abort removes the pending checkpoint NEW and records what becomes of its
# bitmaps: in the cumulative model they are removed; in the delta model each is merged back
# into its parent's, which becomes the active bitmap again, then removed. The next plan since
# X is the same as before the job.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

img vda.qcow2 1G
img vdb.qcow2 1G
domain_xml dom.xml abort 11111111-2222-4333-8444-555555555513 \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdb qcow2 vdb.qcow2)"

for model in cumulative delta; do
  note "---- $model model"
  vc define "$T/dom.xml" --bitmap-model $model
  vc checkpoint-create-as abort c1
  vc checkpoint-create-as abort c2
  vc_out $model-before.json backup-plan abort --since c1 --json
  vc backup-begin abort --since c1 --checkpoint c3
  vc backup-end abort --abort
  vc checkpoint-list abort --tree
  vc_out $model-after.json backup-plan abort --since c1 --json
  vc bitmap-ops abort
  vc_out $model-ops.json bitmap-ops abort --json
  note the plan mentions the operations until they are acknowledged
  vc backup-plan abort --since c1
  vc bitmap-ops abort --clear
  vc bitmap-ops abort --json
  vc backup-plan abort --since c1
  note a full backup job over the first checkpoint, aborted: no parent to merge into
  vc checkpoint-delete abort c2 --metadata
  vc checkpoint-delete abort c1 --metadata
  vc backup-begin abort --checkpoint f1
  vc checkpoint-list abort --name
  vc backup-end abort --abort
  vc checkpoint-list abort --name
  vc bitmap-ops abort
  vc bitmap-ops abort --clear
done
finish
