#!/bin/bash
# Raw, readonly, cdrom, floppy and empty disks are skipped by bitmap operations (they cannot
# hold a bitmap), even where a checkpoint says checkpoint='bitmap' for them (the test driver
# allows it for raw and floppy disks): deletes and aborted jobs record operations for the
# qcow2 disk only. Both models.
. "$(dirname "$0")/../lib.sh"

img vda.qcow2 1G
img vdc.raw 16M raw
img boot.img 1440K raw
domain_xml dom.xml skip 11111111-2222-4333-8444-555555555515 \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdc raw vdc.raw)" \
  "$(disk_xml fda raw boot.img floppy)" \
  "$(disk_xml sdb raw '' cdrom readonly)"

for model in cumulative delta; do
  note "---- $model model"
  vc define "$T/dom.xml" --bitmap-model $model
  vc checkpoint-create-as skip c1
  vc checkpoint-create-as skip c2
  vc checkpoint-create-as skip c3
  vc checkpoint-dumpxml skip c3 --no-domain
  note delete a leaf
  vc checkpoint-delete skip c3
  vc bitmap-ops skip
  vc bitmap-ops skip --clear
  note delete in the middle
  vc checkpoint-create-as skip c3
  vc checkpoint-delete skip c2
  vc bitmap-ops skip
  vc bitmap-ops skip --clear
  note abort a job
  vc backup-begin skip --since c1 --checkpoint c4
  vc backup-end skip --abort
  vc bitmap-ops skip
  vc_out $model-abort.json bitmap-ops skip --json
  vc bitmap-ops skip --clear
  vc checkpoint-delete skip c1 --children --metadata
done
finish
