#!/bin/bash
# disk_added_after: a disk hot-plugged after X (attach-device, attach-disk) has no bitmap for X.
# After a new checkpoint Y, a backup since Y covers it; since X it stays full. Both models.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

img vda.qcow2 1G
img vdb.qcow2 1G
img vdc.qcow2 1G
for model in cumulative delta; do
  case $model in cumulative) n=61 ;; delta) n=62 ;; esac
  domain_xml $model.xml hp-$model 11111111-2222-4333-8444-5555555555$n \
    "$(disk_xml vda qcow2 vda.qcow2)"
done
device_xml vdb.xml "$(disk_xml vdb qcow2 vdb.qcow2)"

for model in cumulative delta; do
  d=hp-$model
  note "---- $model model"
  vc define "$T/$model.xml" --bitmap-model $model
  vc checkpoint-create-as $d c1
  note hot-plug vdb after c1
  vc attach-device $d "$T/vdb.xml"
  vc backup-plan $d --since c1
  vc_out $model-before-c2.json backup-plan $d --since c1 --json
  vc_out $model-before-c2.xml backup-plan $d --since c1 --xml
  note then a new checkpoint c2
  vc checkpoint-create-as $d c2
  vc backup-plan $d --since c1
  vc backup-plan $d --since c2
  vc_out $model-since-c2.xml backup-plan $d --since c2 --xml
  note attach-disk vdc after c2, then c3
  vc attach-disk $d "$T/vdc.qcow2" vdc --subdriver qcow2
  vc domblklist $d
  vc backup-plan $d --since c2
  vc checkpoint-create-as $d c3
  vc backup-plan $d --since c1
  vc backup-plan $d --since c2
  vc backup-plan $d --since c3
  vc_out $model-after-c3.json backup-plan $d --since c1 --json
done
finish
