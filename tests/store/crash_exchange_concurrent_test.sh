#!/usr/bin/env bash
# checkpoint-import while other processes read the store: readers never see a part of an
# import, nor a domain whose import then fails.
#
#   tests/store/crash_exchange_concurrent_test.sh VIRTCKPT [SOURCE_ROOT]
#
# A writer imports the 20-checkpoint export, in turn, into existing domains d1.. (each with o1 <-
# o2 <- o3) and as new domains n1.. (--rename-domain), while a reader lists the domains and the
# checkpoints of each in a loop: a d domain has its 3 checkpoints or all 23 (c20 current once
# it has them), an n domain all 20 from the moment it is listed. Then an import that defines a
# domain fails on its last checkpoint's write (ENOSPC) while the reader lists: the domain is
# never listed. Where strace can inject faults, each of the writer's renames is delayed by 20
# ms, so that the reader runs in the middle of each import; the failing import needs it (and is
# skipped without). Two exports into one directory at once leave a manifest whose files match it.
#
# Environment: CONCURRENT_ROUNDS (imports of each kind, default 3).
. "$(dirname "$0")/crash_lib.sh"
. "$(dirname "$0")/exchange_lib.sh"

ROUNDS=${CONCURRENT_ROUNDS:-3}
SLOW=()
if command -v strace >/dev/null && strace -o /dev/null -e trace=getpid \
  -e inject=getpid:retval=1 true >/dev/null 2>&1; then
  SLOW=(strace -f -qq -o /dev/null -e trace=rename -e inject=rename:delay_exit=20000)
else
  echo "   no strace that can inject faults: the imports run at full speed"
fi

make_chain_store "$WORK/chain"
X=$WORK/export
"$VIRTCKPT" -c "$WORK/chain" checkpoint-export $DOM "$X" >/dev/null || fail "export"
ROOT=$WORK/store
for r in $(seq 1 "$ROUNDS"); do
  sed -e "s|<name>single</name>|<name>d$r</name>|" \
    -e "s|<uuid>[^<]*</uuid>|<uuid>5a5a5a5a-0000-4000-8000-00000000000$r</uuid>|" \
    "$DOMAIN_XML" >"$WORK/d$r.xml"
  v define "$WORK/d$r.xml" >/dev/null || fail "define d$r"
  printf 'checkpoint-create-as d%s o1\ncheckpoint-create-as d%s o2\ncheckpoint-create-as d%s o3\n' \
    "$r" "$r" "$r" | v >/dev/null || fail "creates in d$r"
done
OLD=$(printf 'o1\no2\no3\n')
IMPORTED=$(entry_names "$X/manifest.xml" | sort)
ALL=$(printf '%s\n%s\n' "$OLD" "$IMPORTED" | sort)

# reader STOP LOG: lists until the file STOP exists; a line in LOG per problem, "read START END"
# (nanoseconds) per listing of a domain.
reader() {
  local stop=$1 log=$2 name names got current start
  while [ ! -e "$stop" ]; do
    start=$(date +%s%N)
    names=$(v list --all --name 2>&1) || {
      echo "list --all failed: $names" >>"$log"
      continue
    }
    for name in $names; do
      got=$(v checkpoint-list "$name" --name 2>&1 | sed '/^$/d' | sort)
      echo "read $start $(date +%s%N)" >>"$log"
      case $name in
        d*)
          [ "$got" = "$OLD" ] && continue
          if [ "$got" != "$ALL" ]; then
            echo "$name has $(wc -l <<<"$got") checkpoints: $(tr '\n' ' ' <<<"$got")" >>"$log"
            continue
          fi
          ;;
        n*)
          if [ "$got" != "$IMPORTED" ]; then
            echo "$name is listed with $(wc -l <<<"$got") checkpoints: $(tr '\n' ' ' <<<"$got")" >>"$log"
            continue
          fi
          ;;
        failing) echo "failing is listed, with: $(tr '\n' ' ' <<<"$got")" >>"$log" ;;
        *) echo "an unexpected domain $name" >>"$log" ;;
      esac
      current=$(v checkpoint-list "$name" --json 2>&1 | grep -o '"name":"[^"]*","parent":"[^"]*",[^}]*"current":true')
      [ "${current%%\",*}" = '"name":"c20' ] || echo "$name: c20 is not current: $current" >>"$log"
    done
  done
}

note "$ROUNDS imports into existing domains and $ROUNDS that define domains, a reader meanwhile"
: >"$WORK/reader.log"
rm -f "$WORK/stop"
reader "$WORK/stop" "$WORK/reader.log" &
reader_pid=$!
: >"$WORK/writer.log"
for r in $(seq 1 "$ROUNDS"); do
  for target in "d$r" "n$r"; do
    start=$(date +%s%N)
    "${SLOW[@]}" "$VIRTCKPT" -c "$ROOT" checkpoint-import "$target" "$X" --rename-domain \
      >/dev/null 2>"$WORK/writer.err" || fail "import into $target: $(cat "$WORK/writer.err")"
    echo "import $start $(date +%s%N)" >>"$WORK/writer.log"
  done
