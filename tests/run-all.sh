#!/usr/bin/env bash
# The whole test run: dependencies, a normal build with every test, a clang-format check, and a
# second build with AddressSanitizer and UndefinedBehaviorSanitizer running every test again.
# A test run fails if a test fails, if a test was skipped (tests/check-no-skips.py: everything a
# test needs is installed here) or if it left a new file in /dev/shm.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install-deps.sh

# Golden files are compared here, never rewritten: every updater refuses when VIRTCKPT_CI=1.
unset VIRTCKPT_UPDATE_GOLDEN
export VIRTCKPT_CI=1

setup() {  # setup DIR [meson options...]
  local dir=$1; shift
  if [ -d "$dir" ]; then meson setup --reconfigure "$dir" "$@" >/dev/null; else meson setup "$dir" "$@" >/dev/null; fi
}

# no_new_shm LISTING: fails, naming them, if /dev/shm holds files that LISTING (a sorted `ls -A`
# of it) did not.
no_new_shm() {
  local new
  new=$(ls -A /dev/shm | sort | comm -13 "$1" -)
  if [ -n "$new" ]; then
    echo "FAIL: the test run left new files in /dev/shm:"
    echo "$new"
    return 1
  fi
}

run_tests() {  # run_tests DIR [meson test options...]
  local dir=$1 listing
  shift
  listing=$(mktemp)
  ls -A /dev/shm | sort >"$listing"
  meson test -C "$dir" --print-errorlogs --num-processes 2 "$@"
  python3 tests/check-no-skips.py "$dir"
  no_new_shm "$listing"
  rm -f "$listing"
}

echo "== clang-format"
mapfile -t sources < <(find src tests bench -name '*.[ch]pp' | sort)
clang-format --dry-run -Werror "${sources[@]}"

echo "== build and test"
setup build-ci
ninja -C build-ci
# virsh's results from this pass's differential tests, which the sanitizer pass compares with
# instead of running virsh again (the same virsh, the same scenarios, minutes apart).
export VCK_VIRSH_CACHE=$PWD/build-ci/virsh-results
rm -rf "$VCK_VIRSH_CACHE"
mkdir -p "$VCK_VIRSH_CACHE"
run_tests build-ci

echo "== build and test with -Db_sanitize=address,undefined"
# The long campaigns (kills, the damage matrix) ran above; the sanitizers run the fast tests.
setup build-ci-asan -Db_sanitize=address,undefined -Db_lundef=false -Dlong_tests=false
ninja -C build-ci-asan
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
  run_tests build-ci-asan --timeout-multiplier 3
