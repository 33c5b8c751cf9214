# Shared by tests/walker/scenarios/*.sh. A scenario sources this file with the virtckpt binary
# as its first argument, builds qcow2 images and domains in a temporary directory, runs virtckpt
# commands through `vc` (or `vc_out` for a JSON or XML document), and ends with `finish`, which
# compares what it recorded with the golden files byte for byte:
#   golden/SCENARIO.txt          the transcript: each command, its stdout, stderr and exit status
#   golden/SCENARIO.NAME.json    a document that `vc_out NAME.json ...` saved
#   golden/SCENARIO.NAME.xml     a document that `vc_out NAME.xml ...` saved (and validated)
# The temporary directory (/tmp/virtckpt-walker.XXXXXX) is written @TMP@ in all of them, the
# folder of the RelaxNG schemas @SCHEMAS@. Every virtckpt process runs with
# TZ=UTC under libfaketime, frozen at 2024-01-01 00:00:00 UTC (1704067200).
# VIRTCKPT_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing (review the diff!),
# except in a CI run (VIRTCKPT_CI=1), where the scenario fails instead.
# Exit status: 0 pass, 1 fail, 77 skipped (a tool is missing), 99 broken setup.

set -u

WALKER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GOLDEN_DIR=$WALKER_DIR/golden
SCENARIO=$(basename "$0" .sh)

skip() {
  echo "SKIP: $SCENARIO: $*" >&2
  echo "SKIP: $SCENARIO: $*"
  exit 77
}

broken() {
  echo "ERROR: $SCENARIO: $*" >&2
  exit 99
}

VIRTCKPT=${1:-}
[ -n "$VIRTCKPT" ] || broken "usage: $0 PATH-TO-VIRTCKPT"
[ -x "$VIRTCKPT" ] || broken "virtckpt binary '$VIRTCKPT' is not executable"
case $VIRTCKPT in /*) ;; *) VIRTCKPT=$PWD/$VIRTCKPT ;; esac
if [ "${VIRTCKPT_UPDATE_GOLDEN:-}" = 1 ] && [ "${VIRTCKPT_CI:-}" = 1 ]; then
  echo "FAIL: $SCENARIO: VIRTCKPT_UPDATE_GOLDEN=1 in a CI run (VIRTCKPT_CI=1): CI never" \
    "rewrites golden files, it compares with them"
  exit 1
fi

command -v qemu-img >/dev/null 2>&1 || skip "qemu-img not found (Debian package qemu-utils)"
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 \
  2>/dev/null | head -n 1)
[ -n "$FAKETIME_LIB" ] || skip "libfaketime not found (Debian package faketime)"
command -v faketime >/dev/null 2>&1 || skip "faketime not found (Debian package faketime)"

# Scenarios with XML output call this first.
need_xml_validate() {
  command -v virt-xml-validate >/dev/null 2>&1 ||
    skip "virt-xml-validate not found (Debian package libvirt-clients)"
  command -v xmllint >/dev/null 2>&1 || skip "xmllint not found (Debian package libxml2-utils)"
}

# Always under /tmp, whatever $TMPDIR says: table columns are as wide as the longest path in
# them, so the golden files need a temporary directory of one fixed length.
# VIRTCKPT_WALKER_KEEP=DIR (an empty directory named like mktemp's, for the same table widths)
# runs the scenario in DIR and keeps it: tests/store/damage_test.sh damages the stores it leaves.
if [ -n "${VIRTCKPT_WALKER_KEEP:-}" ]; then
  T=$VIRTCKPT_WALKER_KEEP
  [ -d "$T" ] || broken "VIRTCKPT_WALKER_KEEP=$T is not a directory"
else
  T=$(mktemp -d /tmp/virtckpt-walker.XXXXXX) || broken "mktemp failed"
fi

# libfaketime's semaphore and shared-memory segment for every process of the scenario. A
# process preloaded with libfaketime creates its own in /dev/shm unless FAKETIME_SHARED names
# existing ones, and leaves them behind when it is killed (or replaced by exec); a later process
# with the same pid then fails to start. The faketime program creates one set, hands it to its
# child (a cat that ends when this shell closes its standard input, however the shell ends) and
# removes it when the child ends; setsid keeps a kill of the test's process group from it.
coproc FAKETIME_HOLDER { exec setsid faketime -f +0 sh -c 'echo "$FAKETIME_SHARED"; exec cat >/dev/null'; }
HOLDER_PID=$FAKETIME_HOLDER_PID
read -r FAKETIME_SHARED <&"${FAKETIME_HOLDER[0]}" || broken "faketime did not start"
export FAKETIME_SHARED
# Closes the holder's input and waits until it has removed the objects.
release_faketime() {
  exec {FAKETIME_HOLDER[1]}>&-
  wait "$HOLDER_PID" 2>/dev/null
}
trap 'release_faketime; [ -n "${VIRTCKPT_WALKER_KEEP:-}" ] || rm -rf "$T"' EXIT
mkdir -p "$T/got" "$T/run"
TRANSCRIPT=$T/got/transcript.txt
: >"$TRANSCRIPT"
T_REGEX=$(printf '%s' "$T" | sed 's/[][\.*^$|]/\\&/g')
export VIRTCKPT_ROOT=$T/store
export TZ=UTC LC_ALL=C
unset VISUAL EDITOR XDG_DATA_HOME

# The temporary directory becomes @TMP@, the schema folder in "Unable to validate doc against
# PATH" becomes @SCHEMAS@.
sub() { sed -E -e "s|$T_REGEX|@TMP@|g" -e 's#[^ '"'"'"]*/schemas/([A-Za-z0-9_-]+\.rng)#@SCHEMAS@/\1#g'; }

