#!/usr/bin/env bash
# Concurrent processes on the file store, through the virtckpt binary: two writers creating at
# once end with all their checkpoints in one valid chain, each writer's in its order, and a
# reader listing in a loop meanwhile never fails.
#
#   tests/store/crash_concurrent_test.sh VIRTCKPT [SOURCE_ROOT]
#
# Environment: CONCURRENT_CREATES (default 20 per writer).
. "$(dirname "$0")/crash_lib.sh"

CREATES=${CONCURRENT_CREATES:-20}
note "two writers and a reader at once ($CREATES creates per writer)"
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
[ "$reads" -ge 3 ] || fail "the reader did not list while the writers ran"
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

finish
