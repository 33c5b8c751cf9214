#!/usr/bin/env python3
"""Scale benchmark of the virtckpt file store against virsh's test driver (issue 3).

One domain with 4 qcow2 disks gets a linear chain of --chain checkpoints
(checkpoint-create-as) and a bushy tree of --bushy checkpoints (checkpoint-create
--redefine, fan-out 4, its own root). Both tools receive the same command sequence:

  chain, grown in segments; at each growth point: checkpoint-list (table), --tree
  bushy tree (redefine, parent first)
  reads: checkpoint-list (table), --tree, --topological, --name; checkpoint-info
  deletes: middle chain checkpoints (1 child each), inner bushy nodes (4 children each), and
  middle checkpoints of a second domain's chain of 100 (a delete at 10,000 checkpoints should
  cost at most twice as much as one at 100)

virtckpt runs every read and delete as a whole cold process (page cache warm); its creation
batches are fed on stdin to one process per segment. virsh's test driver keeps its state in
one process, so virsh runs as one session fed on stdin and each command is timed inside it,
from writing the line to seeing the marker echoed after it.
"""

import argparse
import fcntl
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

DOMAIN = "bench"
SMALL_DOMAIN = "small"
SMALL_CHAIN = 100
DISKS = ("vda", "vdb", "vdc", "vdd")
FANOUT = 4
BASE_TIME = 1704067200

TARGET_LIST_MS = 100.0
TARGET_DELETE_MS = 20.0
TARGET_DELETE_RATIO = 2.0
TARGET_RSS_KB = 64 * 1024


# --- documents ---------------------------------------------------------------------------

def domain_xml(name=DOMAIN, uuid="0b5c7a3e-1d2f-4c6b-9a8e-3f4d5e6a7b8c"):
    """The domain in canonical `virsh dumpxml --inactive` form."""
    disks = "".join(
        "    <disk type='file' device='disk'>\n"
        "      <driver name='qemu' type='qcow2'/>\n"
        f"      <source file='/var/lib/libvirt/images/{name}-{d}.qcow2'/>\n"
        f"      <target dev='{d}' bus='virtio'/>\n"
        "    </disk>\n" for d in DISKS)
    return ("<domain type='test'>\n"
            f"  <name>{name}</name>\n"
            f"  <uuid>{uuid}</uuid>\n"
            "  <memory unit='KiB'>2097152</memory>\n"
            "  <currentMemory unit='KiB'>2097152</currentMemory>\n"
            "  <vcpu placement='static'>2</vcpu>\n"
            "  <os>\n"
            "    <type arch='x86_64'>hvm</type>\n"
            "    <boot dev='hd'/>\n"
            "  </os>\n"
            "  <clock offset='utc'/>\n"
            "  <on_poweroff>destroy</on_poweroff>\n"
            "  <on_reboot>restart</on_reboot>\n"
            "  <on_crash>destroy</on_crash>\n"
            "  <devices>\n"
            f"{disks}"
            "  </devices>\n"
            "</domain>\n")


def indent(text, n):
    return "".join(" " * n + line if line.strip() else line
                   for line in text.splitlines(keepends=True))


def bushy_parent(i):
    return None if i == 0 else (i - 1) // FANOUT


def bushy_xml(i, domain):
    """Checkpoint b<i> as libvirt's redefine expects it: parent, creationTime, disks, domain."""
    parent = bushy_parent(i)
    parent_xml = "" if parent is None else f"  <parent>\n    <name>b{parent}</name>\n  </parent>\n"
    disks = "".join(f"    <disk name='{d}' checkpoint='bitmap' bitmap='b{i}'/>\n" for d in DISKS)
    return ("<domaincheckpoint>\n"
            f"  <name>b{i}</name>\n"
            f"{parent_xml}"
            f"  <creationTime>{BASE_TIME + i}</creationTime>\n"
            "  <disks>\n"
            f"{disks}"
            "  </disks>\n"
            f"{indent(domain, 2)}"
            "</domaincheckpoint>\n")


# --- virtckpt: whole cold processes -------------------------------------------------------

class Run:
    def __init__(self, secs, nbytes, rc, maxrss_kb, stderr, cpu_s):
        self.secs, self.nbytes, self.rc, self.maxrss_kb, self.stderr, self.cpu_s = (
            secs, nbytes, rc, maxrss_kb, stderr, cpu_s)