done
touch "$WORK/stop"
wait $reader_pid
reads=$(grep -c '^read ' "$WORK/reader.log")
# The listings that ran while an import ran (they began before it ended and ended after it
# began): they waited for its lock, or read before it took it.
overlapping=$(awk '$1 == "import" { s[++n] = $2; e[n] = $3; next }
  $1 == "read" { for (i = 1; i <= n; i++) if ($2 < e[i] && $3 > s[i]) { c++; break } }
  END { print c + 0 }' "$WORK/writer.log" "$WORK/reader.log")
echo "   $reads listings of a domain during the imports, $overlapping of them while one ran"
[ "$overlapping" -ge "$ROUNDS" ] || fail "only $overlapping listings ran while an import ran"
while read -r problem; do fail "reader: $problem"; done < <(grep -v '^read ' "$WORK/reader.log" | head -n 20)
[ "$reads" -ge $((ROUNDS * 2)) ] || fail "the reader listed only $reads times"
for r in $(seq 1 "$ROUNDS"); do
  run_ok "d$r after the imports" v checkpoint-list "d$r" --name
  [ "$(sed '/^$/d' <<<"$OUT" | sort)" = "$ALL" ] || fail "d$r: $OUT"
  run_ok "n$r after the imports" v checkpoint-list "n$r" --name
  [ "$(sed '/^$/d' <<<"$OUT" | sort)" = "$IMPORTED" ] || fail "n$r: $OUT"
done

if [ ${#SLOW[@]} -eq 0 ]; then
  echo "   the failing import skipped: it needs strace fault injection"
else
  note "an import that defines a domain fails while the reader lists"
  cp -a "$ROOT" "$WORK/count"
  count_store_calls "$WORK/count" "$WORK/calls" checkpoint-import failing "$X" --rename-domain ||
    fail "the import of failing fails"
  last=$(awk '$1 == "write" && $3 == "failing/checkpoints/c20.xml.tmpPID" { print $2 }' "$WORK/calls")
  : >"$WORK/reader.log"
  rm -f "$WORK/stop"
  reader "$WORK/stop" "$WORK/reader.log" &
  reader_pid=$!
  strace -f -qq -o /dev/null -e trace=rename,write -e inject=rename:delay_exit=20000 \
    -e inject="write:error=ENOSPC:when=$last" \
    "$VIRTCKPT" -c "$ROOT" checkpoint-import failing "$X" --rename-domain >/dev/null 2>"$WORK/writer.err"
  rc=$?
  touch "$WORK/stop"
  wait $reader_pid
  [ $rc -eq 1 ] && grep -q "^error: Failed to write file '$ROOT/failing/checkpoints/c20.xml.tmp[0-9]*': No space left on device\$" \
    "$WORK/writer.err" || fail "the failing import: exit $rc, $(cat "$WORK/writer.err")"
  reads=$(grep -c '^read ' "$WORK/reader.log")
  echo "   $reads listings of a domain during the failing import"
  while read -r problem; do fail "reader: $problem"; done < <(grep -v '^read ' "$WORK/reader.log" | head -n 20)
  [ "$reads" -ge 2 ] || fail "the reader listed only $reads times"
  [ ! -e "$ROOT/failing" ] || fail "the failing import left $(find "$ROOT/failing" | tr '\n' ' ')"
fi
note "two exports into one directory at once, $ROUNDS times"
# One with <domain>, one without: files of the same names and other contents. Each export holds
# the directory's lock from the old manifest's removal to the new one's rename, so the
# manifest that is left names the files of the export that wrote it.
check_export_files() {  # check_export_files DIR CONTEXT
  local file sum
  [ -e "$1/manifest.xml" ] || {
    fail "$2: no manifest"
    return
  }
  while read -r file sum; do
    [ -f "$1/$file" ] && [ "$(sha256sum <"$1/$file" | cut -d' ' -f1)" = "$sum" ] ||
      fail "$2: the manifest names $file, missing or not matching"
  done < <(entry_files "$1/manifest.xml")
}
SLOWER=()
[ ${#SLOW[@]} -eq 0 ] || SLOWER=(strace -f -qq -o /dev/null -e trace=rename -e inject=rename:delay_exit=7000)
FASTER=()
[ ${#SLOW[@]} -eq 0 ] || FASTER=(strace -f -qq -o /dev/null -e trace=rename -e inject=rename:delay_exit=5000)
for r in $(seq 1 "$ROUNDS"); do
  rm -rf "$WORK/exp"
  "${SLOWER[@]}" "$VIRTCKPT" -c "$WORK/chain" checkpoint-export $DOM "$WORK/exp" \
    >/dev/null 2>"$WORK/export-1.err" &
  first=$!
  sleep "0.0$r"
  "${FASTER[@]}" "$VIRTCKPT" -c "$WORK/chain" checkpoint-export $DOM "$WORK/exp" --no-domain \
    >/dev/null 2>"$WORK/export-2.err" || fail "round $r: the second export: $(cat "$WORK/export-2.err")"
  wait $first || fail "round $r: the first export: $(cat "$WORK/export-1.err")"
  check_export_files "$WORK/exp" "round $r"
done
finish
