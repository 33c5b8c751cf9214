#!/usr/bin/env bash
# Bash completion (completion/virtckpt.bash): the exact COMPREPLY for commands, options of the
# command being typed, domain and checkpoint names of the store the line names, quoted names.
# Uses bash-completion's bash_completion when it is installed; the function needs only bash.
# Usage: completion_test.sh VIRTCKPT SOURCE_ROOT
set -u
VIRTCKPT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$2
T=$(mktemp -d /tmp/virtckpt-completion.XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0

if [ -r /usr/share/bash-completion/bash_completion ]; then
  # shellcheck disable=SC1091
  . /usr/share/bash-completion/bash_completion
else
  echo "note: bash-completion is not installed; testing the completion file alone"
fi
# shellcheck source=../../completion/virtckpt.bash
. "$SRC/completion/virtckpt.bash"

registered=$(complete -p virtckpt)
if [ "$registered" != "complete -o default -o filenames -F _virtckpt virtckpt" ]; then
  echo "FAIL: registration: $registered"
  failures=$((failures + 1))
fi

# expect NAME LINE WANT...: COMPREPLY after typing LINE (cursor at its end) is exactly WANT.
expect() {
  local name=$1 line=$2
  shift 2
  COMP_LINE=$line
  COMP_POINT=${#line}
  read -r -a COMP_WORDS <<<"$line"
  [ "${line: -1}" = " " ] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _virtckpt "$VIRTCKPT" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  local got= want=
  [ ${#COMPREPLY[@]} = 0 ] || got=$(printf '[%s]' "${COMPREPLY[@]}")
  [ $# = 0 ] || want=$(printf '[%s]' "$@")
  if [ "$got" != "$want" ]; then
    echo "FAIL: $name: $line"
    echo "  want $want"
    echo "  got  $got"
    failures=$((failures + 1))
  else
    echo "ok: $name"
  fi
}

S=$T/store
sed 's|<name>single</name>|<name>my vm</name>|; /<uuid>/d' "$SRC/xml-examples/domain-single.xml" >"$T/my-vm.xml"
for command in "define $SRC/xml-examples/domain-single.xml" "define $T/my-vm.xml" \
  "checkpoint-create-as single c1" "checkpoint-create-as single c2" \
  "checkpoint-create-as --domain 'my vm' d1"; do
  eval "\"\$VIRTCKPT\" -q -c \"\$S\" $command" >/dev/null || { echo "FAIL: setup: $command"; exit 1; }
done
unset VIRTCKPT_ROOT

mapfile -t commands < <("$VIRTCKPT" help | sed -n 's/^    \([a-z-]*\) .*/\1/p' | sort)
mapfile -t sorted < <(COMP_LINE="virtckpt " COMP_POINT=9 _virtckpt "$VIRTCKPT" && printf '%s\n' "${COMPREPLY[@]}" | sort)
if [ "${#commands[@]}" -lt 20 ] || [ "${commands[*]}" != "${sorted[*]}" ]; then
  echo "FAIL: the first word completes exactly the commands help lists"
  echo "  help:       ${commands[*]}"
  echo "  completion: ${sorted[*]}"
  failures=$((failures + 1))
else
  echo "ok: the first word completes exactly the commands help lists"
fi
expect "a command prefix" "virtckpt checkpoint-c" checkpoint-create checkpoint-create-as
expect "the hidden command is not offered" "virtckpt compl"
expect "an option of the command" "virtckpt checkpoint-list --p" --parent
expect "options that share a prefix" "virtckpt checkpoint-list --n" --no-leaves --name
expect "an option given is not offered again" "virtckpt checkpoint-list --name --n" --no-leaves
expect "domains after the command, with -c" "virtckpt -c $S checkpoint-list s" single
expect "domains and options" "virtckpt -c $S checkpoint-parent " \
  --domain --checkpointname --json "my vm" single
expect "checkpoints after the domain" "virtckpt -c $S checkpoint-info single " \
  --checkpointname --json c1 c2
expect "checkpoints by prefix, --connect" "virtckpt --connect $S checkpoint-info single c" c1 c2
expect "--connect=DIR" "virtckpt --connect=$S checkpoint-dumpxml --domain single c2" c2
expect "a value after --domain" "virtckpt -c $S checkpoint-info --domain s" single
expect "--domain=VALUE completes the value" "virtckpt -c $S checkpoint-info --domain=s" single
expect "VIRTCKPT_ROOT= on the line, checkpoint names" "VIRTCKPT_ROOT=$S virtckpt checkpoint-list single --from " c1 c2
expect "-c wins over VIRTCKPT_ROOT=" "VIRTCKPT_ROOT=$T/none virtckpt -c $S checkpoint-info single c" c1 c2
VIRTCKPT_ROOT=$S expect "\$VIRTCKPT_ROOT in the environment" "virtckpt checkpoint-parent single c" c1 c2
expect "a name with a space, escaped" "virtckpt -c $S checkpoint-info my\\ v" "my vm"
expect "a name with a space, in quotes" "virtckpt -c $S checkpoint-info \"my v" "my vm"
expect "a name with a space, in single quotes" "virtckpt -c $S checkpoint-info 'my" "my vm"
expect "checkpoints of a name with a space" "virtckpt -c $S checkpoint-info 'my vm' " \
  --checkpointname --json d1
expect "help completes command names" "virtckpt help checkpoint-l" checkpoint-list
expect "a file argument completes nothing (bash completes files)" "virtckpt -c $S define "  \
  --file --validate --bitmap-model --bitmap-mode --granularity
expect "validate: its options; files are left to bash" "virtckpt validate " --file --type --json
expect "validate --type: the document types" "virtckpt validate --type " \
  checkpoint storefile domain domainbackup manifest bundle
expect "validate --type by prefix" "virtckpt validate a.xml --type d" domain domainbackup
expect "validate --type=VALUE" "virtckpt validate --type=s" storefile
expect "after -c bash completes directories" "virtckpt -c "
expect "after -qc bash completes directories" "virtckpt -qc "
# the global options as the program reads them (getopt_long's rules)
expect "-qc DIR" "virtckpt -qc $S checkpoint-info single c" c1 c2
expect "-cDIR" "virtckpt -c$S checkpoint-info single c" c1 c2
expect "--conn DIR" "virtckpt --conn $S checkpoint-info single c" c1 c2
expect "-rq -- then the command" "virtckpt -rq -c $S -- checkpoint-info single c" c1 c2
expect "an option the program refuses completes nothing" "virtckpt -x -c $S checkpoint-info single c"
expect "a missing store completes options" "virtckpt -c $T/missing checkpoint-list --r" --roots
expect "a missing store completes no names" "virtckpt -c $T/missing checkpoint-list s"
[ -e "$T/missing" ] && { echo "FAIL: completion created $T/missing"; failures=$((failures + 1)); }

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
