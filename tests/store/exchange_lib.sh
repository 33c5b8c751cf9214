# shellcheck shell=bash
# Shared by the all-or-nothing tests of checkpoint-export and checkpoint-import,
# tests/store/exchange_*_test.sh and crash_exchange_*_test.sh, sourced after crash_lib.sh: the
# 20-checkpoint domains they export (a chain, and a tree with branches), the store a domain is
# imported into, a damaged copy of an export, and a snapshot of every byte of a store.

CHECKPOINTS=20
OTHER_UUID=00000000-1111-2222-3333-444444444444

# make_chain_store ROOT: domain $DOM with c1 <- c2 <- ... <- c20, current c20.
make_chain_store() {
  local i
  "$VIRTCKPT" -c "$1" define "$DOMAIN_XML" >/dev/null || fail "define in $1"
  for i in $(seq 1 $CHECKPOINTS); do echo "checkpoint-create-as $DOM c$i"; done |
    "$VIRTCKPT" -c "$1" >/dev/null || fail "creates in $1"
}

# make_branch_store ROOT: c1 <- ... <- c8 made by create-as, and b9 .. b20 redefined (with
# their <domain>) under parents all over that chain and each other, so that the export's
# parent-first order interleaves the branches (b15, redefined under the current c8, becomes
# current):
#   c2 <- {b9 <- {b11 <- b16}, b10}, c4 <- b12 <- {b13 <- b19, b14}, c8 <- b15, c1 <- b17 <- b18,
#   c5 <- b20.
BRANCH_PARENTS="b9:c2 b10:c2 b11:b9 b12:c4 b13:b12 b14:b12 b15:c8 b16:b11 b17:c1 b18:b17 b19:b13 b20:c5"
make_branch_store() {
  local root=$1 i pair name parent
  "$VIRTCKPT" -c "$root" define "$DOMAIN_XML" >/dev/null || fail "define in $root"
  for i in $(seq 1 8); do echo "checkpoint-create-as $DOM c$i"; done |
    "$VIRTCKPT" -c "$root" >/dev/null || fail "creates in $root"
  "$VIRTCKPT" -c "$root" checkpoint-dumpxml $DOM c1 --security-info >"$WORK/branch-template.xml"
  i=0
  for pair in $BRANCH_PARENTS; do
    name=${pair%%:*}
    parent=${pair#*:}
    i=$((i + 1))
    # c1's document (a root) with another name, bitmap and creation time, under `parent`.
    awk -v name="$name" -v parent="$parent" -v t=$((1704067200 + i)) '
      NR == 2 { print "  <name>" name "</name>"; print "  <parent>"
                print "    <name>" parent "</name>"; print "  </parent>"; next }
      /^  <creationTime>/ { print "  <creationTime>" t "</creationTime>"; next }
      /^    <disk name=.vda. checkpoint=.bitmap./ { sub(/bitmap='\''[^'\'']*'\''/, "bitmap='\''" name "'\''") }
      { print }' "$WORK/branch-template.xml" >"$WORK/branch-$name.xml"
    echo "checkpoint-create $DOM $WORK/branch-$name.xml --redefine"
  done | "$VIRTCKPT" -c "$root" >/dev/null || fail "redefines in $root"
  [ "$(cat "$root/$DOM/current")" = b15 ] || fail "the branch store's current is not b15"
}

# make_target_store ROOT: the store an import into an existing domain goes to: $DOM with o1 <-
# o2 <- o3 (current o3), none of them in the exports. Frozen, so that readers never rewrite
# its index.
make_target_store() {
  "$VIRTCKPT" -c "$1" define "$DOMAIN_XML" >/dev/null || fail "define in $1"
  printf 'checkpoint-create-as %s o1\ncheckpoint-create-as %s o2\ncheckpoint-create-as %s o3\n' \
    $DOM $DOM $DOM | "$VIRTCKPT" -c "$1" >/dev/null || fail "creates in $1"
  freeze_index "$1"
}

# make_empty_store ROOT: a store where $DOM does not exist, but another domain does.
make_empty_store() {
  sed -e 's|<name>single</name>|<name>bystander</name>|' \
    -e 's|<uuid>[^<]*</uuid>|<uuid>5a5a5a5a-0000-4000-8000-000000000001</uuid>|' \
    "$DOMAIN_XML" >"$WORK/bystander.xml"
  "$VIRTCKPT" -c "$1" define "$WORK/bystander.xml" >/dev/null || fail "define bystander in $1"
  "$VIRTCKPT" -c "$1" checkpoint-create-as bystander keep >/dev/null || fail "create in $1"
  freeze_index_of "$1" bystander
}

freeze_index_of() {  # freeze_index_of ROOT DOMAIN
  local now
  printf -v now '%(%s)T' -1
  touch -c -d "@$((now + 2))" "$1/$2/index"
}

# snapshot_tree DIR: every name under DIR with its type and mode, then every file's SHA-256:
# two trees with the same snapshot hold the same names, modes and bytes (the index, current
# and the lock file included).
snapshot_tree() {
  if [ ! -e "$1" ]; then
    echo "no $1"
    return
  fi
  (cd "$1" && find . -printf '%p %y %m\n' | LC_ALL=C sort &&
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
}

# entry_names MANIFEST: the checkpoints of a manifest in its order, one a line.
entry_names() { grep -o "<checkpoint name='[^']*'" "$1" | sed "s/.*name='//; s/'\$//"; }

# entry_files MANIFEST: "FILE SHA256" of each entry, in its order.
entry_files() {
  grep -o "<checkpoint [^>]*>" "$1" |
    sed -n "s/.* file='\\([^']*\\)'.* sha256='\\([0-9a-f]*\\)'.*/\\1 \\2/p"
}

# set_entry_sum MANIFEST NAME FILE: the entry of NAME takes FILE's SHA-256.
set_entry_sum() {
  local sum
  sum=$(sha256sum <"$3" | cut -d' ' -f1)
  sed -i "s|\\(<checkpoint name='$2' [^>]*sha256='\\)[0-9a-f]*'|\\1$sum'|" "$1"
}

DAMAGES="schema checksum parent uuid name"

# damage_export DIR POS DAMAGE: makes the POS-th document of the export in DIR bad (the
# manifest's checksum made to match again, but for DAMAGE=checksum). Sets BAD_FILE (the path
# import must name) and BAD_REASON (the reason line(s) it must print).
#   schema   an element the schema does not allow
#   checksum an edit the manifest does not know of
#   parent   the parent becomes 'ghost' (in the document and its manifest entry), which exists
#            nowhere
#   uuid     the embedded <domain> has the uuid of another domain
#   name     the document names another checkpoint than its manifest entry
damage_export() {
  local dir=$1 pos=$2 damage=$3 name file old new
  name=$(entry_names "$dir/manifest.xml" | sed -n "${pos}p")
  file=$dir/checkpoints/$name.xml
  BAD_FILE=$file
  [ -n "$name" ] && [ -f "$file" ] || {
    fail "no entry $pos in $dir/manifest.xml"
    return 1
  }
  case $damage in
    schema)
      sed -i '2a\  <bogus/>' "$file"
      set_entry_sum "$dir/manifest.xml" "$name" "$file"
      BAD_REASON="XML document failed to validate against schema: Unable to validate doc against $VIRTCKPT_SCHEMA_DIR/domaincheckpoint.rng"$'\n'"Element domaincheckpoint has extra content: bogus"
      ;;
    checksum)
      old=$(sha256sum <"$file" | cut -d' ' -f1)
      sed -i 's|<creationTime>\([0-9]*\)</creationTime>|<creationTime>1\1</creationTime>|' "$file"
      new=$(sha256sum <"$file" | cut -d' ' -f1)
      BAD_REASON="its SHA-256 is $new, the manifest says $old: the file is not the one that was exported"
      ;;
    parent)
      awk 'NR == 3 && $0 == "  <parent>" { skip = 1 }
           skip { if ($0 == "  </parent>") skip = 0; next }
           { print }
           NR == 2 { print "  <parent>"; print "    <name>ghost</name>"; print "  </parent>" }' \
        "$file" >"$file.new" && mv "$file.new" "$file"
      sed -i -e "/<checkpoint name='$name' /s/ parent='[^']*'//" \
        -e "s/<checkpoint name='$name' /<checkpoint name='$name' parent='ghost' /" \
        "$dir/manifest.xml"
      set_entry_sum "$dir/manifest.xml" "$name" "$file"
      BAD_REASON="its parent 'ghost' is neither among the imported checkpoints nor a checkpoint of domain '$DOM'"
      ;;
    uuid)
      old=$(sed -n 's|^    <uuid>\(.*\)</uuid>$|\1|p' "$file")
      sed -i "s|^    <uuid>.*</uuid>\$|    <uuid>$OTHER_UUID</uuid>|" "$file"
      set_entry_sum "$dir/manifest.xml" "$name" "$file"
      BAD_REASON="its <domain> has uuid $OTHER_UUID, and domain '$DOM' has uuid $old: use --rename-domain to import it into this domain"
      ;;
    name)
      sed -i "2s|^  <name>$name</name>\$|  <name>$name-renamed</name>|" "$file"
      set_entry_sum "$dir/manifest.xml" "$name" "$file"
      BAD_REASON="it holds checkpoint '$name-renamed', the manifest names '$name'"
      ;;
    *)
      fail "unknown damage $damage"
      return 1
      ;;
  esac
  cmp -s "$file" "$dir.orig/checkpoints/$name.xml" && {
    fail "damage $damage left $file as it was"
    return 1
  }
  return 0
}

