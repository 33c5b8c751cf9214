#!/usr/bin/env bash
# The file store under crashes, a full disk and concurrent processes, through the virtckpt binary.
#
#   tests/store/crash_test.sh VIRTCKPT [SOURCE_ROOT]
#
# 1. kill -9: write commands (create, delete, redefine, delete --children) run in a loop and are
#    killed at random moments; after every kill each checkpoint file must parse (dumpxml), the
#    listings must work without a warning, every parent must exist, the listing must be what the
#    files say (with or without the index), and no temporary file may be taken for a checkpoint.
# 2. full disk (root only: a tiny tmpfs): a failing write command says "error: ..." with status 1
#    and leaves every file as it was.
# 3. concurrency: two writers creating at once end with all their checkpoints in one valid chain,
#    and a reader listing in a loop meanwhile never fails.
# 4. crash points (needs strace): each of a few write commands is killed right before each of
#    its renames and unlinks in turn; afterwards the store must be as before the command or as
#    after it, never half of it (CLARIFICATIONS §11: a delete that re-parents children, moves
#    current and removes a file is one command).
#
# Environment: CRASH_ITERATIONS (default 50), CONCURRENT_CREATES (default 20 per writer),
# CRASH_SEED (RANDOM seed, default: the pid; printed so that a failure can be replayed),
# CRASH_DIR (where the stores go; default /dev/shm if writable, else $TMPDIR or /tmp),
# CRASH_VERBOSE (print the time of every kill), CRASH_POINTS=0 (skip part 4).
set -u -o pipefail

VIRTCKPT=$(realpath "${1:?usage: crash_test.sh VIRTCKPT [SOURCE_ROOT]}")
SOURCE_ROOT=$(realpath "${2:-$(dirname "$0")/../..}")
ITERATIONS=${CRASH_ITERATIONS:-50}
CREATES=${CONCURRENT_CREATES:-20}
SEED=${CRASH_SEED:-$$}
RANDOM=$SEED
export VIRTCKPT_SCHEMA_DIR=${VIRTCKPT_SCHEMA_DIR:-$SOURCE_ROOT/schemas}
export TZ=UTC LC_ALL=C
DOMAIN_XML=$SOURCE_ROOT/xml-examples/domain-single.xml
DOM=single

# A process crash (unlike a power loss) leaves the page cache alone, so the file system makes no
# difference to what kill -9 can break; a tmpfs spares the fsyncs and keeps the test fast.
if [ -z "${CRASH_DIR:-}" ]; then
  CRASH_DIR=${TMPDIR:-/tmp}
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then CRASH_DIR=/dev/shm; fi
fi
WORK=$(mktemp -d "$CRASH_DIR/virtckpt-crash.XXXXXX")
MOUNTED=""
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

echo "seed $SEED (CRASH_SEED=$SEED replays the random choices)"

# ---------------------------------------------------------------------------------------------
note "1. kill -9 during write commands ($ITERATIONS kills)"

ROOT=$WORK/crash
v define "$DOMAIN_XML" >/dev/null || fail "define"
CKDIR=$ROOT/$DOM/checkpoints
for i in $(seq 1 40); do echo "checkpoint-create-as $DOM p$i"; done | v >/dev/null || fail "40 creates"
[ -f "$ROOT/$DOM/index" ] || fail "no index after 40 creates"

# Decoys: temporary files as a crash leaves them, one of them a whole valid checkpoint.
plant_decoys() {
  local first
  first=$(ls "$CKDIR" | grep -m 1 '\.xml$')
  sed 's|<name>[^<]*</name>|<name>decoy</name>|' "$CKDIR/$first" >"$CKDIR/decoy.xml.tmp424242"
  cp "$CKDIR/$first" "$CKDIR/$first.tmp434343"
  cp "$CKDIR/$first" "$CKDIR/$first.undo"
  echo garbage >"$ROOT/$DOM/index.tmp444444"
  echo decoy >"$ROOT/$DOM/current.tmp454545"
}
plant_decoys

