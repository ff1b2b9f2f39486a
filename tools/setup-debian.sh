#!/bin/sh
# setup-debian.sh - install what building and testing rnnc needs on Debian/Ubuntu.
#
# Idempotent: when every package is already installed it does nothing (no apt at all).
# As root it runs apt-get update + apt-get install; otherwise it prints the command to run
# and exits 1.
set -eu

PACKAGES="build-essential cmake pkgconf python3 python3-numpy groff-base protobuf-c-compiler libprotobuf-c-dev libopenblas-dev libcmocka-dev clang libclang-rt-14-dev valgrind gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing="$missing $p"
    fi
done
missing=${missing# }

if [ -z "$missing" ]; then
    echo "setup-debian: all build dependencies are installed ($PACKAGES)"
    exit 0
fi

echo "setup-debian: missing packages: $missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "setup-debian: not root; run:" >&2
    echo "  sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends $missing'" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "setup-debian: apt-get update"
apt-get update
echo "setup-debian: apt-get install -y --no-install-recommends $missing"
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y --no-install-recommends $missing
echo "setup-debian: done"
