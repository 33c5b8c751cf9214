#!/bin/bash
# Backup jobs: backup-begin creates NEW pending under the current checkpoint and prints the
# plan; while it is pending the checkpoints from X to NEW cannot be deleted, edited or
# redefined, no checkpoint can be created, a second job is refused, and every other command
# warns on stderr; pending_checkpoint when X is NEW; backup-end --commit / --abort.
. "$(dirname "$0")/../lib.sh"
need_xml_validate

img vda.qcow2 1G
img vdb.qcow2 1G
domain_xml dom.xml job 11111111-2222-4333-8444-555555555511 \
  "$(disk_xml vda qcow2 vda.qcow2)" \
  "$(disk_xml vdb qcow2 vdb.qcow2)"
# An editor that adds a description to the checkpoint document.
cat >"$T/describe.sh" <<'SH'
#!/bin/sh
sed -i '0,/<\/name>/s||</name>\n  <description>edited</description>|' "$1"
SH
chmod +x "$T/describe.sh"
cat >"$T/new.xml" <<XML
<domaincheckpoint>
  <name>n1</name>
</domaincheckpoint>
XML

vc define "$T/dom.xml"
vc checkpoint-create-as job c0
vc checkpoint-create-as job c1
vc checkpoint-create-as job c2
note "---- job 1: since c1, new checkpoint c3 (text output)"
vc backup-begin job --since c1 --checkpoint c3
vc domjobinfo job
vc_out job1-info.json domjobinfo job --json
vc checkpoint-list job --tree
vc_out job1-list.json checkpoint-list job --json
note X is the pending checkpoint
vc backup-plan job --since c3
vc_out job1-pending.json backup-plan job --since c3 --json
vc_out job1-pending.xml backup-plan job --since c3 --xml
note the base of the job is still usable
vc backup-plan job --since c1
note a second job is refused
vc backup-begin job --since c2 --checkpoint c4
vc backup-begin job --checkpoint c4
note no checkpoint can be created
vc checkpoint-create-as job c4
vc checkpoint-create job "$T/new.xml"
vc checkpoint-create job
note the checkpoints from X to NEW cannot be deleted
vc checkpoint-delete job c1
vc checkpoint-delete job c2
vc checkpoint-delete job c3
vc checkpoint-delete job c2 --metadata
vc checkpoint-delete job c0 --children
vc checkpoint-delete job c1 --children-only
note nor edited
EDITOR=$T/describe.sh vc checkpoint-edit job c1
EDITOR=$T/describe.sh vc checkpoint-edit job c3
note nor redefined
run_virtckpt checkpoint-dumpxml job c2 --security-info >"$T/c2.xml" 2>/dev/null
vc checkpoint-create job "$T/c2.xml" --redefine
vc checkpoint-create job "$T/c2.xml" --redefine --redefine-validate
note the list is unchanged
vc checkpoint-list job --parent
note a checkpoint before X can go: it is not part of the job
EDITOR=$T/describe.sh vc checkpoint-edit job c0
vc checkpoint-delete job c0 --metadata
vc checkpoint-list job --tree
vc backup-end job --commit
vc domjobinfo job
vc_out job1-done.json domjobinfo job --json
vc backup-end job --commit
vc backup-end job --abort
vc backup-plan job --since c3
vc checkpoint-list job --tree

note "---- job 2: since c3, new checkpoint c4 (JSON output), committed"
vc_out job2-begin.json backup-begin job --since c3 --checkpoint c4 --json
vc backup-end job --commit
note "---- job 3: since c4, new checkpoint c5 (push XML), aborted"
vc_out job3-begin.xml backup-begin job --since c4 --checkpoint c5 --xml
vc backup-end job --abort
vc checkpoint-list job --tree
note "---- job 4: full backup, new checkpoint c6 (pull XML): only c6 is frozen"
vc_out job4-begin.xml backup-begin job --checkpoint c6 --xml --pull-socket /run/job.sock
vc domjobinfo job
vc checkpoint-delete job c6
EDITOR=$T/describe.sh vc checkpoint-edit job c4
vc backup-end job --commit
note "---- job 5: base and name from --backupxml and --checkpointxml"
cat >"$T/backup.xml" <<XML
<domainbackup mode='push'>
  <incremental>c4</incremental>
  <disks>
    <disk name='vda' backup='yes'/>
  </disks>
</domainbackup>
XML
cat >"$T/checkpoint.xml" <<XML
<domaincheckpoint>
  <name>c7</name>
  <description>nightly</description>
</domaincheckpoint>
XML
vc backup-begin job --backupxml "$T/backup.xml" --checkpointxml "$T/checkpoint.xml"
vc domjobinfo job
vc backup-end job --commit
vc checkpoint-dumpxml job c7 --no-domain
note "---- job 6: a backup that creates no checkpoint, in our form"
vc backup-begin job --since c7
# checkpoint-export is refused while a job that creates no checkpoint is pending (lib.sh).
roundtrip
vc domjobinfo job
vc backup-end job --commit
vc checkpoint-list job --name
note usage errors
vc backup-begin job --since c7 --checkpoint c7
vc backup-begin job --since c7 --checkpoint c8 --json --xml
note options that name two different things: nothing is created
vc backup-begin job --since c7 --backupxml "$T/backup.xml" --checkpoint c8
vc backup-begin job --since c4 --backupxml "$T/backup.xml" --checkpointxml "$T/checkpoint.xml" --checkpoint c8
vc checkpoint-list job --name
vc backup-end job
vc backup-end job --commit --abort
vc domjobinfo job
note "---- job 7: virsh's form without a checkpoint; backup-dumpxml and domjobabort"
vc backup-begin job --reuse-external
note "job.xml:"; sub <"$VIRTCKPT_ROOT/job/job.xml" | sed "s/^/#   /" >>"$TRANSCRIPT"
vc backup-dumpxml job
vc backup-dumpxml job --xpath '//disk/@name'
vc domjobabort job --postcopy
vc domjobabort job
vc domjobabort job
vc backup-dumpxml job
vc checkpoint-list job --name
finish