# One writer process group: an endless mix of write commands. $1 makes its names unique.
writer() {
  local id=$1 j=0 root
  local xml=$WORK/redefine-$id.xml
  if [ "$POPULATION" -gt 60 ]; then
    # A big delete (many files, leaves first) that keeps the store between 30 and 60 or so: the
    # oldest root loses all its descendants but 30.
    root=$(v checkpoint-list $DOM --topological --name | sed -n "$((POPULATION - 30))p")
    v checkpoint-delete $DOM "$root" --children-only >/dev/null 2>&1
  fi
  while :; do
    j=$((j + 1))
    case $((j % 8)) in
      1 | 2 | 3 | 6)
        v checkpoint-create-as $DOM "w${id}_$j" "writer $id op $j" ;;
      4)  # a middle checkpoint: its child is re-parented
        v checkpoint-delete $DOM "w${id}_$((j - 2))" ;;
      5)  # redefine an existing checkpoint: rewrites its file, re-links it
        v checkpoint-dumpxml $DOM "w${id}_$((j - 3))" >"$xml" &&
          v checkpoint-create $DOM "$xml" --redefine ;;
      7)  # a whole subtree, many files
        v checkpoint-delete $DOM "w${id}_$((j - 4))" --children ;;
      0)  # a leaf, possibly current
        v checkpoint-delete $DOM "w${id}_$((j - 1))" ;;
    esac
  done >/dev/null 2>&1
}

POPULATION=0         # checkpoints at the last check
declare -A VERIFIED  # checkpoint -> stamp (inode size mtime) of the file dumpxml last parsed
declare -A PARENT    # checkpoint -> its parent in that file
check_store() {  # check_store CONTEXT [COMPARE_WITH_A_COPY (default 1)]
  local ctx=$1 compare=${2:-1} name parent file
  run_ok "$ctx: list --name" v checkpoint-list $DOM --name || return
  local -a names=()
  local -A listed=() on_disk=()
  for name in $OUT; do
    names+=("$name")
    listed[$name]=1
  done
  POPULATION=${#names[@]}
  for file in "$CKDIR"/*.xml; do
    [ -e "$file" ] || continue
    file=${file##*/}
    on_disk[${file%.xml}]=1
  done
  for name in "${names[@]}"; do
    case $name in *.tmp* | decoy) fail "$ctx: a temporary file is listed as checkpoint '$name'" ;; esac
    [ -n "${on_disk[$name]:-}" ] || fail "$ctx: '$name' is listed but has no file"
  done
  for name in "${!on_disk[@]}"; do
    [ -n "${listed[$name]:-}" ] || fail "$ctx: $name.xml is not listed"
  done
  # Every file that changed since it was last parsed must parse.
  local -A stamps=()
  local ino size mtime
  while read -r file ino size mtime; do
    stamps[${file%.xml}]="$ino $size $mtime"
  done < <(cd "$CKDIR" && stat -c '%n %i %s %Y' -- *.xml 2>/dev/null)
  local changed=()
  for name in "${names[@]}"; do
    [ "${VERIFIED[$name]:-}" = "${stamps[$name]:-}" ] || changed+=("$name")
  done
  # One virtckpt process runs the command lines it reads on stdin: the tree, the table with
  # parents in topological order, and the documents.
  local commands
  commands=$(
    echo "checkpoint-list $DOM --tree"
    echo "checkpoint-list $DOM --parent --topological"
    for name in "${changed[@]}"; do echo "checkpoint-dumpxml $DOM $name --no-domain"; done
  )
  run_ok "$ctx: list --tree, list --parent --topological, dumpxml ${changed[*]}" \
    v <<<"$commands" || return
  local listing=$OUT
  # "NAME PARENT" per document, in order.
  local parsed
  parsed=$(printf '%s\n' "$OUT" | awk '
    /^<domaincheckpoint>$/ { indoc = 1; n = ""; p = ""; inparent = 0; next }
    !indoc { next }
    /^  <parent>$/ { inparent = 1; next }
    /^  <\/parent>$/ { inparent = 0; next }
    /^    <name>.*<\/name>$/ && inparent { p = $0; sub(/^ *<name>/, "", p); sub(/<\/name>$/, "", p); next }
    /^  <name>.*<\/name>$/ { n = $0; sub(/^ *<name>/, "", n); sub(/<\/name>$/, "", n); next }
    /^<\/domaincheckpoint>$/ { print n, p; indoc = 0 }')
  local got=() i=0
  while read -r name parent; do
    [ -n "$name" ] || continue
    got+=("$name")
    if [ "$name" = "${changed[$i]:-}" ]; then
      PARENT[$name]=$parent
      VERIFIED[$name]=${stamps[$name]:-}
    fi
    i=$((i + 1))
  done <<<"$parsed"
  [ "${got[*]}" = "${changed[*]}" ] || fail "$ctx: dumpxml of ${changed[*]} printed: $OUT"
  # Every parent exists: no crash leaves an orphan behind.
  for name in "${names[@]}"; do
    parent=${PARENT[$name]:-}
    if [ -n "$parent" ] && [ -z "${listed[$parent]:-}" ]; then
      fail "$ctx: checkpoint $name names the parent '$parent', which does not exist"
    fi
  done
  # The index only caches the files: a copy (new inodes, so no index entry matches) lists the same.
  [ "$compare" = 1 ] || return 0
  rm -rf "$WORK/copy"
  cp -a "$ROOT" "$WORK/copy"
  run_ok "$ctx: the same on a copy" "$VIRTCKPT" -c "$WORK/copy" <<<"$commands" || return
  if [ "$OUT" != "$listing" ]; then
    fail "$ctx: the listing with the index differs from the files': $(diff <(echo "$listing") <(echo "$OUT") | tr '\n' ' ')"
  fi
}