class Virtckpt:
    def __init__(self, binary, root, env):
        self.binary, self.root, self.env = binary, root, env

    def argv(self, args):
        return [self.binary, "-c", self.root] + list(args)

    def run(self, args, stdin_text=None):
        """Runs once; stdout goes through a pipe and is counted, like virsh's."""
        err = tempfile.TemporaryFile()
        t0 = time.perf_counter()
        p = subprocess.Popen(self.argv(args), env=self.env, stdout=subprocess.PIPE, stderr=err,
                             stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL)
        if stdin_text is not None:
            threading.Thread(target=feed, args=(p.stdin, stdin_text), daemon=True).start()
        nbytes = 0
        fd = p.stdout.fileno()
        widen_pipe(fd)
        buf = bytearray(READ_SIZE)
        while True:
            n = os.readv(fd, [buf])
            if not n:
                break
            nbytes += n
        _, status, usage = os.wait4(p.pid, 0)
        secs = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        p.stdout.close()
        err.seek(0)
        return Run(secs, nbytes, p.returncode, usage.ru_maxrss, err.read().decode(errors="replace"),
                   usage.ru_utime + usage.ru_stime)

    def peak_rss_kb(self, args):
        """Peak RSS as /usr/bin/time -f %M reports it."""
        with tempfile.NamedTemporaryFile("r") as out:
            subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + self.argv(args),
                           env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
            return int(out.read().split()[-1])


READ_SIZE = 1 << 20


def widen_pipe(fd):
    """A 1 MiB pipe and a preallocated read buffer keep the reader from being the bottleneck
    for outputs of hundreds of MiB (--tree of a long chain)."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, READ_SIZE)
    except (AttributeError, OSError):
        pass


def feed(pipe, text):
    try:
        pipe.write(text.encode())
        pipe.close()
    except BrokenPipeError:
        pass


# --- virsh: one in-memory test-driver session ---------------------------------------------

class VirshSession:
    """One interactive virsh fed on stdin. After each batch it is sent `echo @@BENCH-k@@`;
    the batch is timed from writing its first line to reading that marker."""

    MARK = re.compile(rb"\n@@BENCH-(\d+)@@\n")
    PREFIX = b"\n@@BENCH-"
    EDGE = 32  # longer than any marker line

    def __init__(self, uri, workdir, env, timeout):
        self.stderr_path = os.path.join(workdir, "virsh.stderr")
        self.p = subprocess.Popen(["virsh", "-c", uri], cwd=workdir, env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=open(self.stderr_path, "wb"))
        self.cv = threading.Condition()
        self.marks = {}
        self.eof = False
        self.dead = None
        self.seq = 0
        self.prev_end = 0
        threading.Thread(target=self._reader, daemon=True).start()
        if self.batch([], timeout) is None:
            raise RuntimeError("virsh did not start: " + str(self.dead))

    def _reader(self):
        fd = self.p.stdout.fileno()
        widen_pipe(fd)
        buf = bytearray(READ_SIZE)
        tail, total = b"\n", 0  # the fake leading '\n' sits at offset -1
        while True:
            n = os.readv(fd, [buf])
            now = time.perf_counter()
            if not n:
                with self.cv:
                    self.eof = True
                    self.cv.notify_all()
                return
            hits = []
            # markers across the chunk boundary, then markers inside the chunk
            edge = tail + bytes(buf[:min(n, self.EDGE)])
            for m in self.MARK.finditer(edge):
                hits.append((m, total - len(tail)))
            pos = buf.find(self.PREFIX, 0, n)
            while pos >= 0:
                m = self.MARK.match(buf, pos, n)
                if m:
                    hits.append((m, total))
                pos = buf.find(self.PREFIX, pos + 1, n)
            if hits:
                with self.cv:
                    for m, base in hits:
                        self.marks.setdefault(int(m.group(1)),
                                              (now, base + m.start() + 1, base + m.end()))
                    self.cv.notify_all()
            tail = (tail + bytes(buf[max(0, n - self.EDGE):n]))[-self.EDGE:]
            total += n

    def batch(self, cmds, timeout):
        """Returns (seconds, output bytes of the commands), or None once virsh is gone."""
        if self.dead:
            return None
        self.seq += 1
        k = self.seq
        marker = f"echo @@BENCH-{k}@@"
        text = "".join(c + "\n" for c in cmds) + marker + "\n"
        t0 = time.perf_counter()
        threading.Thread(target=feed_open, args=(self.p.stdin, text), daemon=True).start()
        deadline = t0 + timeout
        with self.cv:
            while k not in self.marks and not self.eof:
                left = deadline - time.perf_counter()
                if left <= 0:
                    break
                self.cv.wait(left)
            hit = self.marks.get(k)
        if hit is None:
            self.kill("timeout" if not self.eof else "virsh exited")
            return None
        t1, start, end = hit
        echo = sum(len(f"virsh # {c}\n".encode()) for c in cmds) + len(f"virsh # {marker}\n")
        nbytes = start - self.prev_end - echo
        self.prev_end = end
        return t1 - t0, nbytes

    def kill(self, why):
        self.dead = why
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()

    def peak_rss_kb(self):
        try:
            with open(f"/proc/{self.p.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    def errors(self):
        with open(self.stderr_path, errors="replace") as f:
            return [l.rstrip("\n") for l in f if l.startswith("error:")
                    and "@@BENCH-" not in l]

    def close(self):
        if not self.dead:
            feed_open(self.p.stdin, "quit\n")
            try:
                self.p.stdin.close()
                self.p.wait(timeout=30)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.kill("did not quit")


def feed_open(pipe, text):
    try:
        pipe.write(text.encode())
        pipe.flush()
    except (BrokenPipeError, ValueError):
        pass


# --- store inspection ---------------------------------------------------------------------

def snapshot(domain_dir):
    """relative path -> (inode, mtime_ns, size) of the domain's files and checkpoint files."""
    stamps = {}
    for sub in ("", "checkpoints"):
        with os.scandir(os.path.join(domain_dir, sub)) as it:
            for e in it:
                if e.is_file(follow_symlinks=False):
                    st = e.stat(follow_symlinks=False)
                    stamps[os.path.join(sub, e.name)] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return stamps


