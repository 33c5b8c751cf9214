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

# Compares everything recorded with the golden files and exits.
finish() {
  local failed=0 name golden
  cp "$TRANSCRIPT" "$T/got/$SCENARIO.txt"
  rm -f "$TRANSCRIPT"
  if [ "${VIRTCKPT_UPDATE_GOLDEN:-}" = 1 ]; then
    rm -f "$GOLDEN_DIR/$SCENARIO".*
    for name in "$T"/got/*; do
      name=$(basename "$name")
      case $name in "$SCENARIO".txt) golden=$GOLDEN_DIR/$name ;; *) golden=$GOLDEN_DIR/$SCENARIO.$name ;; esac
      cp "$T/got/$name" "$golden"
    done
    echo "$SCENARIO: golden files rewritten"
    exit 0
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
  if [ "$failed" = 0 ]; then
    echo "PASS: $SCENARIO"
    exit 0
  fi
  exit 1
}
