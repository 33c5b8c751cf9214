#!/usr/bin/env bash
# store_scale.sh - scale benchmark of the file store (issue 3): virtckpt against
# virsh's test driver on a 10,000-checkpoint chain plus a 1,000-checkpoint bushy tree.
#
# Usage: bench/store_scale.sh [--quick] [--chain N] [--bushy M] [--reps R]
#                             [--growth N1,N2,...] [--virsh-timeout S] [--no-virsh]
#                             [--virtckpt PATH] [--workdir DIR] [--keep] [--json FILE]
# Run with --help for details. Needs python3, virsh (libvirt-clients) unless --no-virsh,
# and /usr/bin/time (package 'time').
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ -x /usr/bin/time ] || { echo "store_scale.sh: /usr/bin/time missing (apt-get install -y time)" >&2; exit 2; }
exec python3 "$here/store_scale.py" --default-virtckpt "$here/../build/src/virtckpt" "$@"
