#!/usr/bin/env bash
# Builds the release artifacts that this Linux x86_64 machine can build:
#
#   bash scripts/release-build.sh OUTDIR [ARTIFACT ...]
#
# ARTIFACT is one of sdist, manylinux-x86_64, musllinux-x86_64, manylinux-aarch64 (all four
# when none is named), musllinux-aarch64 (built by the release workflow's aarch64 runner),
# and for the other architectures cibuildwheel builds on, where a project using rustbackend
# would find no Rust toolchain: manylinux-i686, manylinux-ppc64le, manylinux-s390x,
# manylinux-armv7l and musllinux-i686 (rustup here serves no standard library for armv7l,
# ppc64le or s390x with musl: no such musllinux wheels); a wheel's name with `-cp313t` or
# `-cp314t` appended (manylinux-x86_64-cp313t) is that platform's wheel for free-threaded
# CPython 3.13 or 3.14, which has no abi3. OUTDIR is relative to the caller's directory.
# The other wheels are abi3 (CPython >= 3.8). All are
# cross-linked with zig (the pinned `ziglang` package) against glibc 2.17 (manylinux2014) or
# musl 1.2. Every wheel is checked with `auditwheel show` (its tag must be the one it
# carries) before it goes into OUTDIR, and everything with `twine check --strict`; the
# script exits 1 on the first failure. macOS and Windows wheels are built on their own
# runners by .github/workflows/release.yml.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [sdist|manylinux-<arch>|musllinux-<arch>[-cp313t|-cp314t] ...]" >&2; exit 2; }
mkdir -p "$1"
OUTDIR=$(cd "$1" && pwd)
shift
cd "$(dirname "$0")/.."
ARTIFACTS=("$@")
[ ${#ARTIFACTS[@]} -gt 0 ] || ARTIFACTS=(sdist manylinux-x86_64 musllinux-x86_64 manylinux-aarch64)
source scripts/tools.sh
# maturin finds zig as `python -m ziglang` on PATH.
export PATH="$VENV/bin:$PATH"

# build_wheel RUST_TARGET COMPATIBILITY FILE_NAME_TAG AUDITWHEEL_TAG; with $interpreter set
# (python3.14t, or the path of a python3.13t), the wheel for that free-threaded CPython
# instead of the abi3 one: pyo3 has no abi3 there.
build_wheel() {
    local target=$1 compat=$2 tag=$3 audit_tag=$4 built args=()
    if [ -n "$interpreter" ]; then
        local version=${interpreter##*python3.}
        version=${version%t}
        tag="cp3$version-cp3${version}t-$tag"
        args=(-i "$interpreter")
    fi
    rustup target list --installed | grep -qx "$target" || rustup target add "$target" >/dev/null
    echo "== wheel for $tag ($target, zig)"
    local scratch
    scratch=$(mktemp -d)
    if ! maturin build --release --zig --target "$target" --compatibility "$compat" \
        "${args[@]}" --compression-level 9 -o "$scratch" >"$scratch/build.log" 2>&1; then
        cat "$scratch/build.log" >&2
        exit 1
    fi
    built=$(ls "$scratch"/rustbackend-*.whl)
    if [[ $target == *-musl* ]]; then
        built=$(musl_libc_soname "$built" "$scratch" "${target%%-*}")
    fi
    case "$(basename "$built")" in
        *"$tag"*) ;;
        *) echo "error: $(basename "$built") does not carry the tag $tag" >&2; exit 1 ;;
    esac
    check_tag "$built" "$audit_tag"
    mv "$built" "$OUTDIR/"
    rm -rf "$scratch"
}

# zig links musl's libc by the name libc.so; musllinux wheels (and auditwheel, which reads
# the libc from DT_NEEDED) expect the loader's own name, libc.musl-<arch>.so.1, which musl's
# loader also resolves to itself. Rewrites the entry with patchelf and repacks with `wheel
# pack`, which recomputes RECORD. Prints the new wheel's path.
musl_libc_soname() {
    local wheel=$1 scratch=$2 arch=$3 unpacked
    # Alpine's names for the architectures whose Rust name differs.
    case "$arch" in i686) arch=x86 ;; esac
    unpacked="$scratch/unpacked"
    "$VENV/bin/wheel" unpack -d "$unpacked" "$wheel" >/dev/null
    find "$unpacked" -name '*.so' -print0 | while IFS= read -r -d '' lib; do
        if "$VENV/bin/patchelf" --print-needed "$lib" | grep -qx libc.so; then
            "$VENV/bin/patchelf" --replace-needed libc.so "libc.musl-$arch.so.1" "$lib"
        fi
    done
    rm "$wheel"
    SOURCE_DATE_EPOCH=315532800 "$VENV/bin/wheel" pack -d "$scratch" "$unpacked"/rustbackend-* >/dev/null
    rm -rf "$unpacked"
    ls "$scratch"/rustbackend-*.whl
}

