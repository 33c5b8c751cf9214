# shellcheck shell=bash
# Shared by the crash tests of the file store, tests/store/crash_*_test.sh, each run as
#
#   tests/store/crash_NAME_test.sh VIRTCKPT [SOURCE_ROOT]
#
# It makes a work directory, counts failures (fail, finish), and runs a command under strace
# so that SIGKILL reaches it right before a chosen one of the system calls that change the
# store (count_store_calls, kill_at): the same store and the same choice give the same crash.
# Environment: CRASH_DIR (where the stores go; default /dev/shm if writable, else $TMPDIR or
# /tmp). Exit status: 0 pass, 1 fail, 77 skipped (a prerequisite is missing).
set -u -o pipefail
umask 077  # as the store's own files

VIRTCKPT=$(realpath "${1:?usage: $0 VIRTCKPT [SOURCE_ROOT]}")
CRASH_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_ROOT=$(realpath "${2:-$CRASH_TEST_DIR/../..}")
export VIRTCKPT_SCHEMA_DIR=${VIRTCKPT_SCHEMA_DIR:-$SOURCE_ROOT/schemas}
export TZ=UTC LC_ALL=C
DOMAIN_XML=$SOURCE_ROOT/xml-examples/domain-single.xml
DOM=single

skip() {
  echo "SKIP: $*"
  exit 77
}

# A process crash (unlike a power loss) leaves the page cache alone, so the file system makes no
# difference to what kill -9 can break; a tmpfs spares the fsyncs and keeps the test fast.
if [ -z "${CRASH_DIR:-}" ]; then
  CRASH_DIR=${TMPDIR:-/tmp}
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then CRASH_DIR=/dev/shm; fi
fi
WORK=$(mktemp -d "$CRASH_DIR/virtckpt-crash.XXXXXX") || skip "cannot make a directory in $CRASH_DIR"
WORK=$(realpath "$WORK")
MOUNTED=""  # a file system to unmount at the end
cleanup() {
  if [ -n "$MOUNTED" ]; then umount "$MOUNTED" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

FAILURES=0
fail() {
  echo "FAIL: $*"
  FAILURES=$((FAILURES + 1))
}
note() { echo "== $* (at ${SECONDS}s)"; }

# finish [SEED]: the verdict and the exit status.
finish() {
  echo "== done in ${SECONDS}s"
  if [ "$FAILURES" -ne 0 ]; then
    echo "$FAILURES failure(s)${1:+ (CRASH_SEED=$1 replays them)}"
    exit 1
  fi
  echo "all passed"
  exit 0
}

v() { "$VIRTCKPT" -c "$ROOT" "$@"; }

# run_ok WHAT CMD...: the command must exit 0 with nothing on stderr; its stdout goes to $OUT.
run_ok() {
  local what=$1
  shift
  OUT=$("$@" 2>"$WORK/stderr")
  local rc=$?
  if [ $rc -ne 0 ] || [ -s "$WORK/stderr" ]; then
    fail "$what: '$*' exited $rc, stderr: $(cat "$WORK/stderr")"
    return 1
  fi
  return 0
}

need_strace() {
  command -v strace >/dev/null || skip "strace is not installed (Debian package strace)"
  strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not permitted)"
  strace -o /dev/null -e trace=getpid -e inject=getpid:retval=1 true >/dev/null 2>&1 ||
    skip "this strace cannot inject faults (-e inject)"
}

# Every system call that can change a file, by the names of all architectures ('?': a name this
# one lacks is ignored).
STORE_SYSCALLS='?open,openat,?openat2,?creat,write,?pwrite64,?writev,?pwritev,?pwritev2'
STORE_SYSCALLS+=',?ftruncate,?truncate,?fallocate,?rename,?renameat,?renameat2,?link,?linkat'
STORE_SYSCALLS+=',?unlink,?unlinkat,?mkdir,?mkdirat,?rmdir,?symlink,?symlinkat'

# traced TRACE INJECT ROOT CMD...: `virtckpt -c ROOT CMD...` under strace (INJECT, if not
# empty, is an -e inject= expression); returns its exit status (137 when it was killed).
traced() {
  local trace=$1 inject=$2 root=$3
  shift 3
  # In a subshell that outlives strace, so that bash does not report the killed job.
  (strace -f -qq -y -s 0 -o "$trace" -e trace="$STORE_SYSCALLS" ${inject:+-e inject="$inject"} \
    "$VIRTCKPT" -c "$root" "$@" >/dev/null 2>&1
  exit $?) 2>/dev/null
}

store_calls() {  # store_calls ROOT TRACE: what store_calls.awk says of TRACE
  awk -v root="$1" -f "$CRASH_TEST_DIR/store_calls.awk" "$2"
}

# count_store_calls ROOT CALLS CMD...: runs `virtckpt -c ROOT CMD...` (a copy of the store the
# crash is for) and writes the calls that changed the store, "SYSCALL OCCURRENCE PATH [PATH2]"
# a line, to CALLS (failed calls changed nothing: a kill before one of them leaves what a kill
# before the next call leaves). Sets STORE_CALLS to their number; returns the command's status.
count_store_calls() {
  local root=$1 calls=$2
  shift 2
  traced "$WORK/count.trace" "" "$root" "$@"
  local rc=$?
  store_calls "$root" "$WORK/count.trace" | sed -n 's/^done //p' >"$calls"
  STORE_CALLS=$(wc -l <"$calls")
  return $rc
}

