#!/bin/bash
# The cumulative model (the default): an incremental backup since X uses bitmap X alone, for
# every X on the path from the root to the current checkpoint.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

img vda.qcow2 1G
img vdb.qcow2 2G
domain_xml dom.xml cumul 11111111-2222-4333-8444-555555555502 \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdb qcow2 vdb.qcow2)"

vc define "$T/dom.xml"
vc domain-set cumul
vc checkpoint-create-as cumul c1
vc checkpoint-create-as cumul c2 'second checkpoint'
vc checkpoint-create-as cumul c3
vc checkpoint-list cumul --tree
vc backup-plan cumul --since c1
vc backup-plan cumul --since c2
vc backup-plan --domain cumul --since=c3
vc_out since-c1.json backup-plan cumul --since c1 --json
vc_out since-c3.json backup-plan cumul --since c3 --json
vc_out since-c1.xml backup-plan cumul --since c1 --xml
vc_out since-c2-pull.xml backup-plan cumul --since c2 --xml --pull-socket /run/x.sock
note custom bitmap names: the plan uses the bitmap= attribute
vc checkpoint-create-as cumul c4 --diskspec vda,bitmap=nightly-4 --diskspec vdb,bitmap=nightly-4b
vc backup-plan cumul --since c4
vc backup-plan cumul --since c3
note a plan changes nothing
vc checkpoint-list cumul --parent
finish