# restore_export DIR: undoes damage_export (DIR.orig is the export as it was written).
restore_export() {
  cp -p "$1.orig/manifest.xml" "$1/manifest.xml"
  cp -p "$1.orig/checkpoints/"*.xml "$1/checkpoints/"
}

# domain_state ROOT [checkpoints-first]: what readers see of $DOM: the domains, its tree with
# parents in topological order, each checkpoint's facts (current, owner, disks), its definition
# and settings (or that it does not exist). One process runs the commands, `list` first (or
# last): whichever comes first finds what a killed writer left.
domain_state() {
  local commands=("checkpoint-list $DOM --parent --topological" "checkpoint-list $DOM --tree"
    "checkpoint-list $DOM --json" "dumpxml $DOM" "domain-set $DOM")
  if [ "${2:-}" = checkpoints-first ]; then
    commands+=("list --all --name")
  else
    commands=("list --all --name" "${commands[@]}")
  fi
  printf '%s\n' "${commands[@]}" | "$VIRTCKPT" -c "$1" 2>&1
}

# leftovers_of ROOT: what killed writers left in $DOM's directory (temporary files, undo links,
# a journal).
leftovers_of() {
  [ -d "$1/$DOM" ] || return 0
  find "$1/$DOM" \( -name '*.tmp[0-9]*' -o -name '*.undo' -o -name journal \) -printf '%P\n' | sort
}

# bundle_of_export DIR: the bundle (checkpoint-export DOMAIN -) that carries the export in DIR:
# its manifest as <checkpointbundle>, without file attributes, each document (indented under
# its entry) as the entry's last child.
bundle_of_export() {
  awk -v dir="$1" '
    function emit(file,    line) {
      while ((getline line <(dir "/" file)) > 0) print "      " line
      close(dir "/" file)
    }
    NR == 1 { sub(/^<checkpointmanifest/, "<checkpointbundle"); print; next }
    /^<\/checkpointmanifest>$/ { print "</checkpointbundle>"; next }
    /^    <checkpoint name=/ {
      line = $0
      match(line, / file='\''[^'\'']*'\''/)
      file = substr(line, RSTART + 7, RLENGTH - 8)
      sub(/ file='\''[^'\'']*'\''/, "", line)
      if (line ~ /\/>$/) {
        sub(/\/>$/, ">", line)
        print line
        emit(file)
        print "    </checkpoint>"
      } else {
        print line
        pending = file
      }
      next
    }
    /^    <\/checkpoint>$/ { emit(pending); print; next }
    { print }' "$1/manifest.xml"
}
