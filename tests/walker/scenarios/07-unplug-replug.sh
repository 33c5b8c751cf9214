#!/bin/bash
# disk_removed_between: a disk present at X, unplugged at a checkpoint in between and plugged
# in again. identity_changed: the same target unplugged and re-plugged with another image (or
# another format), with or without a checkpoint in between. Both models.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

img vda.qcow2 1G
img vdb.qcow2 1G
img vdb-new.qcow2 1G
img vdb.raw 1G raw
for model in cumulative delta; do
  case $model in cumulative) n=71 ;; delta) n=72 ;; esac
  domain_xml $model.xml up-$model 11111111-2222-4333-8444-5555555555$n \
    "$(disk_xml vda qcow2 vda.qcow2)" \
    "$(disk_xml vdb qcow2 vdb.qcow2)"
done
device_xml vdb.xml "$(disk_xml vdb qcow2 vdb.qcow2)"
device_xml vdb-new.xml "$(disk_xml vdb qcow2 vdb-new.qcow2)"
device_xml vdb-raw.xml "$(disk_xml vdb raw vdb.raw)"

for model in cumulative delta; do
  d=up-$model
  note "---- $model model"
  vc define "$T/$model.xml" --bitmap-model $model
  vc checkpoint-create-as $d c1
  note unplug vdb, checkpoint c2 without it, plug the same image in again, checkpoint c3
  vc detach-device $d "$T/vdb.xml"
  vc checkpoint-create-as $d c2
  vc attach-device $d "$T/vdb.xml"
  vc backup-plan $d --since c1
  vc checkpoint-create-as $d c3
  vc backup-plan $d --since c1
  vc backup-plan $d --since c2
  vc backup-plan $d --since c3
  vc_out $model-removed.json backup-plan $d --since c1 --json
  note unplug vdb and plug another image at the same target, no checkpoint in between
  vc detach-device $d "$T/vdb.xml"
  vc attach-device $d "$T/vdb-new.xml"
  vc domblklist $d
  vc backup-plan $d --since c3
  vc_out $model-identity.json backup-plan $d --since c3 --json
  vc_out $model-identity.xml backup-plan $d --since c3 --xml
  note since c1: removed in between and replaced, both listed
  vc backup-plan $d --since c1
  vc_out $model-both.json backup-plan $d --since c1 --json
  note after a new checkpoint c4 the new image is tracked from c4 on
  vc checkpoint-create-as $d c4
  vc backup-plan $d --since c3
  vc backup-plan $d --since c4
  note the same file again, now with a raw driver: another format
  vc detach-disk $d vdb
  vc attach-device $d "$T/vdb-raw.xml"
  vc backup-plan $d --since c4
  note and back to the qcow2 image of c4 with a checkpoint in between
  vc checkpoint-create-as $d c5
  vc detach-device $d "$T/vdb-raw.xml"
  vc attach-device $d "$T/vdb-new.xml"
  vc backup-plan $d --since c4
  vc backup-plan $d --since c5
done
finish
