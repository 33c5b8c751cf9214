#!/bin/bash
# The virtual size recorded with a checkpoint is the one its image had when the checkpoint was
# taken. Redefining the checkpoint from its own document (as backup tools do before every
# backup) or editing its description must not replace it with the image's size of today, or a
# resize after the checkpoint goes unnoticed.
. "$(dirname "$0")/../lib.sh"

img vda.qcow2 1G
img vdb.qcow2 1G
domain_xml dom.xml rdf 11111111-2222-4333-8444-555555555516 \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdb qcow2 vdb.qcow2)"
cat >"$T/describe.sh" <<'SH'
#!/bin/sh
sed -i '0,/<\/name>/s||</name>\n  <description>edited</description>|' "$1"
SH
chmod +x "$T/describe.sh"

vc define "$T/dom.xml"
vc checkpoint-create-as rdf c1
vc checkpoint-create-as rdf c2
step qemu-img resize -q "$T/vda.qcow2" 2G
step qemu-img resize -q "$T/vdb.qcow2" 2G
vc backup-plan rdf --since c2
note redefine c2 from its own document
run_virtckpt checkpoint-dumpxml rdf c2 --security-info >"$T/c2.xml" 2>/dev/null
vc checkpoint-create rdf "$T/c2.xml" --redefine
vc backup-plan rdf --since c2
note edit the description of c2
EDITOR=$T/describe.sh vc checkpoint-edit rdf c2
vc backup-plan rdf --since c2
vc backup-plan rdf --since c1
# After the round trip (lib.sh) the sizes recorded with c1 and c2 still show the resize.
ROUNDTRIP_MIN_RESIZED=2
finish
