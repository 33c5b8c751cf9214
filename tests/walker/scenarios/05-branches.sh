#!/bin/bash
# not_ancestor and branches: X must be on the path from a root to the current checkpoint.
# A branch is made by --redefine (a checkpoint whose parent is not the current one), and by
# deleting back to an older checkpoint and creating a new one there. Both bitmap models.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

img vda.qcow2 1G
img vdb.qcow2 1G
for model in cumulative delta; do
  case $model in cumulative) n=51 ;; delta) n=52 ;; esac
  domain_xml $model.xml br-$model 11111111-2222-4333-8444-5555555555$n \
    "$(disk_xml vda qcow2 vda.qcow2)" \
    "$(disk_xml vdb qcow2 vdb.qcow2)"
done

for model in cumulative delta; do
  d=br-$model
  note "---- $model model"
  vc define "$T/$model.xml" --bitmap-model $model
  vc checkpoint-create-as $d c1
  vc checkpoint-create-as $d c2
  vc checkpoint-create-as $d c3
  note another branch under c1, made by --redefine: the current checkpoint stays c3
  run_virtckpt checkpoint-dumpxml $d c2 --security-info >"$T/c2-$model.xml"
  sed -e '0,/<name>c2<\/name>/s//<name>b1<\/name>/' \
    -e "s|bitmap='c2'|bitmap='b1'|g" "$T/c2-$model.xml" >"$T/b1-$model.xml"
  sed -e '0,/<name>b1<\/name>/s//<name>b2<\/name>/' \
    -e "s|bitmap='b1'|bitmap='b2'|g" \
    -e 's|<name>c1</name>|<name>b1</name>|' "$T/b1-$model.xml" >"$T/b2-$model.xml"
  vc checkpoint-create $d "$T/b1-$model.xml" --redefine
  vc checkpoint-create $d "$T/b2-$model.xml" --redefine
  vc checkpoint-list $d --tree
  vc checkpoint-list $d --name --leaves
  vc backup-plan $d --since b1
  vc backup-plan $d --since b2
  vc_out $model-not-ancestor.json backup-plan $d --since b2 --json
  vc_out $model-not-ancestor.xml backup-plan $d --since b1 --xml
  note the common ancestor: the path follows the current branch only
  vc backup-plan $d --since c1
  vc_out $model-common.json backup-plan $d --since c1 --json
  note back to c1 and a new branch there: c4 becomes current
  vc checkpoint-delete $d c2 --children --metadata
  vc checkpoint-create-as $d c4
  vc checkpoint-list $d --tree
  vc backup-plan $d --since c1
  vc backup-plan $d --since b1
  vc backup-plan $d --since c4
  vc_out $model-new-branch.json backup-plan $d --since c1 --json
done
finish