def diff_snapshots(before, after):
    """Files removed, added, rewritten (a new file or a shrunk one) and appended to (same inode,
    grown), and the bytes written: whole files, but only the growth of an appended one."""
    removed = sorted(set(before) - set(after))
    added = sorted(set(after) - set(before))
    changed = [k for k in set(before) & set(after) if before[k] != after[k]]
    appended = sorted(k for k in changed
                      if after[k][0] == before[k][0] and after[k][2] > before[k][2])
    rewritten = sorted(k for k in changed if k not in appended)
    written_bytes = sum(after[k][2] for k in added + rewritten) + \
        sum(after[k][2] - before[k][2] for k in appended)
    return removed, added, rewritten, appended, written_bytes


# --- the benchmark ------------------------------------------------------------------------

def fmt_ms(secs):
    if secs is None:
        return "n/a"
    ms = secs * 1000.0
    return f"{ms:.0f} ms" if ms >= 1000 else f"{ms:.1f} ms"


def fmt_secs(secs):
    return "n/a" if secs is None else f"{secs:.1f} s"


def fmt_bytes(n):
    if n is None:
        return "n/a"
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.1f} KiB"
    return f"{n} B"


def fmt_kb(kb):
    return "n/a" if kb is None else f"{kb / 1024:.1f} MiB"


