#!/bin/bash
# While a backup job is pending, every other command on the domain (read or write) prints the
# warning on stderr; the job commands themselves (backup-begin, backup-end, domjobinfo) do not.
. "$(dirname "$0")/../lib.sh"

img vda.qcow2 1G
img vdb.qcow2 1G
domain_xml dom.xml warn 11111111-2222-4333-8444-555555555518 \
  "$(disk_xml vda qcow2 vda.qcow2)"
device_xml vdb.xml "$(disk_xml vdb qcow2 vdb.qcow2)"

vc define "$T/dom.xml"
vc checkpoint-create-as warn c1
vc -q backup-begin warn --since c1 --checkpoint c2
# checkpoint-export is refused while the job is pending (lib.sh, roundtrip).
roundtrip
vc dumpxml warn
vc domblklist warn
vc define "$T/dom.xml"
vc attach-device warn "$T/vdb.xml"
vc detach-device warn "$T/vdb.xml"
vc domain-set warn
vc checkpoint-list warn --name
vc checkpoint-info warn c2
vc checkpoint-parent warn c2
vc checkpoint-dumpxml warn c1 --no-domain
vc bitmap-ops warn
vc backup-plan warn --since c1
vc domjobinfo warn
vc list --all --name
vc backup-end warn --commit
vc domblklist warn
finish