# kill_at ROOT CALLS K CMD...: runs `virtckpt -c ROOT CMD...` and kills it right before the
# K-th call of CALLS (from count_store_calls on an identical store). It must die there, after
# the first K-1 calls of CALLS, else a failure is counted and it returns 1. Sets KILL_POINT
# ("SYSCALL PATH [PATH2]" of the call it died before) and CHANGES_BEFORE (the calls that had
# changed the store by then).
kill_at() {
  local root=$1 calls=$2 k=$3
  shift 3
  local expected syscall occurrence paths
  expected=$(sed -n "${k}p" "$calls")
  read -r syscall occurrence paths <<<"$expected"
  KILL_POINT="$syscall $paths"
  CHANGES_BEFORE=0
  traced "$WORK/kill.trace" "$syscall:signal=KILL:when=$occurrence" "$root" "$@"
  local rc=$?
  store_calls "$root" "$WORK/kill.trace" | grep -v '^failed ' >"$WORK/kill.calls"
  CHANGES_BEFORE=$(grep -c '^done ' "$WORK/kill.calls")
  if [ $rc -ne 137 ] || ! grep -q '+++ killed by SIGKILL +++' "$WORK/kill.trace"; then
    fail "'virtckpt $*' was to die before call $k ($KILL_POINT), but exited $rc"
    return 1
  fi
  if ! cmp -s <(head -n $((k - 1)) "$calls"; echo "killed $expected") \
    <(sed 's/^done //' "$WORK/kill.calls"); then
    fail "'virtckpt $*' did not run as on the identical store before call $k ($KILL_POINT):" \
      "$(diff <(head -n $((k - 1)) "$calls"; echo "killed $expected") \
        <(sed 's/^done //' "$WORK/kill.calls") | grep '^[<>]' | tr '\n' ' ')"
    return 1
  fi
  return 0
}

# Which index entries a process trusts depends on the clock: an entry whose file changed in the
# tick in which the index was written proves nothing ("racily clean"), and its file is read
# again. Moving the index's mtime 2 s ahead after each command makes every honest entry trusted,
# so that a command makes the same system calls in a store and in a copy of it, and in every
# run with the same seed.
freeze_index() {  # freeze_index ROOT
  local now
  printf -v now '%(%s)T' -1
  touch -c -d "@$((now + 2))" "$1/$DOM/index"
}

# Writers drop an entry before they change its file, so each entry of the index names a file
# with that very inode at every moment (a freed inode comes back on most file systems, though
# not on a tmpfs; the ctime in the stamp tells such a file apart as well).
check_index_vouches() {  # check_index_vouches ROOT CONTEXT
  local index=$1/$DOM/index problem torn=0
  [ -f "$index" ] || return 0
  # A last line without its newline is torn and ignored, as the reader does.
  [ -z "$(tail -c 1 "$index")" ] || torn=1
  while read -r problem; do fail "$2: $problem"; done < <(
    awk -F'\t' -v torn=$torn '
      FILENAME == ARGV[1] { name = $1; sub(/\.xml$/, "", name); inode[name] = $2; next }
      FNR > 2 { entry(last) }  # the line before, but the first (the header)
      { last = $0 }
      END {
        if (FNR > 1 && !torn) entry(last)
        for (n in vouched) {
          if (!(n in inode)) {
            printf "the index vouches for %s.xml by inode %s, but the file has none\n", n, vouched[n]
          } else if (inode[n] != vouched[n]) {
            printf "the index vouches for %s.xml by inode %s, but the file has inode %s\n", n,
              vouched[n], inode[n]
          }
        }
      }
      function entry(line,    f) {
        split(line, f, "\t")
        if (f[1] == "E") vouched[f[7]] = f[3]
        else if (f[1] == "R") delete vouched[f[2]]
      }' \
      <(cd "$1/$DOM/checkpoints" 2>/dev/null && stat -c $'%n\t%i' -- *.xml 2>/dev/null) "$index")
}

# cp -a gives the files new inodes and ctimes: the copy's index is made to name them (and is
# frozen as the original is), so that a command trusts it as it trusts the original's.
copy_store() {  # copy_store FROM TO
  rm -rf "$2"
  cp -a "$1" "$2"
  local d=$2/$DOM
  [ -f "$d/index" ] || return 0
  local torn=0  # awk ends every line; a torn last line stays torn
  [ -z "$(tail -c 1 "$d/index")" ] || torn=1
  awk -F'\t' -v OFS='\t' '
    FILENAME == ARGV[1] {
      name = $4; sub(/\.xml$/, "", name); sub(/\./, "", $3)
      dev[name] = $1; ino[name] = $2; ctime[name] = $3; next }
    FNR > 1 && $1 == "E" && ($7 in ino) { $2 = dev[$7]; $3 = ino[$7]; $6 = ctime[$7] }
    { print }' \
    <(cd "$d/checkpoints" && stat -c $'%d\t%i\t%.9Z\t%n' -- *.xml 2>/dev/null) \
    "$d/index" >"$d/index.new"
  [ $torn = 0 ] || truncate -s -1 "$d/index.new"
  mv "$d/index.new" "$d/index"
  freeze_index "$2"
}
