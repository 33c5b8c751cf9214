#!/bin/bash
# The store's own promises at the command line: a lock that is not granted in time fails with
# libvirt's error and changes nothing; undefine removes everything of a domain (its lock file
# included) and warns about the bitmap operations it drops; temporary files of killed writers are
# never listed and go with the next write; a store of a newer format is refused.
. "$(dirname "$0")/../lib.sh"

img vda.qcow2 1G
domain_xml d.xml lockdom 11111111-2222-4333-8444-555555555520 "$(disk_xml vda qcow2 vda.qcow2)"
vc define "$T/d.xml"
vc checkpoint-create-as lockdom c1
vc checkpoint-create-as lockdom c2

note "another process holds the domain lock: with VIRTCKPT_LOCK_TIMEOUT=0.3 writers and readers give up"
(
  exec 9<>"$T/store/lockdom/lock"
  flock -x 9
  touch "$T/run/held"
  exec sleep 60
) &
holder=$!
for _ in $(seq 1 500); do [ -e "$T/run/held" ] && break; sleep 0.01; done
[ -e "$T/run/held" ] || broken "flock did not take the lock"
VIRTCKPT_LOCK_TIMEOUT=0.3 vc checkpoint-create-as lockdom c3
VIRTCKPT_LOCK_TIMEOUT=0.3 vc checkpoint-list lockdom
note "VIRTCKPT_LOCK_TIMEOUT=0: one try"
VIRTCKPT_LOCK_TIMEOUT=0 vc undefine lockdom --checkpoints-metadata
kill "$holder"
wait "$holder" 2>/dev/null
note "the lock is free again: nothing changed meanwhile"
vc checkpoint-list lockdom --parent
note VIRTCKPT_LOCK_TIMEOUT=soon
VIRTCKPT_LOCK_TIMEOUT=soon vc checkpoint-list lockdom

note "files a killed writer left are never listed, and the next write command removes them"
step cp "$T/store/lockdom/checkpoints/c2.xml" "$T/store/lockdom/checkpoints/c2.xml.tmp4242"
step cp "$T/store/lockdom/checkpoints/c2.xml" "$T/store/lockdom/checkpoints/c2.xml.undo"
step cp "$T/store/lockdom/current" "$T/store/lockdom/current.tmp17"
vc checkpoint-list lockdom --name
note "left: $(cd "$T/store/lockdom" && find . -name '*.tmp*' -o -name '*.undo' | sort | tr '\n' ' ')"
vc checkpoint-create-as lockdom c3
note "left: $(cd "$T/store/lockdom" && find . -name '*.tmp*' -o -name '*.undo' | sort | tr '\n' ' ')"

note "undefine: refused while there are checkpoints; with --checkpoints-metadata everything goes,"
note "and the bitmap operations still pending are printed before they are dropped"
vc checkpoint-delete lockdom c2
vc bitmap-ops lockdom
vc undefine lockdom
vc undefine lockdom --checkpoints-metadata
note "left of the domain: $(ls -A "$T/store" | grep -v '^\.virtckpt-format$' | tr '\n' ' ')"
vc list --all
vc define "$T/d.xml"
vc checkpoint-list lockdom

note "the store records its format version; a newer one is refused and never written"
note "$(cat "$T/store/.virtckpt-format")"
step sh -c "printf 'virtckpt-store-format 4\n' >'$T/store/.virtckpt-format'"
vc list --all
vc checkpoint-create-as lockdom c9
vc define "$T/d.xml"
note "$(cat "$T/store/.virtckpt-format")"
finish