check_store "before any kill"
hits=0  # kills that caught a virtckpt process running
set -m  # each background job gets its own process group
for iteration in $(seq 1 "$ITERATIONS"); do
  writer "$iteration" &
  pgid=$!
  sleep "$(printf '0.%03d' $((RANDOM % 120 + 5)))"
  pgrep -g "$pgid" -x virtckpt >/dev/null && hits=$((hits + 1))
  kill -9 -- -"$pgid" 2>/dev/null
  wait "$pgid" 2>/dev/null
  # Until nothing of the group runs any more (zombies, which hold no file and no lock, aside).
  # shellcheck disable=SC2009  # pgrep cannot tell zombies apart
  while ps -o stat= --pgroup "$pgid" 2>/dev/null | grep -qv '^Z'; do sleep 0.01; done
  check_store "after kill $iteration" $((iteration % 5 == 0))
  [ -n "${CRASH_VERBOSE:-}" ] && echo "   kill $iteration at ${SECONDS}s"
done
set +m
count=$(v checkpoint-list $DOM --name | sed '/^$/d' | wc -l)
leftovers() { find "$ROOT" \( -name '*.tmp[0-9]*' -o -name '*.undo' \) -printf '%P\n' | sort; }
echo "   $hits of $ITERATIONS kills caught virtckpt running; $count checkpoints left;" \
  "$(leftovers | wc -l) temporary files left behind"
# The store still takes writes, the next create hangs under current, and it removes what the
# killed writers left (and what is planted now, as they could have left it).
plant_decoys
check_store "with decoys planted after the kills" 0
run_ok "create after the kills" v checkpoint-create-as $DOM final
[ -z "$(leftovers)" ] || fail "temporary files left after the next write: $(leftovers | tr '\n' ' ')"
check_store "after a create following the kills"
if [ -f "$ROOT/$DOM/current" ] && [ "$(cat "$ROOT/$DOM/current")" != "final" ]; then
  fail "current is '$(cat "$ROOT/$DOM/current")' after creating 'final'"
fi

# ---------------------------------------------------------------------------------------------
note "2. full disk"

snapshot() {  # every file of the domain (but the lock) with its bytes, and the listing
  (cd "$ROOT/$DOM" && find . -type f ! -name lock -print0 | sort -z | xargs -0 sha256sum)
  v checkpoint-list $DOM --parent --topological 2>&1
}

