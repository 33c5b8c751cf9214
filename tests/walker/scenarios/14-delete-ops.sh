#!/bin/bash
# Deletes record the bitmap operations they imply (bitmap-ops): in the delta model deleting N
# merges N's bitmap into its parent's, enables the parent's if N was a leaf, and removes N's;
# in the cumulative model it removes N's bitmaps. --metadata records nothing.
. "$(dirname "$0")/../lib.sh"

img vda.qcow2 1G
img vdb.qcow2 1G
domain_xml dom.xml del 11111111-2222-4333-8444-555555555514 \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdb qcow2 vdb.qcow2)"

for model in delta cumulative; do
  note "---- $model model"
  vc define "$T/dom.xml" --bitmap-model $model
  for c in c1 c2 c3 c4 c5; do vc checkpoint-create-as del $c; done
  note a leaf, the current checkpoint
  vc checkpoint-delete del c5
  vc bitmap-ops del
  vc_out $model-leaf.json bitmap-ops del --json
  vc bitmap-ops del --clear
  note a checkpoint in the middle
  vc checkpoint-delete del c3
  vc bitmap-ops del
  vc_out $model-middle.json bitmap-ops del --json
  vc bitmap-ops del --clear
  vc backup-plan del --since c2
  note metadata only
  vc checkpoint-delete del c4 --metadata
  vc bitmap-ops del
  note a subtree: --children and --children-only
  vc checkpoint-create-as del c6
  vc checkpoint-create-as del c7
  vc checkpoint-list del --tree
  vc checkpoint-delete del c6 --children
  vc bitmap-ops del
  vc bitmap-ops del --clear
  vc checkpoint-create-as del c8
  vc checkpoint-delete del c1 --children-only
  vc bitmap-ops del
  vc bitmap-ops del --clear
  note the root, without a parent to merge into
  vc checkpoint-delete del c1
  vc bitmap-ops del
  vc_out $model-root.json bitmap-ops del --json
  vc bitmap-ops del --clear
  vc checkpoint-list del --name
done
finish