class Bench:
    def __init__(self, opts):
        self.o = opts
        self.work = opts.workdir or tempfile.mkdtemp(prefix="virtckpt-scale.")
        os.makedirs(self.work, exist_ok=True)
        self.env = dict(os.environ, TZ="UTC", LC_ALL="C", LANG="C", TERM="dumb",
                        COLUMNS="1000000", HOME=os.path.join(self.work, "home"),
                        XDG_CONFIG_HOME=os.path.join(self.work, "home/.config"),
                        XDG_CACHE_HOME=os.path.join(self.work, "home/.cache"),
                        XDG_RUNTIME_DIR=os.path.join(self.work, "home/run"))
        for k in ("VIRSH_DEFAULT_CONNECT_URI", "LIBVIRT_DEFAULT_URI", "VIRTCKPT_ROOT"):
            self.env.pop(k, None)
        os.makedirs(os.path.join(self.work, "home/run"), exist_ok=True)
        # a private copy, so that a rebuild during a long run cannot mix two versions
        binary = os.path.join(self.work, "virtckpt")
        shutil.copy2(opts.virtckpt, binary)
        self.root = os.path.join(self.work, "store")
        self.domain_dir = os.path.join(self.root, DOMAIN)
        self.vc = Virtckpt(binary, self.root, self.env)
        self.virsh = None
        self.notes = []
        self.load_start = os.getloadavg()[0]
        self.failed = {}
        self.res = {"config": {"chain": opts.chain, "bushy": opts.bushy, "reps": opts.reps,
                               "growth": opts.growth, "virtckpt": opts.virtckpt},
                    "growth": [], "ops": {}}

    def log(self, msg):
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    # documents -------------------------------------------------------------------------
    def write_inputs(self):
        dom = domain_xml()
        with open(os.path.join(self.work, "domain.xml"), "w") as f:
            f.write(dom)
        with open(os.path.join(self.work, "small.xml"), "w") as f:
            f.write(domain_xml(SMALL_DOMAIN, "0b5c7a3e-1d2f-4c6b-9a8e-3f4d5e6a7b8d"))
        with open(os.path.join(self.work, "node.xml"), "w") as f:
            f.write("<node>\n" + indent(dom, 2) + "</node>\n")
        bushy_dir = os.path.join(self.work, "bushy")
        os.makedirs(bushy_dir, exist_ok=True)
        self.bushy_cmds = []
        for i in range(self.o.bushy):
            path = os.path.join(bushy_dir, f"b{i}.xml")
            with open(path, "w") as f:
                f.write(bushy_xml(i, dom))
            self.bushy_cmds.append(f"checkpoint-create {DOMAIN} {path} --redefine")

    # per-tool runners: (seconds, output bytes, ...), virsh None when not measured -------
    def vc_batch(self, cmds, what):
        r = self.vc.run([], "".join(c + "\n" for c in cmds))
        if r.rc != 0:
            self.warn(f"virtckpt {what}: exit {r.rc}: {first_line(r.stderr)}")
        return r.secs, r.nbytes

    def vc_once(self, cmd):
        """(seconds, output bytes, cpu seconds); counts failures in self.failed[cmd]."""
        r = self.vc.run(cmd.split())
        if r.rc != 0:
            self.failed[cmd] = self.failed.get(cmd, 0) + 1
            self.warn(f"virtckpt {cmd}: exit {r.rc}: {first_line(r.stderr)}")
        return r.secs, r.nbytes, r.cpu_s

    def vs_batch(self, cmds, timeout):
        if not self.virsh:
            return None
        out = self.virsh.batch(cmds, timeout)
        if out is None and self.virsh.dead:
            self.warn(f"virsh {self.virsh.dead} (limit {timeout:.0f} s) in: {cmds[0]}"
                      f"{' ...' if len(cmds) > 1 else ''}; later virsh figures are n/a")
        return out

    def warn(self, msg):
        self.log("WARNING: " + msg)
        if msg not in self.notes:
            self.notes.append(msg)

    def repeat(self, label, cmd):
        """Times `cmd` --reps times with each tool; records medians and byte counts."""
        vc = [self.vc_once(cmd) for _ in range(self.o.reps)]
        vs = []
        for _ in range(self.o.reps):
            r = self.vs_batch([cmd], self.o.virsh_timeout)
            if r is None:
                break
            vs.append(r)
        entry = {"label": label, "cmd": cmd,
                 "virtckpt": {"samples_s": [r[0] for r in vc], "median_s": med(vc),
                              "cpu_median_s": statistics.median(r[2] for r in vc),
                              "bytes": vc[0][1], "failed": self.failed.pop(cmd, 0)},
                 "virsh": {"samples_s": [r[0] for r in vs],
                           "median_s": med(vs) if len(vs) == self.o.reps else None,
                           "bytes": vs[0][1] if vs else None}}
        self.log(f"  {label}: virtckpt {fmt_ms(entry['virtckpt']['median_s'])} "
                 f"({fmt_bytes(entry['virtckpt']['bytes'])}), virsh "
                 f"{fmt_ms(entry['virsh']['median_s'])} ({fmt_bytes(entry['virsh']['bytes'])})")
        return entry

    # phases ----------------------------------------------------------------------------
    def run(self):
        o = self.o
        self.write_inputs()
        self.log(f"workdir {self.work}; chain {o.chain}, bushy {o.bushy}, reps {o.reps}")
        for xml in ("domain.xml", "small.xml"):
            r = self.vc.run(["define", os.path.join(self.work, xml)])
            if r.rc != 0:
                sys.exit(f"store_scale: virtckpt define failed: {r.stderr.strip()}")
        self.vc_batch([f"checkpoint-create-as {SMALL_DOMAIN} s{i}"
                       for i in range(1, SMALL_CHAIN + 1)], f"chain of {SMALL_CHAIN}")
        if not o.no_virsh:
            uri = "test://" + os.path.join(self.work, "node.xml")
            self.virsh = VirshSession(uri, self.work, self.env, o.virsh_timeout)
        self.chain_phase()
        self.bushy_phase()
        self.read_phase()
        self.delete_phase()
        if self.virsh:
            self.res["virsh_session_peak_rss_kb"] = self.virsh.peak_rss_kb()
            errors = self.virsh.errors()
            if errors:
                self.warn(f"virsh printed {len(errors)} error(s), first: {errors[0]}")
            self.virsh.close()

    def batch_timeout(self, n):
        return self.o.virsh_timeout + 2.0 * n

    def chain_phase(self):
        o = self.o
        points = sorted(set(p for p in o.growth if 0 < p < o.chain)) + [o.chain]
        done, vc_total, vs_total = 0, 0.0, 0.0
        for point in points:
            cmds = [f"checkpoint-create-as {DOMAIN} c{i}" for i in range(done + 1, point + 1)]
            self.log(f"chain c{done + 1}..c{point}")
            vc_s, _ = self.vc_batch(cmds, f"chain to {point}")
            vs = self.vs_batch(cmds, self.batch_timeout(len(cmds)))
            vc_total += vc_s
            vs_total = None if vs is None or vs_total is None else vs_total + vs[0]
            row = {"n": point, "created": len(cmds),
                   "vc_create_ms_each": vc_s * 1000 / len(cmds),
                   "vs_create_ms_each": None if vs is None else vs[0] * 1000 / len(cmds)}
            self.log(f"  created {len(cmds)}: virtckpt {fmt_secs(vc_s)}, "
                     f"virsh {fmt_secs(None if vs is None else vs[0])}")
            for key, flag in (("list", ""), ("tree", " --tree")):
                row[key] = self.repeat(f"N={point} list{flag}", f"checkpoint-list {DOMAIN}{flag}")
            self.res["growth"].append(row)
            done = point
        self.res["ops"]["create_chain"] = {"virtckpt_s": vc_total, "virsh_s": vs_total}

    def bushy_phase(self):
        if not self.bushy_cmds:
            self.res["ops"]["create_bushy"] = {"virtckpt_s": None, "virsh_s": None}
            return
        self.log(f"bushy tree b0..b{self.o.bushy - 1} (redefine)")
        vc_s, _ = self.vc_batch(self.bushy_cmds, "bushy redefine")
        vs = self.vs_batch(self.bushy_cmds, self.batch_timeout(len(self.bushy_cmds)))
        self.res["ops"]["create_bushy"] = {"virtckpt_s": vc_s,
                                           "virsh_s": None if vs is None else vs[0]}
        self.log(f"  virtckpt {fmt_secs(vc_s)}, virsh {fmt_secs(None if vs is None else vs[0])}")

    def read_phase(self):
        total = self.o.chain + self.o.bushy
        self.log(f"reads on {total} checkpoints")
        names = self.vc.run(["checkpoint-list", DOMAIN, "--name"])
        listed = names.nbytes  # every name is 'cN\n' or 'bN\n' plus a final blank line
        expected = sum(len(f"c{i}\n") for i in range(1, self.o.chain + 1)) + \
            sum(len(f"b{i}\n") for i in range(self.o.bushy)) + 1
        if listed != expected:
            self.warn(f"virtckpt --name printed {listed} bytes, expected {expected}: "
                      "the store does not hold exactly the generated checkpoints")
        mid = self.o.chain // 2
        for key, flag in (("list", ""), ("tree", " --tree"), ("topological", " --topological"),
                          ("name", " --name")):
            e = self.repeat(f"checkpoint-list{flag}", f"checkpoint-list {DOMAIN}{flag}")
            e["virtckpt"]["peak_rss_kb"] = self.vc.peak_rss_kb(e["cmd"].split())
            self.res["ops"][key] = e
        self.res["ops"]["info"] = self.repeat(f"checkpoint-info c{mid}",
                                              f"checkpoint-info {DOMAIN} c{mid}")

    def delete_phase(self):
        o = self.o
        small = [f"s{SMALL_CHAIN // 2 + i}" for i in range(o.reps)]
        self.res["ops"]["delete_small"] = {"virtckpt": {"samples_s": [
            self.vc_once(f"checkpoint-delete {SMALL_DOMAIN} {name}")[0] for name in small]}}
        small_ms = statistics.median(self.res["ops"]["delete_small"]["virtckpt"]["samples_s"])
        self.log(f"  checkpoint-delete (chain middle of {SMALL_CHAIN}): virtckpt "
                 f"{fmt_ms(small_ms)}")
        mid = o.chain // 2
        chain_targets = [f"c{mid + i}" for i in range(o.reps)]
        # inner nodes whose FANOUT children all exist
        bushy_targets = [f"b{i}" for i in range(1, o.reps + 1) if FANOUT * i + FANOUT < o.bushy]
        for key, label, targets in (
                ("delete_chain", "checkpoint-delete (chain middle, 1 child)", chain_targets),
                ("delete_bushy", f"checkpoint-delete (bushy inner, {FANOUT} children)",
                 bushy_targets)):
            if not targets:
                continue
            vc, vs, files, fails = [], [], [], 0
            for name in targets:
                before = snapshot(self.domain_dir)
                vc.append(self.vc_once(f"checkpoint-delete {DOMAIN} {name}"))
                fails += self.failed.get(f"checkpoint-delete {DOMAIN} {name}", 0)
                removed, added, rewritten, appended, written = diff_snapshots(
                    before, snapshot(self.domain_dir))
                files.append({"target": name, "removed": removed, "added": added,
                              "rewritten": rewritten, "appended": appended,
                              "written_bytes": written})
                r = self.vs_batch([f"checkpoint-delete {DOMAIN} {name}"], o.virsh_timeout)
                if r is not None:
                    vs.append(r)
            self.res["ops"][key] = {
                "label": label, "targets": targets,
                "virtckpt": {"samples_s": [r[0] for r in vc], "median_s": med(vc),
                             "cpu_median_s": statistics.median(r[2] for r in vc),
                             "files": files, "failed": fails},
                "virsh": {"samples_s": [r[0] for r in vs],
                          "median_s": med(vs) if len(vs) == len(targets) else None}}
            f0 = files[0]
            self.log(f"  {label}: virtckpt {fmt_ms(med(vc))}, virsh "
                     f"{fmt_ms(self.res['ops'][key]['virsh']['median_s'])}; files of the first "
                     f"({f0['target']}): removed {f0['removed']}, added {f0['added']}, "
                     f"rewritten {f0['rewritten']}, appended to {f0['appended']}, "
                     f"{fmt_bytes(f0['written_bytes'])} written")
        self.res["stat_floor"] = {
            name: self.stat_floor(os.path.join(self.root, name, "checkpoints"))
            for name in (SMALL_DOMAIN, DOMAIN)}

    # The least any check of every file against the index costs: list + lstat on 2 threads.
    def stat_floor(self, directory):
        if not os.access(self.o.stat_floor, os.X_OK):
            self.warn(f"no {self.o.stat_floor}: the floor of a delete is not measured")
            return None
        out = subprocess.run([self.o.stat_floor, directory, str(max(self.o.reps, 5))],
                             check=True, capture_output=True, text=True).stdout.split()
        return {"files": int(out[0]), "ms": float(out[1])}

    # report ----------------------------------------------------------------------------
    def report(self):
        o, ops = self.o, self.res["ops"]
        total = o.chain + o.bushy
        rows = []

        def verdict(value, limit):
            if value is None:
                return ""
            return "  [met]" if value < limit else "  [MISSED]"

        c, b = ops["create_chain"], ops["create_bushy"]
        rows.append((f"create {o.chain}-chain (checkpoint-create-as)",
                     fmt_secs(c["virtckpt_s"]), fmt_secs(c["virsh_s"]), "-"))
        rows.append((f"create {o.bushy}-bushy tree (--redefine)",
                     fmt_secs(b["virtckpt_s"]), fmt_secs(b["virsh_s"]), "-"))
        for key in ("list", "tree", "topological", "name", "info"):
            e = ops[key]
            vcm, vsm = e["virtckpt"]["median_s"], e["virsh"]["median_s"]
            cell_vc = f"{fmt_ms(vcm)} (min {fmt_ms(min(e['virtckpt']['samples_s']))}, " \
                f"cpu {fmt_ms(e['virtckpt']['cpu_median_s'])}), {fmt_bytes(e['virtckpt']['bytes'])}"
            if e["virtckpt"]["failed"]:
                cell_vc += f" ({e['virtckpt']['failed']} FAILED)"
            cell_vs = f"{fmt_ms(vsm)}, {fmt_bytes(e['virsh']['bytes'])}"
            if e["virsh"]["samples_s"]:
                cell_vs = f"{fmt_ms(vsm)} (min {fmt_ms(min(e['virsh']['samples_s']))}), " \
                    f"{fmt_bytes(e['virsh']['bytes'])}"
            if key in ("list", "topological", "name"):
                target = f"< {TARGET_LIST_MS:.0f} ms" + verdict(vcm * 1000, TARGET_LIST_MS)
            elif key == "tree":
                target = "linear in output (see growth)"
            else:
                target = "-"
            rows.append((f"{e['label']} ({total})", cell_vc, cell_vs, target))
        for key in ("delete_chain", "delete_bushy"):
            if key not in ops:
                continue
            e = ops[key]
            vcm = e["virtckpt"]["median_s"]
            files = e["virtckpt"]["files"]
            children = 1 if key == "delete_chain" else FANOUT
            failed = e["virtckpt"]["failed"]
            rows.append((e["label"], f"{fmt_ms(vcm)} (cpu {fmt_ms(e['virtckpt']['cpu_median_s'])})"
                         + (f" ({failed} FAILED)" if failed else ""),
                         fmt_ms(e["virsh"]["median_s"]),
                         f"< {TARGET_DELETE_MS:.0f} ms" + verdict(vcm * 1000, TARGET_DELETE_MS)))
            ckpts = max(sum(p.startswith("checkpoints/") for p in f["rewritten"] + f["added"])
                        for f in files)
            others = {}
            for f in files:
                for p in f["rewritten"] + f["added"]:
                    if not p.startswith("checkpoints/"):
                        others[p] = others.get(p, 0) + 1
            appends = {}
            for f in files:
                for p in f["appended"]:
                    appends[p] = appends.get(p, 0) + 1
            other_text = ", ".join(
                [f"{p} ({n}/{len(files)} runs)" for p, n in sorted(others.items())] +
                [f"appended to {p} ({n}/{len(files)} runs)" for p, n in sorted(appends.items())])
            written = statistics.median(f["written_bytes"] for f in files)
            ok = ckpts <= children and "index" not in others
            rows.append(("  files rewritten per delete (max over runs)",
                         f"{ckpts} checkpoint files + {other_text or 'nothing else'}",
                         "in memory", f"O(children={children})" + (
                             "  [met]" if ok else "  [MISSED]")))
            rows.append(("  bytes written per delete (median)", fmt_bytes(written), "-", "-"))
            if key == "delete_chain":
                small_s = statistics.median(ops["delete_small"]["virtckpt"]["samples_s"])
                ratio = vcm / small_s
                rows.append((f"  the same in a chain of {SMALL_CHAIN} (ratio {o.chain} / "
                             f"{SMALL_CHAIN})", f"{fmt_ms(small_s)} (x{ratio:.2f})", "-",
                             f"<= x{TARGET_DELETE_RATIO:.0f}" +
                             ("  [met]" if ratio <= TARGET_DELETE_RATIO else "  [MISSED]")))
                floors = self.res.get("stat_floor", {})
                big, little = floors.get(DOMAIN), floors.get(SMALL_DOMAIN)
                if big and little:
                    extra_s = (big["ms"] - little["ms"]) / 1000
                    rows.append((f"  floor: list + lstat of {big['files']} files (2 threads)",
                                 f"{big['ms']:.1f} ms (of {little['files']}: "
                                 f"{little['ms']:.1f} ms)", "-", "-"))
                    rows.append(("  least ratio that checking every file allows",
                                 f"x{(small_s + extra_s) / small_s:.2f} "
                                 f"(= ({fmt_ms(small_s)} + {extra_s * 1000:.1f} ms) / "
                                 f"{fmt_ms(small_s)})", "-", "-"))
        for key in ("list", "tree", "topological", "name"):
            e = ops[key]
            kb = e["virtckpt"].get("peak_rss_kb")
            rows.append((f"peak RSS {e['label']} ({total})", fmt_kb(kb),
                         "see session RSS", f"< 64 MiB" + verdict(kb, TARGET_RSS_KB)))
        if "virsh_session_peak_rss_kb" in self.res:
            rows.append(("peak RSS of the whole virsh session", "-",
                         fmt_kb(self.res["virsh_session_peak_rss_kb"]), "-"))

        print()
        print(f"virtckpt store scale benchmark: chain {o.chain}, bushy {o.bushy} "
              f"(fan-out {FANOUT}), {total} checkpoints, 4 qcow2 disks; median of {o.reps}")
        print("virtckpt: each read/delete is a whole cold process (fork+exec+load store; "
              "page cache warm).")
        print("virsh test driver: figures are IN-PROCESS (one long-lived virsh session, "
              "time from writing the command to its echoed marker); no process start, "
              "no persistence.")
        print(f"host: {os.cpu_count()} CPUs, load average at start {self.load_start:.2f}, "
              f"at end {os.getloadavg()[0]:.2f} (cpu = user+sys of the virtckpt process, "
              "less sensitive to a busy host than wall time)")
        print_table(("operation", "virtckpt", "virsh test driver", "target"), rows)

        print()
        print("growth of a linear chain (list = table listing; ms = median; bytes = stdout)")
        grows = []
        for g in self.res["growth"]:
            grows.append((str(g["n"]),
                          f"{g['vc_create_ms_each']:.2f}",
                          "n/a" if g["vs_create_ms_each"] is None else f"{g['vs_create_ms_each']:.2f}",
                          fmt_ms(g["list"]["virtckpt"]["median_s"]),
                          fmt_ms(g["list"]["virsh"]["median_s"]),
                          fmt_bytes(g["tree"]["virtckpt"]["bytes"]),
                          fmt_ms(g["tree"]["virtckpt"]["median_s"]),
                          fmt_ms(g["tree"]["virsh"]["median_s"]),
                          per_mib(g["tree"]["virtckpt"]),
                          per_mib(g["tree"]["virsh"])))
        print_table(("N", "create ms/ckpt vc", "virsh", "list vc", "list virsh",
                     "--tree bytes", "--tree vc", "--tree virsh", "vc ms/MiB", "virsh ms/MiB"),
                    grows)
        print("(create ms/ckpt: mean cost of one checkpoint-create-as over the segment that "
              "ended at N)")
        mism = [ops[k]["label"] for k in ("list", "tree", "topological", "name", "info")
                if ops[k]["virsh"]["bytes"] is not None
                and ops[k]["virsh"]["bytes"] != ops[k]["virtckpt"]["bytes"]]
        mism += [f"growth N={g['n']} {k}" for g in self.res["growth"] for k in ("list", "tree")
                 if g[k]["virsh"]["bytes"] is not None
                 and g[k]["virsh"]["bytes"] != g[k]["virtckpt"]["bytes"]]
        if mism:
            print("output size differs between the tools for: " + "; ".join(mism))
        elif self.virsh:
            print("output sizes of virtckpt and virsh agree for every read measured.")
        if self.notes:
            print()
            print("notes:")
            for n in self.notes:
                print("  - " + n)