# expect_enospc WHAT REGEX CMD...: status 1, stdout empty, stderr matching REGEX, nothing changed.
expect_enospc() {
  local what=$1 regex=$2
  shift 2
  local before after out rc
  before=$(snapshot)
  out=$("$@" 2>"$WORK/stderr")
  rc=$?
  after=$(snapshot)
  if [ $rc -ne 1 ] || [ -n "$out" ] || ! grep -qE "$regex" "$WORK/stderr" ||
    [ "$(wc -l <"$WORK/stderr")" -ne 1 ]; then
    fail "full disk, $what: exit $rc, stdout '$out', stderr '$(cat "$WORK/stderr")' (expected exit 1 and /$regex/)"
  fi
  if [ "$before" != "$after" ]; then
    fail "full disk, $what: the store changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
  fi
}

FULL=$WORK/full
mkdir -p "$FULL"
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: full-disk part: not root, cannot mount a tmpfs"
elif ! mount_error=$(mount -t tmpfs -o size=1m,mode=0700 tmpfs "$FULL" 2>&1); then
  echo "SKIP: full-disk part: cannot mount a tmpfs: $mount_error"
else
  MOUNTED=$FULL
  ROOT=$FULL/root
  v define "$DOMAIN_XML" >/dev/null || fail "define on tmpfs"
  for n in c1 c2 c3; do v checkpoint-create-as $DOM $n "before the disk filled up" >/dev/null; done
  v checkpoint-create-as $DOM c4 --print-xml >"$WORK/c4.xml" 2>/dev/null
  dd if=/dev/zero of="$FULL/filler" bs=4096 >/dev/null 2>&1
  [ "$(df --output=avail -B1 "$FULL" | tail -n 1 | tr -d ' ')" = 0 ] || fail "the tmpfs is not full"
  # The first write to fail is the journal's (multi-file commands) or the one file's.
  enospc="^error: Failed to write file '$ROOT/$DOM/[^']+\\.tmp[0-9]+': No space left on device\$"
  expect_enospc "create" "$enospc" v checkpoint-create-as $DOM c4
  expect_enospc "create from XML" "$enospc" v checkpoint-create $DOM "$WORK/c4.xml"
  v checkpoint-dumpxml $DOM c2 >"$WORK/c2.xml"
  expect_enospc "redefine" "$enospc" v checkpoint-create $DOM "$WORK/c2.xml" --redefine
  expect_enospc "delete of current" "$enospc" v checkpoint-delete $DOM c3
  expect_enospc "delete of a middle checkpoint" "$enospc" v checkpoint-delete $DOM c2
  expect_enospc "delete --metadata of current" "$enospc" v checkpoint-delete $DOM c3 --metadata
  expect_enospc "delete --metadata of a middle checkpoint" "$enospc" \
    v checkpoint-delete $DOM c2 --metadata
  expect_enospc "define" "$enospc" v define "$DOMAIN_XML"
  [ -z "$(find "$ROOT" -name '*.tmp*')" ] || fail "full disk: temporary files left: $(find "$ROOT" -name '*.tmp*')"

  # Room for one page (4 KiB, each file takes one): a command may fail, but then it must have
  # changed nothing (and recorded no bitmap operation).
  one_page() {  # one_page WHAT CMD...: run with one free page; EXPECT_CURRENT after a success
    local what=$1
    shift
    rm -f "$FULL/filler"
    dd if=/dev/zero of="$FULL/filler" bs=4096 >/dev/null 2>&1
    truncate -s -4096 "$FULL/filler"
    local before after out rc
    before=$(snapshot)
    out=$("$@" 2>&1)
    rc=$?
    if [ $rc -ne 0 ]; then
      after=$(snapshot)
      [ "$before" = "$after" ] ||
        fail "full disk, $what with one free page: '$out' (exit $rc), but the store changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
    elif [ "$(cat "$ROOT/$DOM/current" 2>/dev/null)" != "$EXPECT_CURRENT" ]; then
      fail "full disk, $what with one free page: succeeded, but current is '$(cat "$ROOT/$DOM/current")'"
    fi
    rm -f "$FULL/filler"
  }
  EXPECT_CURRENT=c2 one_page "delete of current" v checkpoint-delete $DOM c3
  # Back to c1 <- c2 <- c3 (current c3), without bitmap operations.
  v checkpoint-dumpxml $DOM c3 >"$WORK/c3.xml" 2>/dev/null || true
  v checkpoint-delete $DOM c3 --metadata >/dev/null 2>&1
  v checkpoint-create $DOM "$WORK/c3.xml" --redefine >/dev/null 2>&1
  v bitmap-ops $DOM --clear >/dev/null
  rm -f "$ROOT/$DOM/bitmap-ops.xml"
  run_ok "list after the delete test" v checkpoint-list $DOM --tree
  [ "$OUT" = "$(printf 'c1\n  |\n  +- c2\n      |\n      +- c3\n        \n\n')" ] ||
    fail "full disk: could not restore c1 <- c2 <- c3: $OUT"
  EXPECT_CURRENT=c4 one_page "create" v checkpoint-create-as $DOM c4

  # Room again: everything works.
  v checkpoint-delete $DOM c4 >/dev/null 2>&1
  run_ok "create with room again" v checkpoint-create-as $DOM c5
  run_ok "list with room again" v checkpoint-list $DOM --name
  [ "$OUT" = "$(printf 'c1\nc2\nc3\nc5\n')" ] || fail "after the disk had room again: '$OUT'"
  run_ok "parent of c5" v checkpoint-parent $DOM c5
  [ "$OUT" = c3 ] || fail "full disk: the parent of c5 is '$OUT', not c3"
  umount "$FULL" && MOUNTED=""
