"""libfaketime's shared objects for the processes a test runs under libfaketime.

A process preloaded with libfaketime creates a semaphore and a shared-memory segment in
/dev/shm, named after its pid, unless FAKETIME_SHARED names existing ones; it removes them when
it exits, but not when it is killed, crashes or is replaced by exec, and a later process that
gets the same pid then fails to start. The `faketime` program creates one set, hands it to its
child and removes it when that child ends. Here its child is a `cat` that ends with our end of
its standard input, however this process ends; it runs in a session of its own, so that a kill
of the test's process group reaches neither of them before they have cleaned up.

    with FaketimeHolder() as holder:
        env.update(holder.env)       # besides LD_PRELOAD=libfaketime.so.1 and FAKETIME=...
"""
import shutil
import subprocess


class FaketimeHolder:
    @staticmethod
    def missing():
        """Why a holder cannot be made here, or None."""
        if not shutil.which("faketime"):
            return "faketime not found (Debian package faketime)"
        return None

    def __enter__(self):
        self.proc = subprocess.Popen(
            ["faketime", "-f", "+0", "sh", "-c", 'echo "$FAKETIME_SHARED"; exec cat >/dev/null'],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)
        shared = self.proc.stdout.readline().decode().strip()
        if not shared:
            self.__exit__()
            raise RuntimeError("faketime did not hand its child FAKETIME_SHARED")
        self.env = {"FAKETIME_SHARED": shared}
        return self

    def __exit__(self, *exc):
        self.proc.stdin.close()
        self.proc.wait()
        self.proc.stdout.close()
