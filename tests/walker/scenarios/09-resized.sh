#!/bin/bash
# resized: `qemu-img resize` of an image after X. The virtual size is read from the image
# header when a checkpoint is taken and again when the plan is made; where it cannot be read
# there is no size check. Both models.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

for model in cumulative delta; do
  case $model in cumulative) n=91 ;; delta) n=92 ;; esac
  img $model-vda.qcow2 1G
  img $model-vdb.qcow2 1G
  domain_xml $model.xml rs-$model 11111111-2222-4333-8444-5555555555$n \
    "$(disk_xml vda qcow2 $model-vda.qcow2)" \
    "$(disk_xml vdb qcow2 $model-vdb.qcow2)"
done

for model in cumulative delta; do
  d=rs-$model
  note "---- $model model"
  vc define "$T/$model.xml" --bitmap-model $model
  vc checkpoint-create-as $d c1
  vc checkpoint-create-as $d c2
  note grow vda after c2
  step qemu-img resize -q "$T/$model-vda.qcow2" 2G
  vc backup-plan $d --since c1
  vc backup-plan $d --since c2
  vc_out $model-grown.json backup-plan $d --since c1 --json
  vc_out $model-grown.xml backup-plan $d --since c2 --xml
  note a new checkpoint c3 records the new size
  vc checkpoint-create-as $d c3
  vc backup-plan $d --since c2
  vc backup-plan $d --since c3
  note shrink vdb after c3, grow it back to its old size before c4
  step qemu-img resize -q --shrink "$T/$model-vdb.qcow2" 512M
  vc backup-plan $d --since c3
  vc checkpoint-create-as $d c4
  step qemu-img resize -q "$T/$model-vdb.qcow2" 1G
  note since c3: c4 recorded 512 MiB, the image has 1 GiB again
  vc backup-plan $d --since c3
  vc backup-plan $d --since c4
  vc_out $model-shrunk.json backup-plan $d --since c1 --json
  note an image that cannot be read now: no size check
  step mv "$T/$model-vda.qcow2" "$T/$model-vda.moved"
  vc backup-plan $d --since c3
  step mv "$T/$model-vda.moved" "$T/$model-vda.qcow2"
done
# After the round trip (lib.sh) the sizes recorded with c1..c4 still show both resizes: since
# c1, c2 (vda grown) and c3, c4 (vdb shrunk, grown back), in both models.
ROUNDTRIP_MIN_RESIZED=8
finish
