#!/usr/bin/env bash
# Installs what virtckpt needs to build and test on Debian 12 (run as root).
set -euo pipefail
packages=(meson ninja-build pkg-config g++ libxml2-dev libxml2-utils libboost-filesystem-dev
          catch2 qemu-utils libnbd-bin libvirt-clients faketime clang-format time strace bash-completion)
packages+=(python3-jsonschema)  # tests/json: the --json schema checks
packages+=(libvirt0)  # libvirt's RelaxNG schemas, which virt-xml-validate validates against
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
