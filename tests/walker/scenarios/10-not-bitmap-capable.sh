#!/bin/bash
# not_bitmap_capable: raw, readonly, cdrom, floppy and empty disks cannot hold a bitmap, even
# where a checkpoint says checkpoint='bitmap' for them. Empty drives and readonly disks have
# nothing to back up (mode none, backup='no' in <domainbackup>).
. "$(dirname "$0")/../lib.sh"
need_xml_validate

img vda.qcow2 1G
img vdc.raw 16M raw
img vde.qcow2 1G
img install.iso 4M raw
img boot.img 1440K raw
domain_xml dom.xml cap 11111111-2222-4333-8444-555555555510 \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdc raw vdc.raw)" \
  "$(disk_xml vde qcow2 vde.qcow2 disk readonly)" \
  "$(disk_xml sda raw install.iso cdrom readonly)" \
  "$(disk_xml sdb raw '' cdrom readonly)" \
  "$(disk_xml fda raw boot.img floppy)"

for model in cumulative delta; do
  note "---- $model model"
  vc define "$T/dom.xml" --bitmap-model $model
  vc checkpoint-create-as cap c1
  vc checkpoint-dumpxml cap c1 --no-domain
  vc checkpoint-create-as cap c2 --diskspec vda --diskspec vdc --diskspec fda
  vc backup-plan cap --since c1
  vc_out $model-plan.json backup-plan cap --since c1 --json
  vc_out $model-push.xml backup-plan cap --since c1 --xml
  vc_out $model-pull.xml backup-plan cap --since c2 --xml --pull-socket /run/cap.sock
  vc checkpoint-delete cap c2 --metadata
  vc checkpoint-delete cap c1 --metadata
done
note without --since
vc backup-plan cap
finish
