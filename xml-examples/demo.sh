#!/usr/bin/env bash
# The main job on xml-examples/domain-multi.xml: create checkpoints, hot-plug a disk, plan a
# backup (the new disk full, the others incremental), run a backup job, resize an image and
# see the plan notice it. Usage: xml-examples/demo.sh [PATH-TO-virtckpt]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
virtckpt=${1:-$here/../build/src/virtckpt}
work=$(mktemp -d /tmp/virtckpt-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
export VIRTCKPT_ROOT=$work/store TZ=UTC

run() { printf '$ virtckpt %s\n' "$*"; "$virtckpt" "$@"; }

echo "== images in $work (qemu-img)"
qemu-img create -q -f qcow2 "$work/multi-vda.qcow2" 1G
qemu-img create -q -f qcow2 "$work/multi-vdb.qcow2" 1G
qemu-img create -q -f raw "$work/multi-vdc.raw" 64M
qemu-img create -q -f raw "$work/install.iso" 1M
qemu-img create -q -f qcow2 "$work/multi-vdd.qcow2" 2G
sed "s|/var/lib/libvirt/images|$work|" "$here/domain-multi.xml" > "$work/multi.xml"

run define "$work/multi.xml"
run checkpoint-create-as multi mon --description "Monday: first backup"
run checkpoint-create-as multi tue
echo "== hot-plug a disk after tue"
run attach-disk multi "$work/multi-vdd.qcow2" vdd --driver qemu --subdriver qcow2
run domblklist multi --details
run checkpoint-list multi --parent
run backup-plan multi --since mon
echo "$ virtckpt backup-plan multi --since mon --xml > backup.xml"
"$virtckpt" backup-plan multi --since mon --xml > "$work/backup.xml"
cat "$work/backup.xml"
virt-xml-validate "$work/backup.xml" domainbackup
echo "== a backup job since tue: wed is pending until the job ends"
run backup-begin multi --since tue --checkpoint wed
run domjobinfo multi
run backup-end multi --commit
run checkpoint-list multi --tree
echo "== vdb grows: the next plan makes it full"
qemu-img resize -q "$work/multi-vdb.qcow2" 2G
run backup-plan multi --since wed --json
