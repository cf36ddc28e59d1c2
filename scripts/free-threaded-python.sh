#!/usr/bin/env bash
# Builds a free-threaded CPython (configure --disable-gil) from Debian's source package, once,
# into a cache outside the clone, and prints the interpreter's path:
#
#   python=$(bash scripts/free-threaded-python.sh 3.13)    # 3.13 from trixie; 3.14, 3.15 from sid
#
# The cache is $RUSTBACKEND_CACHE (default ~/.cache/rustbackend); a finished build is reused
# by every later run, on this machine and in CI on it. The source list lives in the cache's
# own apt state, so the machine's apt setup is not changed. The build takes about 8 minutes on
# two cores; its log is kept beside it. Exits 3 when this machine cannot do it (no apt-get).
set -euo pipefail
series=${1:-3.13}
case "$series" in
    3.13) suite=trixie ;;
    *) suite=sid ;;
esac
cache=${RUSTBACKEND_CACHE:-$HOME/.cache/rustbackend}
prefix="$cache/python${series}t"
python="$prefix/bin/python${series}t"
if [ -f "$prefix/.complete" ] && [ -x "$python" ]; then
    echo "$python"
    exit 0
fi
command -v apt-get >/dev/null || { echo "needs apt-get (Debian's source packages)" >&2; exit 3; }

# What CPython's build needs for the modules pip and the tests use (zlib, ssl, ctypes, lzma,
# bz2), installed from Debian only when missing.
want=(gcc make xz-utils pkg-config zlib1g-dev libssl-dev libffi-dev libbz2-dev liblzma-dev)
missing=()
for package in "${want[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]} (Debian packages)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The mirror the system's apt already uses, with a deb-src line for the suite that has it.
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-$(sed -n 's/^deb \(http[^ ]*debian\) .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)}
mirror=${mirror:-http://deb.debian.org/debian}
state="$cache/apt"
work="$cache/build-python${series}t"
rm -rf "$work" "$prefix"
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$work"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" > "$state/sources.list"
apt=(apt-get -qq -o Dir::Etc::SourceList="$state/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache" -o APT::Sandbox::User=root)
"${apt[@]}" update
(cd "$work" && "${apt[@]}" source --download-only "python$series" >/dev/null)
tar -xJf "$work"/python"$series"_*.orig.tar.xz -C "$work"
src=$(find "$work" -maxdepth 1 -type d -name 'Python-*' | head -1)
echo "== building free-threaded CPython from $(basename "$src") into $prefix (log: $work/build.log)" >&2
(
    cd "$src"
    ./configure --disable-gil --prefix="$prefix" --with-ensurepip=install --disable-test-modules
    make -j"$(nproc)"
    make install
) > "$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
"$python" -c "import sysconfig, sys; assert sysconfig.get_config_var('Py_GIL_DISABLED') == 1; assert not sys._is_gil_enabled()"
touch "$prefix/.complete"
rm -rf "$src"
echo "$python"