fi

# ---------------------------------------------------------------------------------------------
note "3. two writers and a reader at once ($CREATES creates per writer)"

ROOT=$WORK/concurrent
v define "$DOMAIN_XML" >/dev/null || fail "define"
concurrent_writer() {  # concurrent_writer PREFIX: creates PREFIX1..PREFIX$CREATES
  local i
  for i in $(seq 1 "$CREATES"); do
    v checkpoint-create-as $DOM "$1$i" >/dev/null 2>>"$WORK/writer-$1.err" ||
      echo "create $1$i failed" >>"$WORK/writer-$1.err"
  done
}
: >"$WORK/writer-a.err"
: >"$WORK/writer-b.err"
concurrent_writer a &
pid_a=$!
concurrent_writer b &
pid_b=$!
reads=0
read_failures=0
while kill -0 "$pid_a" 2>/dev/null || kill -0 "$pid_b" 2>/dev/null; do
  for args in "--name" "--tree" "--parent --topological"; do
    # shellcheck disable=SC2086
    out=$(v checkpoint-list $DOM $args 2>&1 >/dev/null)
    rc=$?
    reads=$((reads + 1))
    if [ $rc -ne 0 ] || [ -n "$out" ]; then
      read_failures=$((read_failures + 1))
      fail "reader: checkpoint-list $args exited $rc: $out"
    fi
  done
done
wait "$pid_a" "$pid_b"
echo "   $reads listings during the writes, $read_failures failed"
for w in a b; do
  [ -s "$WORK/writer-$w.err" ] && fail "writer $w: $(cat "$WORK/writer-$w.err")"
done
run_ok "list after the writers" v checkpoint-list $DOM --name
expected=$(for w in a b; do for i in $(seq 1 "$CREATES"); do echo "$w$i"; done; done | sort)
got_names=$(printf '%s\n' "$OUT" | sed '/^$/d' | sort)
[ "$got_names" = "$expected" ] ||
  fail "expected exactly the $((2 * CREATES)) checkpoints: $(diff <(echo "$expected") <(echo "$got_names") | tr '\n' ' ')"
