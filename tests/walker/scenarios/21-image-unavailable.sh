#!/bin/bash
# image_unavailable: a bitmap-capable disk whose image cannot be read on this host (moved away, a
# block device that is not there, a network source) keeps the decision its metadata gives (the
# plan may be made on a backup server that cannot see the hosts' disks), with the note
# image_unavailable: its size and bitmaps were not checked. Disks with nothing to back up and
# disks that cannot hold a bitmap get no note. Both models.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

block_xml() {  # block_xml TARGET DEV
  echo "    <disk type='block' device='disk'>"
  echo "      <driver name='qemu' type='qcow2'/>"
  echo "      <source dev='$2'/>"
  echo "      <target dev='$1' bus='virtio'/>"
  echo "    </disk>"
}
network_xml() {  # network_xml TARGET EXPORT
  echo "    <disk type='network' device='disk'>"
  echo "      <driver name='qemu' type='qcow2'/>"
  echo "      <source protocol='nbd' name='$2'>"
  echo "        <host name='backup.example.org' port='10809'/>"
  echo "      </source>"
  echo "      <target dev='$1' bus='virtio'/>"
  echo "    </disk>"
}

for model in cumulative delta; do
  case $model in cumulative) n=11 ;; delta) n=12 ;; esac
  img $model-vda.qcow2 1G
  img $model-vdb.qcow2 1G
  img $model-vdc.raw 16M raw
  img $model-vde.qcow2 1G
  domain_xml $model.xml na-$model 11111111-2222-4333-8444-5555555555$n \
    "$(disk_xml vda qcow2 $model-vda.qcow2)" \
    "$(disk_xml vdb qcow2 $model-vdb.qcow2)" \
    "$(disk_xml vdc raw $model-vdc.raw)" \
    "$(disk_xml vde qcow2 $model-vde.qcow2 disk readonly)" \
    "$(block_xml vdk "$T/$model-no-such-lv")" \
    "$(network_xml vdn $model-export)"
done

for model in cumulative delta; do
  d=na-$model
  note "---- $model model"
  vc define "$T/$model.xml" --bitmap-model $model
  vc checkpoint-create-as $d c1
  vc checkpoint-create-as $d c2
  note the block device and the network source cannot be read here
  vc backup-plan $d --since c1
  note vda moved away, vdc and vde too: the decisions stay, vda gets the note
  step mv "$T/$model-vda.qcow2" "$T/$model-vda.moved"
  step mv "$T/$model-vdc.raw" "$T/$model-vdc.moved"
  step mv "$T/$model-vde.qcow2" "$T/$model-vde.moved"
  vc backup-plan $d --since c1
  vc_out $model-moved.json backup-plan $d --since c1 --json
  vc_out $model-moved.xml backup-plan $d --since c1 --xml
  note a full disk gets the note too
  vc backup-plan $d
  vc checkpoint-create-as $d c3 --diskspec vda,checkpoint=no --diskspec vdb --diskspec vdk \
    --diskspec vdn
  vc backup-plan $d --since c2
  note vda back in place: no note
  step mv "$T/$model-vda.moved" "$T/$model-vda.qcow2"
  step mv "$T/$model-vdc.moved" "$T/$model-vdc.raw"
  step mv "$T/$model-vde.moved" "$T/$model-vde.qcow2"
  vc backup-plan $d --since c3
done
finish
