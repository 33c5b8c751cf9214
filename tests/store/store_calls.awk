# The system calls of a traced command that change a store, from `strace -f -y -s 0 -o TRACE`:
#
#   awk -v root=ROOT -f store_calls.awk TRACE
#
# One line per call of the first process (the tracee whose counters `-e inject=...:when=N`
# uses) that names a path under ROOT and can change it (a write, an open that may create or
# truncate, a rename, a link, an unlink, ...), except the lock file, whose contents never
# change:
#
#   STATUS SYSCALL OCCURRENCE PATH [PATH2]
#
# STATUS is done (it returned), failed (-1) or killed (it never returned: the SIGKILL strace
# injected at its entry); OCCURRENCE counts the invocations of SYSCALL by that process up to
# this one, whatever their arguments; the paths are relative to ROOT, with the pid of a
# temporary file (NAME.tmpPID) written as PID, so that two runs of one command compare equal.

function relative(path) {
  if (substr(path, 1, length(root) + 1) != root "/") return ""
  path = substr(path, length(root) + 2)
  gsub(/\.tmp[0-9]+/, ".tmpPID", path)
  return path
}

# The quoted arguments of a call line, relative to ROOT, into paths[1..]; returns their count.
function quoted_paths(line, paths,    n, rest, path) {
  n = 0
  rest = line
  while (match(rest, /"[^"]*"/)) {
    path = relative(substr(rest, RSTART + 1, RLENGTH - 2))
    rest = substr(rest, RSTART + RLENGTH)
    if (path != "") paths[++n] = path
  }
  return n
}

# The file behind the first descriptor argument, as -y prints it: write(4</dir/file>, ...).
function descriptor_path(line,    path) {
  if (!match(line, /\([0-9]+<[^>]*>/)) return ""
  path = substr(line, RSTART, RLENGTH - 1)
  sub(/^\([0-9]+</, "", path)
  return relative(path)
}

function emit(call, status,    name, args, paths, n, out) {
  name = call
  sub(/\(.*/, "", name)
  occurrence[name]++
  args = substr(call, length(name) + 1)
  if (name ~ /^(write|pwrite64|writev|pwritev|pwritev2|ftruncate|fallocate)$/) {
    paths[1] = descriptor_path(args)
    n = paths[1] != ""
  } else if (name ~ /^(open|openat|openat2)$/) {
    if (args !~ /O_CREAT|O_TRUNC/) return
    n = quoted_paths(args, paths)
  } else if (name ~ /^(creat|truncate|rename|renameat|renameat2|link|linkat|unlink|unlinkat|mkdir|mkdirat|rmdir|symlink|symlinkat)$/) {
    n = quoted_paths(args, paths)
  } else {
    return
  }
  if (n == 0 || paths[1] ~ /(^|\/)lock$/) return
  out = status " " name " " occurrence[name] " " paths[1]
  if (n > 1) out = out " " paths[2]
  print out
}

# What follows the arguments: "= 4</file>", "= -1 ENOENT (...)", "= ?" or nothing.
function result_of(line) {
  return match(line, /\) += /) ? substr(line, RSTART + 1) : ""
}

function status_of(result) {
  if (result ~ /^ *= \?/ || result == "") return "killed"
  if (result ~ /^ *= -1 /) return "failed"
  return "done"
}

{
  tid = $1
  if (main == "") main = tid
  if (tid != main) next
  line = $0
  sub(/^[0-9]+ +/, "", line)  # strace pads short pids
  if (line ~ /^\+\+\+ /) next
  if (line ~ / <unfinished \.\.\.>$/) {
    sub(/ <unfinished \.\.\.>$/, "", line)
    pending = line
    next
  }
  if (line ~ /^<\.\.\. [a-z0-9_]+ resumed>/) {
    sub(/^<\.\.\. [a-z0-9_]+ resumed>/, "", line)
    emit(pending, status_of(result_of(line)))
    pending = ""
    next
  }
  if (line !~ /^[a-z0-9_]+\(/) next
  emit(line, status_of(result_of(line)))
}

END {
  if (pending != "") emit(pending, "killed")
}