# Arguments as a shell would read them back (words with blanks or quotes are quoted).
show_args() {
  local out="" a
  for a in "$@"; do
    case $a in
      *[[:space:]\'\"\;\#\$\\]* | "") a="'${a//\'/\'\\\'\'}'" ;;
    esac
    out="$out${out:+ }$a"
  done
  printf '%s' "$out"
}

# Runs virtckpt as the golden files expect it: frozen clock, UTC.
run_virtckpt() {
  LD_PRELOAD="$FAKETIME_LIB" FAKETIME="2024-01-01 00:00:00" \
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    "$VIRTCKPT" "$@"
}

# Appends stderr and the exit status of the last command to the transcript.
record_tail() {
  if [ -s "$T/run/err" ]; then
    echo "[stderr]"
    sub <"$T/run/err"
  fi
  echo "[exit $1]"
}

# vc ARGS...: runs `virtckpt ARGS` and records it with stdout, stderr and exit status.
# Sets LAST_RC.
vc() {
  run_virtckpt "$@" >"$T/run/out" 2>"$T/run/err" </dev/null
  LAST_RC=$?
  {
    echo "\$ virtckpt $(show_args "$@" | sub)"
    sub <"$T/run/out"
    record_tail "$LAST_RC"
  } >>"$TRANSCRIPT"
  return 0
}

# vc_in FILE ARGS...: as vc, with FILE on standard input.
vc_in() {
  local input=$1
  shift
  run_virtckpt "$@" >"$T/run/out" 2>"$T/run/err" <"$input"
  LAST_RC=$?
  {
    echo "\$ virtckpt $(show_args "$@" | sub) < $(printf '%s' "$input" | sub)"
    sub <"$T/run/out"
    record_tail "$LAST_RC"
  } >>"$TRANSCRIPT"
  return 0
}

# vc_out NAME.EXT ARGS...: runs `virtckpt ARGS` and keeps its stdout as golden document NAME.EXT
# (.json or .xml); an .xml document must also pass `virt-xml-validate FILE domainbackup`, whose
# verdict goes to the transcript.
vc_out() {
  local name=$1
  shift
  local file=$T/run/$name
  run_virtckpt "$@" >"$file" 2>"$T/run/err" </dev/null
  LAST_RC=$?
  sub <"$file" >"$T/got/$name"
  {
    echo "\$ virtckpt $(show_args "$@" | sub) > $name"
    record_tail "$LAST_RC"
    case $name in
      *.xml)
        if virt-xml-validate "$file" domainbackup >"$T/run/validate" 2>&1; then
          echo "[virt-xml-validate domainbackup: valid]"
        else
          echo "[virt-xml-validate domainbackup: INVALID]"
          sub <"$T/run/validate"
        fi
        ;;
    esac
  } >>"$TRANSCRIPT"
  return 0
}

# note TEXT: a comment line in the transcript.
note() { echo "# $*" >>"$TRANSCRIPT"; }

# step COMMAND...: a command that is not virtckpt (qemu-img, ...): recorded, and the scenario
# stops as broken if it fails.
step() {
  echo "# \$ $(show_args "$@" | sub)" >>"$TRANSCRIPT"
  "$@" >"$T/run/step" 2>&1 || {
    cat "$T/run/step" >&2
    broken "step failed: $*"
  }
}

# img NAME SIZE [FORMAT]: creates $T/NAME (qcow2 unless FORMAT says otherwise).
img() { step qemu-img create -q -f "${3:-qcow2}" "$T/$1" "$2"; }

bus_of() {
  case $1 in
    vd*) echo virtio ;;
    sd*) echo sata ;;
    fd*) echo fdc ;;
    *) echo ide ;;
  esac
}