run_ok "roots" v checkpoint-list $DOM --roots --name
[ "$(printf '%s\n' "$OUT" | sed '/^$/d' | wc -l)" = 1 ] || fail "not one root: $OUT"
run_ok "leaves" v checkpoint-list $DOM --leaves --name
leaf=$(printf '%s\n' "$OUT" | sed '/^$/d')
[ "$(printf '%s\n' "$leaf" | wc -l)" = 1 ] || fail "not one leaf: $OUT"
run_ok "topological" v checkpoint-list $DOM --topological --name
chain=$(printf '%s\n' "$OUT" | sed '/^$/d')
[ "$(printf '%s\n' "$chain" | tail -n 1)" = "$leaf" ] || fail "the chain does not end at the leaf"
# One chain, each writer's checkpoints in the order it created them.
for w in a b; do
  order=$(printf '%s\n' "$chain" | grep "^${w}[0-9]*\$" | tr '\n' ' ')
  want=$(for i in $(seq 1 "$CREATES"); do printf '%s ' "$w$i"; done)
  [ "$order" = "$want" ] || fail "writer $w's checkpoints are out of order in the chain: $order"
done
run_ok "tree" v checkpoint-list $DOM --tree
run_ok "info of the root" v checkpoint-info $DOM "$(printf '%s\n' "$chain" | head -n 1)"
printf '%s\n' "$OUT" | grep -qx "Descendants:    $((2 * CREATES - 1))" ||
  fail "the root does not have $((2 * CREATES - 1)) descendants: $OUT"
[ "$(cat "$ROOT/$DOM/current")" = "$leaf" ] || fail "current is not the last checkpoint"
run_ok "list after the writers" v checkpoint-list $DOM --parent --topological
listing=$OUT
cp -a "$ROOT" "$WORK/concurrent-copy"
run_ok "list of a copy" "$VIRTCKPT" -c "$WORK/concurrent-copy" checkpoint-list $DOM --parent --topological
[ "$OUT" = "$listing" ] || fail "the listing with the index differs from the files'"

# ---------------------------------------------------------------------------------------------
note "4. kill -9 at each file operation of one command (strace fault injection)"

# The state a command changes: the tree with parents in topological order, current, and the
# bitmap operations it recorded. After a crash it must be the one before or the one after.
fingerprint() {  # fingerprint ROOT
  printf 'checkpoint-list %s --parent --topological\nbitmap-ops %s\n' $DOM $DOM |
    "$VIRTCKPT" -c "$1" 2>&1 | sed 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9:]\{8\} +0000/TIME/'
  echo "current: $(cat "$1/$DOM/current" 2>/dev/null)"
}

# Writers drop an entry before they change its file, so each entry of the index names a file
# with that very inode at every moment (a freed inode comes back on most file systems, though
# not on a tmpfs; the ctime in the stamp tells such a file apart as well).
index_entries() {  # index_entries DIR: "NAME INODE" of each entry the index holds
  local index=$1/$DOM/index
  [ -f "$index" ] || return 0
  # A last line without its newline is torn and ignored, as the reader does.
  local complete=cat
  [ "$(tail -c 1 "$index" | od -An -tx1 | tr -d ' ')" = 0a ] || complete="sed \$d"
  $complete "$index" |
    awk -F'\t' 'NR > 1 && $1 == "E" { ino[$7] = $3 } NR > 1 && $1 == "R" { delete ino[$2] }
                 END { for (n in ino) print n, ino[n] }' | sort
}
check_index_vouches() {  # check_index_vouches DIR CONTEXT
  local name inode actual
  while read -r name inode; do
    actual=$(stat -c %i "$1/$DOM/checkpoints/$name.xml" 2>/dev/null)
    [ "$actual" = "$inode" ] ||
      fail "$2: the index vouches for $name.xml by inode $inode, but the file has '${actual:-none}'"
  done < <(index_entries "$1")
}
# cp -a gives the files new inodes and ctimes: the copy's index is made to name them (and to be
# newer than every file), so that the command under test trusts it as it trusts its own.
copy_store() {  # copy_store FROM TO
  rm -rf "$2"
  cp -a "$1" "$2"
  local d=$2/$DOM
  awk -F'\t' -v OFS='\t' 'NR == FNR { dev[$4] = $1; ino[$4] = $2; ctime[$4] = $3; next }
                            FNR > 1 && $1 == "E" && ($7 in ino) {
                              $2 = dev[$7]; $3 = ino[$7]; $6 = ctime[$7] } { print }' \
    <(cd "$d/checkpoints" && stat -c $'%d\t%i\t%.9Z\t%n' -- *.xml |
      sed -e 's/\.xml$//' -e 's/^\([0-9]*\t[0-9]*\t[0-9]*\)\.\([0-9]*\)/\1\2/') \
    "$d/index" >"$d/index.new" && mv "$d/index.new" "$d/index"
  touch -d "@$(($(date +%s) + 2))" "$d/index"
  check_index_vouches "$2" "copy of $1"
}

