#!/bin/bash
# The delta model: an incremental backup since X uses X's bitmap and every later bitmap on the
# path to the current checkpoint, oldest first. Chosen with `define --bitmap-model delta`, or
# with `domain-set` before the first checkpoint.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

img vda.qcow2 1G
img vdb.qcow2 1G
domain_xml d1.xml delta1 11111111-2222-4333-8444-555555555531 \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdb qcow2 vdb.qcow2)"
img wda.qcow2 1G
domain_xml d2.xml delta2 11111111-2222-4333-8444-555555555532 \
  "$(disk_xml vda qcow2 wda.qcow2)"

note chosen at define time
vc define "$T/d1.xml" --bitmap-model delta
vc domain-set delta1
vc_out settings.json domain-set delta1 --json
vc checkpoint-create-as delta1 c1
vc checkpoint-create-as delta1 c2
vc checkpoint-create-as delta1 c3
vc checkpoint-create-as delta1 c4
vc backup-plan delta1 --since c1
vc backup-plan delta1 --since c2
vc backup-plan delta1 --since c3
vc backup-plan delta1 --since c4
vc_out since-c2.json backup-plan delta1 --since c2 --json
vc_out since-c2.xml backup-plan delta1 --since c2 --xml
vc_out since-c1-pull.xml backup-plan delta1 --since c1 --xml --pull-socket /run/delta.sock
note the model cannot change once there are checkpoints
vc domain-set delta1 --bitmap-model cumulative
vc domain-set delta1 --bitmap-model delta

note chosen with domain-set before any checkpoint
vc define "$T/d2.xml"
vc domain-set delta2 --bitmap-model delta
vc domain-set delta2
vc checkpoint-create-as delta2 c1
vc checkpoint-create-as delta2 c2
vc backup-plan delta2 --since c1
vc_out delta2-since-c1.json backup-plan delta2 --since c1 --json
vc domain-set delta2 --bitmap-model cumulative
vc checkpoint-delete delta2 c2 --metadata
vc checkpoint-delete delta2 c1 --metadata
note no checkpoint left: the model can change again
vc domain-set delta2 --bitmap-model cumulative
vc domain-set delta2 --json
vc domain-set delta2 --bitmap-model sideways
finish
