#!/bin/bash
# backup-begin --checkpoint NAME takes a checkpoint name like any other: libvirt's pattern
# [a-zA-Z0-9_-][a-zA-Z0-9_.-]*, checked before anything is written. A name with a / must never
# reach the file system (it would name a file outside the domain's checkpoints/).
. "$(dirname "$0")/../lib.sh"

img vda.qcow2 1G
domain_xml dom.xml names 11111111-2222-4333-8444-555555555517 \
  "$(disk_xml vda qcow2 vda.qcow2)"

vc define "$T/dom.xml"
vc checkpoint-create-as names c1
note the same names through checkpoint-create-as
vc checkpoint-create-as names ../../escaped
vc checkpoint-create-as names sub/dir
note and through backup-begin
vc backup-begin names --since c1 --checkpoint ../../escaped
vc backup-begin names --since c1 --checkpoint sub/dir
vc backup-begin names --since c1 --checkpoint .hidden
vc domjobinfo names
vc checkpoint-list names --name
note files outside checkpoints/
(cd "$T/store" && find . -name '*escaped*' -o -name '*dir*' -o -name '.hidden*') >"$T/run/found"
echo "# found: $(tr '\n' ' ' <"$T/run/found")" >>"$TRANSCRIPT"
finish
