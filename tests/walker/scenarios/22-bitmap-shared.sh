#!/bin/bash
# bitmap_shared: two checkpoints that name the same bitmap for one disk are accepted (as virsh's
# test driver does: --diskspec vda,bitmap=NAME, or a redefined document with bitmap='...'), but
# a disk whose backup would read such a bitmap (cumulative: X's; delta: every bitmap from X to
# the current checkpoint) is full, wherever in the tree the other checkpoint is. Deletes record
# no removal of a bitmap that a remaining checkpoint still names, no merge of a bitmap into
# itself, and no operation twice. Both models.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

for model in cumulative delta; do
  case $model in cumulative) n=21 ;; delta) n=22 ;; esac
  img $model-vda.qcow2 1G
  img $model-vdb.qcow2 1G
  domain_xml $model.xml sh-$model 11111111-2222-4333-8444-5555555555$n \
    "$(disk_xml vda qcow2 $model-vda.qcow2)" \
    "$(disk_xml vdb qcow2 $model-vdb.qcow2)"
done
# r1, redefined on a branch under c1, names c3's bitmap for vdb.
cat >"$T/r1.xml" <<XML
<domaincheckpoint>
  <name>r1</name>
  <parent>
    <name>c1</name>
  </parent>
  <creationTime>1704067100</creationTime>
  <disks>
    <disk name='vda' checkpoint='bitmap' bitmap='r1'/>
    <disk name='vdb' checkpoint='bitmap' bitmap='c3'/>
  </disks>
</domaincheckpoint>
XML

for model in cumulative delta; do
  d=sh-$model
  note "---- $model model"
  vc define "$T/$model.xml" --bitmap-model $model
  vc checkpoint-create-as $d c1
  note c2 names c1\'s bitmap again for vda
  vc checkpoint-create-as $d c2 --diskspec vda,bitmap=c1 --diskspec vdb
  vc checkpoint-dumpxml $d c2 --no-domain
  vc backup-plan $d --since c1
  vc backup-plan $d --since c2
  vc_out $model-since-c1.json backup-plan $d --since c1 --json
  vc_out $model-since-c1.xml backup-plan $d --since c1 --xml
  vc checkpoint-create-as $d c3
  note since c3 no shared bitmap is read
  vc backup-plan $d --since c3
  note a checkpoint on another branch names c3\'s bitmap for vdb
  vc checkpoint-create $d "$T/r1.xml" --redefine
  vc checkpoint-list $d --tree
  vc backup-plan $d --since c3
  vc backup-plan $d --since c2
  vc_out $model-branch.json backup-plan $d --since c3 --json
  note "deleting c2: c1 still names bitmap c1 for vda"
  vc checkpoint-delete $d c2
  vc bitmap-ops $d
  vc_out $model-delete-c2.json bitmap-ops $d --json
  vc bitmap-ops $d --clear
  note "deleting r1: c3 still names bitmap c3 for vdb"
  vc checkpoint-delete $d r1
  vc bitmap-ops $d
  vc bitmap-ops $d --clear
  note a subtree of two checkpoints that share a bitmap for vda: one removal
  vc checkpoint-create-as $d s1 --diskspec vda,bitmap=shared --diskspec vdb
  vc checkpoint-create-as $d s2 --diskspec vda,bitmap=shared --diskspec vdb
  vc backup-plan $d --since s1
  vc checkpoint-delete $d s1 --children
  vc bitmap-ops $d
  vc_out $model-delete-subtree.json bitmap-ops $d --json
  vc bitmap-ops $d --clear
  vc backup-plan $d --since c1
done
finish
