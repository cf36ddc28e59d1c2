#!/usr/bin/env bash
# Unpacks Debian's CPython for another architecture (with the libraries it and rustbackend's
# native module load, and its C headers for cross builds) into ROOT, for running under
# qemu-user:
#
#   bash scripts/foreign-python.sh ARCH ROOT      # ARCH: arm64, armhf, i386, ppc64el, s390x
#   qemu-<cpu> -L ROOT ROOT/usr/bin/python3 ...   # the script prints the qemu command's name
#
# The architecture's package lists go into ROOT's own apt state, so the machine's apt setup is
# not changed. Exits 3 when this machine cannot do it (no apt or no qemu-user for ARCH).
set -euo pipefail
arch=$1 root=$2
case "$arch" in
    arm64) qemu=qemu-aarch64 ;;
    armhf) qemu=qemu-arm ;;
    i386) qemu=qemu-i386 ;;
    ppc64el) qemu=qemu-ppc64le ;;
    s390x) qemu=qemu-s390x ;;
    *) echo "unknown architecture $arch (arm64, armhf, i386, ppc64el, s390x)" >&2; exit 2 ;;
esac
command -v apt-get >/dev/null && command -v "$qemu" >/dev/null || {
    echo "needs apt-get and $qemu (Debian's qemu-user)" >&2; exit 3; }
state="$root.apt"
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$root"
# Only bookworm's main suite, from the mirror the system's apt uses: the security suite's
# indexes for other architectures are sometimes caught mid-sync.
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror:-http://deb.debian.org/debian} bookworm main" \
    > "$state/sources.list"
apt=(apt-get -qq -o APT::Architecture="$arch" -o APT::Architectures="$arch"
     -o Dir::Etc::SourceList="$state/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache"
     -o Dir::State::Status=/dev/null -o APT::Sandbox::User=root)
"${apt[@]}" update
packages=(libc6 libgcc-s1 zlib1g libexpat1 libcrypt1 libffi8
          python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libpython3.11-dev)
(cd "$state/cache" && "${apt[@]}" download "${packages[@]}")
for deb in "$state"/cache/*.deb; do
    dpkg-deb -x "$deb" "$root"
done
# Absolute links (ppc64el's /lib64/ld64.so.2) would point out of ROOT: make them relative.
find "$root" -type l -lname '/*' | while IFS= read -r link; do
    ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$root$(readlink "$link")")" "$link"
done
ln -sf python3.11 "$root/usr/bin/python3"
"$qemu" -L "$root" "$root/usr/bin/python3" -c "import platform; print(platform.machine())" >&2
echo "$qemu"
