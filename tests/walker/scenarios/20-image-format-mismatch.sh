#!/bin/bash
# image_format_mismatch: the image is not in the format its driver type says (a text file or a
# raw image where the driver says qcow2, a qcow2 image where it says raw). The disk is full, and
# a size read from such an image is not the disk's virtual size: no resized from it, and none
# recorded with a checkpoint taken meanwhile.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

img vda.qcow2 1G
img vdb.qcow2 1G
img vdc.qcow2 1G
img vdd.raw 16M raw
domain_xml dom.xml fmt 11111111-2222-4333-8444-555555555520 \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdb qcow2 vdb.qcow2)" \
  "$(disk_xml vdc qcow2 vdc.qcow2)" \
  "$(disk_xml vdd raw vdd.raw)"
printf 'not a disk image\n' >"$T/text"

vc define "$T/dom.xml"
vc checkpoint-create-as fmt c1
vc backup-plan fmt --since c1
note vda becomes a text file and vdb a 64 MiB raw image, where the driver says qcow2
step cp "$T/text" "$T/vda.qcow2"
img vdb.qcow2 64M raw
note vdd becomes a qcow2 image of 1 GiB, where the driver says raw
img vdd.raw 1G
vc backup-plan fmt --since c1
vc_out since-c1.json backup-plan fmt --since c1 --json
vc_out since-c1.xml backup-plan fmt --since c1 --xml
vc backup-plan fmt
note c2 is taken with the images as they are: it records no size for vda, vdb and vdd
vc checkpoint-create-as fmt c2
vc backup-plan fmt --since c2
note "the images are put right, with other sizes than the mismatching files had (their bitmaps"
note "are not read yet: bitmap_missing is reserved for the qcow2 reader)"
img vda.qcow2 3G
img vdb.qcow2 3G
img vdd.raw 32M raw
vc backup-plan fmt --since c2
vc_out since-c2.json backup-plan fmt --since c2 --json
vc backup-plan fmt --since c1
finish
