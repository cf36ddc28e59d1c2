#!/usr/bin/env bash
# Unpacks Debian's CPython for aarch64 (with the libraries it and rustbackend's native module
# load) into ROOT, for running under qemu-user:
#
#   bash scripts/aarch64-python.sh ROOT
#   qemu-aarch64 -L ROOT ROOT/usr/bin/python3 ...
#
# The arm64 package lists go into ROOT's own apt state, so the machine's apt setup is not
# changed. Exits 3 when this machine cannot do it (no apt or no qemu-aarch64).
set -euo pipefail
root=$1
command -v apt-get >/dev/null && command -v qemu-aarch64 >/dev/null || {
    echo "needs apt-get and qemu-aarch64 (Debian's qemu-user)" >&2; exit 3; }
state="$root.apt"
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$root"
apt=(apt-get -qq -o APT::Architecture=arm64 -o APT::Architectures=arm64
     -o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache"
     -o Dir::State::Status=/dev/null -o APT::Sandbox::User=root)
"${apt[@]}" update
packages=(libc6 libgcc-s1 zlib1g libexpat1 libcrypt1 libffi8
          python3.11-minimal libpython3.11-minimal libpython3.11-stdlib)
(cd "$state/cache" && "${apt[@]}" download "${packages[@]}")
for deb in "$state"/cache/*.deb; do
    dpkg-deb -x "$deb" "$root"
done
ln -sf python3.11 "$root/usr/bin/python3"
qemu-aarch64 -L "$root" "$root/usr/bin/python3" -c "import platform; print(platform.machine())"
