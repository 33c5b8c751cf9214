#!/usr/bin/env python3
"""Export and import of a long chain: virtckpt against virsh's test driver.

One 4-disk domain gets a chain of --chain checkpoints (redefined from documents, as an
orchestration tool restores them). Then, each --reps times:

  virtckpt checkpoint-export DOMAIN DIR          (manifest + one file per checkpoint)
  virtckpt checkpoint-export DOMAIN - > FILE     (the bundle)
  virtckpt checkpoint-import DOMAIN DIR          (into an empty store: defines the domain too)
  virtckpt checkpoint-import DOMAIN FILE         (the bundle, into an empty store)
  virtckpt checkpoint-import DOMAIN DIR          (again: every checkpoint skipped)

virsh has no export or import: its peer is what a tool does today, one `checkpoint-create
--redefine` per document, parents first, in one `virsh -c test:///default` session fed on
stdin (the test driver keeps its state in that process), and one `checkpoint-dumpxml
--security-info` per checkpoint for the export. Every virtckpt figure is a whole cold process.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

DOMAIN = "bench"
DISKS = ("vda", "vdb", "vdc", "vdd")
BASE_TIME = 1704067200


def domain_xml():
    disks = "".join(
        "    <disk type='file' device='disk'>\n"
        "      <driver name='qemu' type='qcow2'/>\n"
        f"      <source file='/var/lib/libvirt/images/{DOMAIN}-{d}.qcow2'/>\n"
        f"      <target dev='{d}' bus='virtio'/>\n"
        "    </disk>\n" for d in DISKS)
    return ("<domain type='test'>\n"
            f"  <name>{DOMAIN}</name>\n"
            "  <uuid>0b5c7a3e-1d2f-4c6b-9a8e-3f4d5e6a7b8c</uuid>\n"
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


def checkpoint_xml(i, domain):
    parent = f"  <parent>\n    <name>c{i - 1}</name>\n  </parent>\n" if i > 1 else ""
    disks = "".join(f"    <disk name='{d}' checkpoint='bitmap' bitmap='c{i}'/>\n" for d in DISKS)
    embedded = "".join("  " + line + "\n" for line in domain.splitlines())
    return (f"<domaincheckpoint>\n  <name>c{i}</name>\n{parent}"
            f"  <creationTime>{BASE_TIME + i}</creationTime>\n  <disks>\n{disks}  </disks>\n"
            f"{embedded}</domaincheckpoint>\n")


def timed(argv, **kwargs):
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=kwargs.pop("stdout", subprocess.DEVNULL), **kwargs)
    return time.perf_counter() - start


def virsh_session(uri, script, dumps):
    """Times the redefines and the dumps inside one virsh session (the test driver's state
    lives in that process): from the start to a marker echoed after the redefines (less the
    session's start-up), and from the marker to the end."""
    def run(text):
        proc = subprocess.Popen(["stdbuf", "-oL", "virsh", "-q", "-c", uri], text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        start = time.perf_counter()
        writer = threading.Thread(target=lambda: (proc.stdin.write(text), proc.stdin.close()))
        writer.start()
        marked = None
        for line in proc.stdout:
            if marked is None and line.startswith("MARK"):
                marked = time.perf_counter()
        end = time.perf_counter()
        writer.join()
        if proc.wait() != 0:
            raise RuntimeError("virsh failed")
        return start, marked, end
    start, marked, _ = run("echo MARK\n")
    startup = marked - start
    start, marked, end = run(script + "echo MARK\n" + dumps)
    return marked - start - startup, end - marked


def median_ms(values):
    return f"{statistics.median(values) * 1000:,.0f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--virtckpt", required=True)
    parser.add_argument("--chain", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--no-virsh", action="store_true")
    args = parser.parse_args()
    virtckpt = os.path.abspath(args.virtckpt)
    work = tempfile.mkdtemp(prefix="virtckpt-exchange-")
    try:
        domain = domain_xml()
        docs = os.path.join(work, "docs")
        os.makedirs(docs)
        with open(os.path.join(work, "domain.xml"), "w") as f:
            f.write(domain)
        for i in range(1, args.chain + 1):
            with open(os.path.join(docs, f"c{i}.xml"), "w") as f:
                f.write(checkpoint_xml(i, domain))
        source = os.path.join(work, "source")
        subprocess.run([virtckpt, "-q", "-c", source, "define", os.path.join(work, "domain.xml")],
                       check=True)
        subprocess.run([virtckpt, "-q", "-c", source, "checkpoint-import", DOMAIN, docs],
                       check=True, stdout=subprocess.DEVNULL)

        rows = {k: [] for k in ("export", "bundle", "import", "import-bundle", "reimport")}
        for rep in range(args.reps):
            out = os.path.join(work, f"export{rep}")
            bundle = os.path.join(work, f"bundle{rep}.xml")
            rows["export"].append(timed([virtckpt, "-c", source, "checkpoint-export", DOMAIN, out]))
            with open(bundle, "w") as f:
                rows["bundle"].append(
                    timed([virtckpt, "-c", source, "checkpoint-export", DOMAIN, "-"], stdout=f))
            target = os.path.join(work, f"target{rep}")
            rows["import"].append(timed([virtckpt, "-c", target, "checkpoint-import", DOMAIN, out]))
            rows["reimport"].append(
                timed([virtckpt, "-c", target, "checkpoint-import", DOMAIN, out]))
            target_bundle = os.path.join(work, f"target-bundle{rep}")
            rows["import-bundle"].append(
                timed([virtckpt, "-c", target_bundle, "checkpoint-import", DOMAIN, bundle]))
            shutil.rmtree(target)
            shutil.rmtree(target_bundle)
            shutil.rmtree(out)

        virsh_import = virsh_export = None
        if not args.no_virsh and shutil.which("virsh"):
            files = [os.path.join(docs, f"c{i}.xml") for i in range(1, args.chain + 1)]
            script = "".join(f"checkpoint-create {DOMAIN} --redefine --xmlfile {p}\n" for p in files)
            dumps = "".join(f"checkpoint-dumpxml {DOMAIN} c{i} --security-info\n"
                            for i in range(1, args.chain + 1))
            test_xml = os.path.join(work, "test-node.xml")
            with open(test_xml, "w") as f:
                f.write("<node>\n" + "".join("  " + l + "\n" for l in domain.splitlines()) +
                        "</node>\n")
            uri = "test://" + test_xml
            virsh_import, virsh_export = virsh_session(uri, script, dumps)

        n = args.chain
        print(f"{n} checkpoints of a {len(DISKS)}-disk domain, median of {args.reps}")
        print(f"{'operation':52} {'virtckpt':>12} {'virsh test driver':>20}")
        peer_export = f"{virsh_export * 1000:,.0f} ms" if virsh_export is not None else "-"
        peer_import = f"{virsh_import * 1000:,.0f} ms" if virsh_import is not None else "-"
        print(f"{'export to a directory (virsh: N x checkpoint-dumpxml)':52} "
              f"{median_ms(rows['export']):>12} {peer_export:>20}")
        print(f"{'export a bundle to a file':52} {median_ms(rows['bundle']):>12} {'-':>20}")
        print(f"{'import a directory, new domain (virsh: N x --redefine)':52} "
              f"{median_ms(rows['import']):>12} {peer_import:>20}")
        print(f"{'import a bundle, new domain':52} {median_ms(rows['import-bundle']):>12} "
              f"{'-':>20}")
        print(f"{'import again (all skipped)':52} {median_ms(rows['reimport']):>12} {'-':>20}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