# check_tag WHEEL PLATFORM_TAG: auditwheel must find the wheel consistent with the tag.
check_tag() {
    local report
    report=$("$VENV/bin/auditwheel" show "$1" 2>&1) || { echo "$report" >&2; exit 1; }
    if ! tr -s ' \n' ' ' <<<"$report" | grep -q "platform tag: \"$2\""; then
        echo "error: auditwheel does not find $(basename "$1") consistent with $2:" >&2
        echo "$report" >&2
        exit 1
    fi
}

for artifact in "${ARTIFACTS[@]}"; do
    # `<platform>-<arch>-cp313t`: the same wheel for one free-threaded CPython.
    interpreter=""
    if [[ $artifact =~ ^(.*)-cp3([0-9]+)t$ ]]; then
        artifact=${BASH_REMATCH[1]}
        interpreter="python3.${BASH_REMATCH[2]}t"
        # maturin knows the sysconfig of 3.14t and later; 3.13t's comes from the interpreter
        # itself: $RUSTBACKEND_PYTHON_313T (the release workflow's setup-python), or one built
        # once into a cache.
        if [ "${BASH_REMATCH[2]}" = 13 ]; then
            interpreter=${RUSTBACKEND_PYTHON_313T:-$(bash scripts/free-threaded-python.sh 3.13)}
        fi
    fi
    case "$artifact" in
        sdist)
            echo "== sdist"
            rm -f "$OUTDIR"/rustbackend-*.tar.gz
            log=$(mktemp)
            maturin sdist -o "$OUTDIR" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
            rm -f "$log" ;;
        manylinux-x86_64)
            build_wheel x86_64-unknown-linux-gnu manylinux2014 manylinux2014_x86_64.manylinux_2_17_x86_64 manylinux_2_17_x86_64 ;;
        musllinux-x86_64)
            build_wheel x86_64-unknown-linux-musl musllinux_1_2 musllinux_1_2_x86_64 musllinux_1_2_x86_64 ;;
        manylinux-aarch64)
            build_wheel aarch64-unknown-linux-gnu manylinux2014 manylinux2014_aarch64.manylinux_2_17_aarch64 manylinux_2_17_aarch64 ;;
        musllinux-aarch64)
            build_wheel aarch64-unknown-linux-musl musllinux_1_2 musllinux_1_2_aarch64 musllinux_1_2_aarch64 ;;
        manylinux-i686)
            build_wheel i686-unknown-linux-gnu manylinux2014 manylinux2014_i686.manylinux_2_17_i686 manylinux_2_17_i686 ;;
        manylinux-ppc64le)
            # zig's glibc for ppc64le starts at 2.19: the next policy auditwheel knows is 2_28
            # (cibuildwheel's default image for ppc64le).
            build_wheel powerpc64le-unknown-linux-gnu manylinux_2_28 manylinux_2_28_ppc64le manylinux_2_28_ppc64le ;;
        manylinux-s390x)
            build_wheel s390x-unknown-linux-gnu manylinux2014 manylinux2014_s390x.manylinux_2_17_s390x manylinux_2_17_s390x ;;
        manylinux-armv7l)
            build_wheel armv7-unknown-linux-gnueabihf manylinux2014 manylinux2014_armv7l.manylinux_2_17_armv7l manylinux_2_17_armv7l ;;
        musllinux-i686)
            build_wheel i686-unknown-linux-musl musllinux_1_2 musllinux_1_2_i686 musllinux_1_2_i686 ;;
        *) echo "error: unknown artifact $artifact" >&2; exit 2 ;;
    esac
done
"$VENV/bin/twine" check --strict "$OUTDIR"/rustbackend-* >/dev/null
ls -l "$OUTDIR"
