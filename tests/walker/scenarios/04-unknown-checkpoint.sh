#!/bin/bash
# unknown_checkpoint: --since names no checkpoint of the domain (none at all, a typo, another
# domain's checkpoint, one that was deleted). Every disk is full.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

img vda.qcow2 1G
img vdc.raw 16M raw
img xda.qcow2 1G
domain_xml u.xml unknown 11111111-2222-4333-8444-555555555504 \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdc raw vdc.raw)" \
  "$(disk_xml sdb raw '' cdrom readonly)"
domain_xml x.xml other 11111111-2222-4333-8444-555555555514 \
  "$(disk_xml vda qcow2 xda.qcow2)"

vc define "$T/u.xml"
vc define "$T/x.xml"
note no checkpoint at all
vc backup-plan unknown --since c1
vc checkpoint-create-as unknown c1
vc checkpoint-create-as unknown c2
vc checkpoint-create-as other x1
note a typo, another case, a checkpoint of another domain
vc backup-plan unknown --since c3
vc backup-plan unknown --since C1
vc backup-plan unknown --since x1
vc_out typo.json backup-plan unknown --since c3 --json
vc_out typo.xml backup-plan unknown --since c3 --xml
note a deleted checkpoint
vc checkpoint-delete unknown c1 --metadata
vc backup-plan unknown --since c1
vc backup-plan unknown --since c2
finish
