#!/usr/bin/env bash
# The whole test run: dependencies, a normal build with every test, a clang-format check, and a
# second build with AddressSanitizer and UndefinedBehaviorSanitizer running every test again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install-deps.sh

setup() {  # setup DIR [meson options...]
  local dir=$1; shift
  if [ -d "$dir" ]; then meson setup --reconfigure "$dir" "$@" >/dev/null; else meson setup "$dir" "$@" >/dev/null; fi
}

# libfaketime names a /dev/shm segment after each process's pid; one left by a killed process
# makes a later process with that pid fail to start.
clean_faketime_shm() { rm -f /dev/shm/faketime_shm_* /dev/shm/sem.faketime_sem_*; }

echo "== clang-format"
mapfile -t sources < <(find src tests bench fuzz -name '*.[ch]pp' 2>/dev/null | sort)
clang-format --dry-run -Werror "${sources[@]}"

echo "== build and test"
setup build-ci
ninja -C build-ci
clean_faketime_shm
meson test -C build-ci --print-errorlogs --num-processes 2

echo "== build and test with -Db_sanitize=address,undefined"
# The long campaigns (kills, the damage matrix) ran above; the sanitizers run the fast tests.
setup build-ci-asan -Db_sanitize=address,undefined -Db_lundef=false -Dlong_tests=false
ninja -C build-ci-asan
clean_faketime_shm
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
  meson test -C build-ci-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3