if [ "${CRASH_POINTS:-1}" = 0 ]; then
  echo "SKIP: crash points: CRASH_POINTS=0"
elif ! command -v strace >/dev/null; then
  echo "SKIP: crash points: strace is not installed"
elif ! strace -o /dev/null true 2>/dev/null; then
  echo "SKIP: crash points: strace cannot trace here (ptrace not permitted)"
else
  BASE=$WORK/points-base
  ROOT=$BASE
  v define "$DOMAIN_XML" >/dev/null || fail "define"
  # c1 <- c2 <- {x, c3 <- c4}, current c4.
  {
    for n in c1 c2 c3 c4; do echo "checkpoint-create-as $DOM $n"; done
  } | v >/dev/null || fail "points: creates"
  redefine_xml() {  # redefine_xml NAME [PARENT]
    printf '<domaincheckpoint><name>%s</name>%s<creationTime>1704067200</creationTime>' \
      "$1" "${2:+<parent><name>$2</name></parent>}"
    printf "<disks><disk name='vda' checkpoint='bitmap' bitmap='%s'/></disks></domaincheckpoint>\n" "$1"
  }
  redefine_xml x c2 >"$WORK/x.xml"
  v checkpoint-create $DOM "$WORK/x.xml" --redefine >/dev/null || fail "points: redefine x"
  v checkpoint-dumpxml $DOM c3 >"$WORK/c3-again.xml"
  before=$(fingerprint "$BASE")

  points=0
  for command in \
    "checkpoint-create-as $DOM n1" \
    "checkpoint-delete $DOM c2" \
    "checkpoint-delete $DOM c4 --metadata" \
    "checkpoint-delete $DOM c2 --children --metadata" \
    "checkpoint-create $DOM $WORK/c3-again.xml --redefine"; do
    copy_store "$BASE" "$WORK/points"
    # shellcheck disable=SC2086
    "$VIRTCKPT" -c "$WORK/points" $command >/dev/null 2>&1 || fail "points: '$command' fails"
    after=$(fingerprint "$WORK/points")
    [ "$after" != "$before" ] || fail "points: '$command' changes nothing"
    for call in rename unlink; do
      for n in 1 2 3 4 5 6 7 8 9 10 11 12; do
        copy_store "$BASE" "$WORK/points"
        # shellcheck disable=SC2086
        (strace -f -qq -o /dev/null -e trace=rename,unlink -e inject=$call:signal=KILL:when=$n \
          "$VIRTCKPT" -c "$WORK/points" $command >/dev/null 2>&1
        exit $?) 2>/dev/null
        [ $? -eq 137 ] || break  # the command had fewer such calls: it ran to its end
        points=$((points + 1))
        check_index_vouches "$WORK/points" "'virtckpt $command' killed before its $call #$n"
        now=$(fingerprint "$WORK/points")
        if [ "$now" != "$before" ] && [ "$now" != "$after" ]; then
          fail "'virtckpt $command' killed before its $call #$n leaves half of it: $(diff <(echo "$after") <(echo "$now") | grep '^[<>]' | tr '\n' ' ')"
        fi
      done
    done
  done
  echo "   $points crash points checked"
fi

echo "== done in ${SECONDS}s"
if [ "$FAILURES" -ne 0 ]; then
  echo "$FAILURES failure(s) (seed $SEED)"
  exit 1
fi
echo "all passed"
