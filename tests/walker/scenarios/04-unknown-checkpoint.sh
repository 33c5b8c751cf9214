#!/bin/bash
# An unknown base: --since (or the <incremental> of a --backupxml) names no checkpoint of the
# domain (none at all, a typo, another case, another domain's checkpoint, one that was deleted).
# It is libvirt's error, exit 1, nothing on stdout, never a plan of full disks; backup-begin
# creates nothing.
. "$(dirname "$0")/../lib.sh"

img vda.qcow2 1G
img vdc.raw 16M raw
img xda.qcow2 1G
domain_xml u.xml unknown 11111111-2222-4333-8444-555555555504 \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdc raw vdc.raw)" \
  "$(disk_xml sdb raw '' cdrom readonly)"
domain_xml x.xml other 11111111-2222-4333-8444-555555555514 \
  "$(disk_xml vda qcow2 xda.qcow2)"
cat >"$T/typo.xml" <<XML
<domainbackup mode='push'>
  <incremental>c3</incremental>
</domainbackup>
XML

vc define "$T/u.xml"
vc define "$T/x.xml"
note no checkpoint at all
vc backup-plan unknown --since c1
vc backup-begin unknown --since c1 --checkpoint n1
vc checkpoint-create-as unknown c1
vc checkpoint-create-as unknown c2
vc checkpoint-create-as other x1
note a typo, another case, a checkpoint of another domain
vc backup-plan unknown --since c3
vc backup-plan unknown --since C1
vc backup-plan unknown --since x1
vc backup-plan unknown --since c3 --json
vc backup-plan unknown --since c3 --xml
note backup-begin checks the base before it creates the pending checkpoint
vc backup-begin unknown --since c3 --checkpoint n1
vc backup-begin unknown --since c3 --checkpoint n1 --json
vc backup-begin unknown --backupxml "$T/typo.xml" --checkpoint n1
vc backup-begin unknown --backupxml "$T/typo.xml" --checkpoint n1 --xml
vc domjobinfo unknown
vc checkpoint-list unknown --name
note a deleted checkpoint
vc checkpoint-delete unknown c1 --metadata
vc backup-plan unknown --since c1
vc backup-plan unknown --since c2
finish