def first_line(text):
    text = text.strip()
    return text.split("\n", 1)[0][:300] if text else "(no message)"


def per_mib(side):
    if side["median_s"] is None or not side["bytes"]:
        return "n/a"
    return f"{side['median_s'] * 1000 / (side['bytes'] / (1 << 20)):.1f}"


def med(samples):
    return statistics.median(r[0] for r in samples) if samples else None


def print_table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(r, widths)))


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chain", type=int, help="linear chain length (default 10000)")
    ap.add_argument("--bushy", type=int, help="bushy tree size (default 1000)")
    ap.add_argument("--quick", action="store_true", help="smoke run: --chain 1000 --bushy 100")
    ap.add_argument("--reps", type=int, default=5, help="repetitions of each read (median)")
    ap.add_argument("--growth", help="comma-separated chain sizes at which list and --tree are "
                    "measured on the way (default N/10,N/5,2N/5,4N/5)")
    ap.add_argument("--virsh-timeout", type=float, default=120.0,
                    help="seconds per virsh command before virsh is killed (default 120)")
    ap.add_argument("--no-virsh", action="store_true", help="measure virtckpt only")
    ap.add_argument("--virtckpt", help="virtckpt binary (default build/src/virtckpt)")
    ap.add_argument("--default-virtckpt", help=argparse.SUPPRESS)
    ap.add_argument("--stat-floor", help="stat_floor binary (default: bench/stat_floor in the "
                    "build directory of --virtckpt)")
    ap.add_argument("--workdir", help="work directory (default: a new temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--json", help="also write all samples to this file")
    o = ap.parse_args(argv)
    o.chain = o.chain or (1000 if o.quick else 10000)
    o.bushy = o.bushy if o.bushy is not None else (100 if o.quick else 1000)
    if o.chain < 2 or o.bushy < 0 or o.reps < 1:
        ap.error("need --chain >= 2, --bushy >= 0, --reps >= 1")
    o.growth = ([int(x) for x in o.growth.split(",") if x] if o.growth else
                [o.chain // 10, o.chain // 5, 2 * o.chain // 5, 4 * o.chain // 5])
    o.virtckpt = os.path.abspath(o.virtckpt or o.default_virtckpt or "build/src/virtckpt")
    o.stat_floor = os.path.abspath(o.stat_floor or os.path.join(
        os.path.dirname(os.path.dirname(o.virtckpt)), "bench", "stat_floor"))
    if not os.access(o.virtckpt, os.X_OK):
        ap.error(f"virtckpt binary not found: {o.virtckpt} (build it or pass --virtckpt)")
    if not o.no_virsh and not shutil.which("virsh"):
        ap.error("virsh not found (apt-get install libvirt-clients) or pass --no-virsh")
    return o


def main(argv):
    o = parse_args(argv)
    bench = Bench(o)
    try:
        bench.run()
        bench.report()
        if o.json:
            with open(o.json, "w") as f:
                json.dump(bench.res, f, indent=1)
    finally:
        if bench.virsh and not bench.virsh.dead and bench.virsh.p.poll() is None:
            bench.virsh.kill("interrupted")
        if o.keep or o.workdir:
            bench.log(f"kept {bench.work}")
        else:
            shutil.rmtree(bench.work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
