#!/bin/bash
# checkpoint_no: X, or a later checkpoint on the path, records checkpoint='no' for the disk
# (--diskspec DISK,checkpoint=no, or a <domaincheckpoint> that leaves the disk out).
. "$(dirname "$0")/../lib.sh"
need_xml_validate

img vda.qcow2 1G
img vdb.qcow2 1G
for model in cumulative delta; do
  case $model in cumulative) n=81 ;; delta) n=82 ;; esac
  domain_xml $model.xml no-$model 11111111-2222-4333-8444-5555555555$n \
    "$(disk_xml vda qcow2 vda.qcow2)" \
    "$(disk_xml vdb qcow2 vdb.qcow2)"
done
cat >"$T/only-vda.xml" <<XML
<domaincheckpoint>
  <name>c4</name>
  <disks>
    <disk name='vda'/>
  </disks>
</domaincheckpoint>
XML

for model in cumulative delta; do
  d=no-$model
  note "---- $model model"
  vc define "$T/$model.xml" --bitmap-model $model
  note at X
  vc checkpoint-create-as $d c1 --diskspec vda --diskspec vdb,checkpoint=no
  vc checkpoint-create-as $d c2
  vc backup-plan $d --since c1
  vc backup-plan $d --since c2
  note at a later checkpoint
  vc checkpoint-create-as $d c3 --diskspec vdb,checkpoint=no --diskspec vda,checkpoint=bitmap
  vc backup-plan $d --since c2
  vc_out $model-later.json backup-plan $d --since c2 --json
  vc_out $model-later.xml backup-plan $d --since c2 --xml
  note a checkpoint document that leaves vdb out
  vc checkpoint-create $d "$T/only-vda.xml"
  vc checkpoint-dumpxml $d c4 --no-domain
  vc backup-plan $d --since c4
  note "since c1: checkpoint='no' at c1, c3 and c4, the sentence names c1"
  vc backup-plan $d --since c1
done
finish