# disk_xml TARGET FORMAT SOURCE [DEVICE [readonly]]: a <disk> element. An empty SOURCE makes a
# drive without a medium; a SOURCE without a leading / is taken in $T.
disk_xml() {
  local target=$1 format=$2 source=$3 device=${4:-disk} ro=${5:-}
  case $source in "" | /*) ;; *) source=$T/$source ;; esac
  echo "    <disk type='file' device='$device'>"
  echo "      <driver name='qemu' type='$format'/>"
  [ -z "$source" ] || echo "      <source file='$source'/>"
  echo "      <target dev='$target' bus='$(bus_of "$target")'/>"
  [ -z "$ro" ] || echo "      <readonly/>"
  echo "    </disk>"
}

# domain_xml FILE NAME UUID [DISK-XML]...: writes a <domain> definition to $T/FILE.
domain_xml() {
  local file=$T/$1 name=$2 uuid=$3
  shift 3
  {
    echo "<domain type='test'>"
    echo "  <name>$name</name>"
    echo "  <uuid>$uuid</uuid>"
    echo "  <memory unit='KiB'>1048576</memory>"
    echo "  <currentMemory unit='KiB'>1048576</currentMemory>"
    echo "  <vcpu placement='static'>1</vcpu>"
    echo "  <os>"
    echo "    <type arch='x86_64'>hvm</type>"
    echo "    <boot dev='hd'/>"
    echo "  </os>"
    echo "  <devices>"
    local d
    for d in "$@"; do printf '%s\n' "$d"; done
    echo "  </devices>"
    echo "</domain>"
  } >"$file"
}

# device_xml FILE DISK-XML: a device file for attach-device / detach-device.
device_xml() { printf '%s\n' "$2" | sed 's/^    //' >"$T/$1"; }

# ---- The round trip of checkpoint-export and checkpoint-import ----
# `roundtrip` (run by `finish`, and by a scenario wherever it wants one more) moves every domain
# of the scenario's store ($VIRTCKPT_ROOT, or the stores a scenario lists in ROUNDTRIP_STORES)
# into fresh stores twice: through an export directory (checkpoint-export DOMAIN DIR, then
# checkpoint-import DOMAIN DIR) and through a bundle on a pipe (checkpoint-export DOMAIN - |
# checkpoint-import DOMAIN -). Each copy must answer as the original does, byte for byte: every
# view of rt_views (the tree, the parent table, each checkpoint-dumpxml with and without
# --security-info, domain-set --json, backup-plan --json without and with --since each
# checkpoint, ...), with stdout, stderr and exit status. A domain with a pending backup job
# must instead be refused by checkpoint-export with libvirt's "Requested operation is not
# valid" error (exact text), writing nothing. A store that cannot be read (a newer format) must
# refuse the export with its own error. The export must leave the original store byte for
# byte as it was. Nothing of this goes into the transcript or the golden files: a difference
# prints a diff and fails the scenario. Skipped with VIRTCKPT_WALKER_KEEP (the damage matrix
# damages the store a scenario leaves; it needs no round trip) and with
# VIRTCKPT_WALKER_ROUNDTRIP=0.
ROUNDTRIP_FAILED=0
ROUNDTRIP_STORES=
# A scenario whose plans must still find resized disks after the round trip sets the least
# number of such plans (backup-plan --json views with the code resized) it expects.
ROUNDTRIP_MIN_RESIZED=0
ROUNDTRIP_RESIZED=0

rt_fail() {
  echo "FAIL: $SCENARIO: round trip: $*"
  ROUNDTRIP_FAILED=1
}

# rt_run FILE STORE ARGS...: `virtckpt -c STORE ARGS`, recorded in FILE as vc records a command
# (the store's path written @STORE@).
rt_run() {
  local file=$1 store=$2 rc
  shift 2
  run_virtckpt -c "$store" "$@" >"$file.out" 2>"$file.err" </dev/null
  rc=$?
  {
    echo "\$ virtckpt $(show_args "$@")"
    cat "$file.out"
    if [ -s "$file.err" ]; then
      echo "[stderr]"
      cat "$file.err"
    fi
    echo "[exit $rc]"
  } | sed "s|$(printf '%s' "$store" | sed 's/[][\.*^$|]/\\&/g')|@STORE@|g" >"$file"
  rm -f "$file.out" "$file.err"
  return "$rc"
}

# rt_views STORE DOMAIN OUT: everything the answers of the store depend on, for one domain. The
# checkpoint names are those of the original store ($RT_NAMES). One virtckpt process reads them
# all as commands on its standard input (an echo before each names it), stdout and stderr in
# one stream, then its exit status.
rt_views() {
  local store=$1 d=$2 out=$3 c rc
  {
    rt_view() { echo "echo \"\$ $*\""; echo "$*"; }
    rt_view checkpoint-list "$d" --tree
    rt_view checkpoint-list "$d" --parent
    rt_view checkpoint-list "$d" --topological --name
    rt_view checkpoint-list "$d" --json
    rt_view dumpxml "$d" --security-info
    rt_view domain-set "$d" --json
    rt_view backup-plan "$d" --json
    while read -r c; do
      [ -n "$c" ] || continue
      rt_view checkpoint-dumpxml "$d" "$c"
      rt_view checkpoint-dumpxml "$d" "$c" --security-info
      rt_view checkpoint-info "$d" "$c" --json
      rt_view backup-plan "$d" --since "$c" --json
    done <"$RT_NAMES"
  } >"$out.commands"
  run_virtckpt -c "$store" <"$out.commands" >"$out" 2>&1
  rc=$?
  echo "[exit $rc]" >>"$out"
  sed -i "s|$(printf '%s' "$store" | sed 's/[][\.*^$|]/\\&/g')|@STORE@|g" "$out"
  rm -f "$out.commands"
}

# rt_hash STORE: every file of a store with its contents' hash.
rt_hash() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum); }

# rt_settle STORE: reads each domain once, in a later clock tick than its last write: a reader
# rewrites an index that cannot vouch for a checkpoint file written in the same tick as it
# (docs/store-format.md, "When an entry is trusted"), and the round trip compares the store
# before and after it.
rt_settle() {
  local d
  sleep 0.02
  run_virtckpt -c "$1" list --all --name 2>/dev/null </dev/null | while read -r d; do
    [ -z "$d" ] || run_virtckpt -c "$1" checkpoint-list "$d" --name >/dev/null 2>&1 </dev/null
  done
}

# rt_compare WHAT ORIGINAL COPY: fails the round trip with a diff when they differ.
rt_compare() {
  if ! cmp -s "$2" "$3"; then
    rt_fail "$1: differs from the original store:"
    diff -u "$2" "$3" | sed 's/^/  /'
  fi
}

# rt_refused WHAT FILE WANT-STDERR-FILE: FILE (recorded by rt_run) must show exit status 1, the
# blank line on stdout and exactly that stderr.
rt_refused() {
  local want=$T/rt/want
  {
    sed -n '1p' "$2"
    echo
    echo "[stderr]"
    cat "$3"
    echo "[exit 1]"
  } >"$want"
  rt_compare "$1 (refused)" "$want" "$2"
}

# rt_refusals D STORE RT REFUSAL: every form of checkpoint-export is refused with exit status 1,
# the blank line on stdout and exactly the stderr of file REFUSAL, and writes nothing.
rt_refusals() {
  local d=$1 store=$2 rt=$3 refusal=$4
  rt_run "$rt/export-dir" "$store" checkpoint-export "$d" "$rt/export"
  rt_refused "$d: checkpoint-export DIR" "$rt/export-dir" "$refusal"
  rt_run "$rt/export-bundle" "$store" checkpoint-export "$d" -
  rt_refused "$d: checkpoint-export -" "$rt/export-bundle" "$refusal"
  rt_run "$rt/export-libvirt" "$store" checkpoint-export "$d" "$rt/export" --libvirt-layout
  rt_refused "$d: checkpoint-export --libvirt-layout" "$rt/export-libvirt" "$refusal"
  [ ! -e "$rt/export" ] || rt_fail "$d: a refused export made $rt/export"
}

# rt_domain STORE DOMAIN N: the round trip of one domain.
rt_domain() {
  local store=$1 d=$2 rt=$T/rt/$3 job ops
  mkdir -p "$rt"
  RT_NAMES=$rt/names
  run_virtckpt -c "$store" domjobinfo "$d" --json >"$rt/job" 2>/dev/null </dev/null
  if ! grep -q '"job":null' "$rt/job"; then
    # A pending job: the export is refused (with the warning every command prints meanwhile).
    job=$(sed -n 's/.*"job":{[^}]*"checkpoint":"\([^"]*\)".*/\1/p' "$rt/job")
    job=${job:+of checkpoint \'$job\'}
    run_virtckpt -c "$store" checkpoint-list "$d" --name 2>"$rt/refusal" >/dev/null </dev/null
    grep -q '^warning: .* has a pending backup job' "$rt/refusal" ||
      rt_fail "$d: no warning about the pending job: $(cat "$rt/refusal")"
    echo "error: Requested operation is not valid: cannot export checkpoints while the" \
      "backup job ${job:-that creates no checkpoint} is pending; end it with backup-end" \
      >>"$rt/refusal"
    rt_refusals "$d" "$store" "$rt" "$rt/refusal"
    echo "round trip: $d: export refused while its backup job is pending"
    return
  fi
  ops=$(run_virtckpt -c "$store" bitmap-ops "$d" --json 2>/dev/null </dev/null |
    python3 -c 'import json, sys; print(len(json.loads(sys.stdin.read())["bitmapOps"]))')
  if [ "$ops" != 0 ]; then
    # Bitmap operations not carried out yet: the export is refused. The round trip goes on
    # with a copy of the store where they are acknowledged (bitmap-ops --clear).
    local are=are
    if [ "$ops" = 1 ]; then ops="1 bitmap operation" are=is; else ops="$ops bitmap operations"; fi
    echo "error: Requested operation is not valid: cannot export checkpoints while $ops" \
      "recorded by deletes or aborted jobs $are not carried out yet (see bitmap-ops); carry" \
      "them out and acknowledge them with bitmap-ops --clear" >"$rt/refusal"
    rt_refusals "$d" "$store" "$rt" "$rt/refusal"
    echo "round trip: $d: export refused while $ops are recorded; going on with them cleared"
    cp -a "$store" "$rt/cleared"
    store=$rt/cleared
    run_virtckpt -c "$store" -q bitmap-ops "$d" --clear >/dev/null 2>&1 </dev/null ||
      rt_fail "$d: bitmap-ops --clear failed"
  fi
  run_virtckpt -c "$store" checkpoint-list "$d" --name 2>/dev/null </dev/null |
    sed '/^$/d' >"$RT_NAMES"
  rt_views "$store" "$d" "$rt/original"
  # Through an export directory.
  rt_run "$rt/export-dir" "$store" checkpoint-export "$d" "$rt/export" ||
    rt_fail "$d: checkpoint-export DIR failed: $(cat "$rt/export-dir")"
  rt_run "$rt/import-dir" "$T/rt/dir-store" checkpoint-import "$d" "$rt/export" ||
    rt_fail "$d: checkpoint-import DIR failed: $(cat "$rt/import-dir")"
  rt_views "$T/rt/dir-store" "$d" "$rt/copy-dir"
  rt_compare "$d: through an export directory" "$rt/original" "$rt/copy-dir"
  # Through a bundle on a pipe.
  run_virtckpt -c "$store" checkpoint-export "$d" - 2>"$rt/bundle-export.err" </dev/null |
    run_virtckpt -c "$T/rt/bundle-store" checkpoint-import "$d" - >"$rt/bundle-import.out" \
      2>"$rt/bundle-import.err"
  local rcs=("${PIPESTATUS[@]}")
  if [ "${rcs[0]}" != 0 ] || [ "${rcs[1]}" != 0 ] || [ -s "$rt/bundle-export.err" ] ||
    [ -s "$rt/bundle-import.err" ]; then
    rt_fail "$d: checkpoint-export - | checkpoint-import -: exit ${rcs[*]}:" \
      "$(cat "$rt/bundle-export.err" "$rt/bundle-import.err")"
  fi
  rt_views "$T/rt/bundle-store" "$d" "$rt/copy-bundle"
  rt_compare "$d: through a bundle on a pipe" "$rt/original" "$rt/copy-bundle"
  local resized
  resized=$(grep -c '"reasons":\[[^]]*"resized"' "$rt/original")
  ROUNDTRIP_RESIZED=$((ROUNDTRIP_RESIZED + resized))
  echo "round trip: $d: $(wc -l <"$RT_NAMES") checkpoints, $(grep -c '^\$ ' "$rt/original")" \
    "views compared, $resized plans with resized"
}

# roundtrip: the round trip of every domain of the scenario's stores (see above).
roundtrip() {
  [ -z "${VIRTCKPT_WALKER_KEEP:-}" ] && [ "${VIRTCKPT_WALKER_ROUNDTRIP:-1}" != 0 ] || return 0
  local store d i=0 before
  for store in ${ROUNDTRIP_STORES:-$VIRTCKPT_ROOT}; do
    [ -d "$store" ] || continue
    rm -rf "$T/rt"
    mkdir -p "$T/rt"
    rt_settle "$store"
    before=$(rt_hash "$store")
    if ! rt_run "$T/rt/list" "$store" list --all --name; then
      # A store that cannot be read: the export is refused with the store's own error.
      # It is refused before any command runs: nothing on stdout, not even the blank line.
      sed -n '/^\[stderr\]$/,$p' "$T/rt/list" >"$T/rt/refusal"
      for d in "$store"/*/; do
        d=$(basename "$d")
        rt_run "$T/rt/export-dir" "$store" checkpoint-export "$d" "$T/rt/export"
        sed 1d "$T/rt/export-dir" >"$T/rt/refused"
        rt_compare "$d: checkpoint-export of an unreadable store" "$T/rt/refusal" "$T/rt/refused"
        [ ! -e "$T/rt/export" ] || rt_fail "$d: a refused export made $T/rt/export"
      done
      echo "round trip: $(basename "$store"): the store cannot be read, its export is refused"
    else
      while read -r d; do
        [ -n "$d" ] || continue
        i=$((i + 1))
        rt_domain "$store" "$d" "$i"
      done < <(sed '1d;/^$/d;/^\[exit/d' "$T/rt/list")
      if [ -d "$T/rt/dir-store" ]; then
        # The whole store moved: the same domains.
        rt_run "$T/rt/list-dir" "$T/rt/dir-store" list --all --uuid --title
        rt_run "$T/rt/list-all" "$store" list --all --uuid --title
        rt_compare "list --all of the imported store" "$T/rt/list-all" "$T/rt/list-dir"
      fi
    fi
    [ "$(rt_hash "$store")" = "$before" ] ||
      rt_fail "$(basename "$store"): the round trip changed the original store"
  done
  rm -rf "$T/rt"
  if [ "$ROUNDTRIP_RESIZED" -lt "$ROUNDTRIP_MIN_RESIZED" ]; then
    rt_fail "only $ROUNDTRIP_RESIZED plans with resized (expected at least $ROUNDTRIP_MIN_RESIZED)"
  fi
}

# Compares everything recorded with the golden files and exits.
finish() {
  local failed=0 name golden
  cp "$TRANSCRIPT" "$T/got/$SCENARIO.txt"
  rm -f "$TRANSCRIPT"
  roundtrip
  if [ "${VIRTCKPT_UPDATE_GOLDEN:-}" = 1 ]; then
    rm -f "$GOLDEN_DIR/$SCENARIO".*
    for name in "$T"/got/*; do
      name=$(basename "$name")
      case $name in "$SCENARIO".txt) golden=$GOLDEN_DIR/$name ;; *) golden=$GOLDEN_DIR/$SCENARIO.$name ;; esac
      cp "$T/got/$name" "$golden"
    done
    echo "$SCENARIO: golden files rewritten"
    exit "$ROUNDTRIP_FAILED"
  fi
  for name in "$T"/got/*; do
    name=$(basename "$name")
    case $name in "$SCENARIO".txt) golden=$GOLDEN_DIR/$name ;; *) golden=$GOLDEN_DIR/$SCENARIO.$name ;; esac
    if [ ! -f "$golden" ]; then
      echo "FAIL: $SCENARIO: no golden file $(basename "$golden")"
      failed=1
    elif ! cmp -s "$golden" "$T/got/$name"; then
      echo "FAIL: $SCENARIO: output differs from golden/$(basename "$golden"):"
      diff -u "$golden" "$T/got/$name" | sed 's/^/  /'
      failed=1
    fi
  done
  for golden in "$GOLDEN_DIR/$SCENARIO".*; do
    [ -e "$golden" ] || continue
    name=$(basename "$golden")
    name=${name#"$SCENARIO".}
    [ "$name" = txt ] && name=$SCENARIO.txt
    if [ ! -e "$T/got/$name" ]; then
      echo "FAIL: $SCENARIO: golden/$(basename "$golden") was not produced"
      failed=1
    fi
  done
  [ "$ROUNDTRIP_FAILED" = 0 ] || failed=1
  if [ "$failed" = 0 ]; then
    echo "PASS: $SCENARIO"
    exit 0
  fi
  exit 1
}
