#!/bin/bash
# backup-plan without --since: every disk full (no_checkpoint), in the order of the current
# definition; a drive without a medium has nothing to back up. Text, JSON, push and pull XML.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

img vda.qcow2 1G
img vdb.qcow2 1G
img vdc.raw 16M raw
domain_xml dom.xml nosince 11111111-2222-4333-8444-555555555501 \
  "$(disk_xml sda qcow2 sda.qcow2)" \
  "$(disk_xml vdb qcow2 vdb.qcow2)" \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdc raw vdc.raw)" \
  "$(disk_xml sdb raw '' cdrom readonly)"
img sda.qcow2 1G

vc define "$T/dom.xml"
note no checkpoint at all
vc backup-plan nosince
vc_out none.json backup-plan nosince --json
vc_out none.xml backup-plan nosince --xml
vc checkpoint-create-as nosince c1
vc checkpoint-create-as nosince c2
note with checkpoints, still no --since
vc backup-plan nosince
vc -q backup-plan nosince
vc_out plan.json backup-plan nosince --json
vc_out push.xml backup-plan nosince --xml
vc_out pull.xml backup-plan nosince --xml --pull-socket /run/x.sock
note an empty --since is no --since
vc backup-plan nosince --since ''
note option errors
vc backup-plan nosince --json --xml
vc backup-plan nosince --pull-socket /run/x.sock
vc backup-plan nosince --xml --pull-socket run/x.sock
vc backup-plan nosuchdomain
finish
