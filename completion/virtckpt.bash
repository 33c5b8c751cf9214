# bash completion for virtckpt. The words come from virtckpt itself (its hidden `complete`
# command), from its command table and from the store the line names with -c/--connect or
# VIRTCKPT_ROOT=, so they are always those of the installed version.
_virtckpt() {
  mapfile -t COMPREPLY < <("$1" -q complete --wordbreaks "$COMP_WORDBREAKS" -- \
    "${COMP_LINE:0:COMP_POINT}" 2>/dev/null)
}
complete -o default -o filenames -F _virtckpt virtckpt
