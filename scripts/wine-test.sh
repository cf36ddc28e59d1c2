#!/usr/bin/env bash
# Runs the Rust suite (unit and integration tests) built for Windows
# (x86_64-pc-windows-gnu, linked by mingw-w64) under Wine: archive paths from `\`-separated
# walks, case-insensitive module lookup, executable scripts and OS error texts are tested
# where they differ. Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-tools.sh
target=x86_64-pc-windows-gnu
rustup target list --installed | grep -qx "$target" || rustup target add "$target" >/dev/null
export WINEPREFIX="$PWD/target/wine-prefix" WINEDEBUG=-all
if [ ! -f "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ]; then
    # The first start of a prefix sets it up (and fails: there is nothing to run yet).
    wine cmd /c exit >/dev/null 2>&1 || true
    if [ ! -d "$WINEPREFIX/drive_c/windows/system32" ]; then
        echo "wine did not set up $WINEPREFIX (is /usr/bin/wine there? scripts/install-system-tools.sh installs it)" >&2
        exit 1
    fi
    x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
        scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32
fi
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
cargo test --quiet --target "$target" --lib --test integration "$@"
cargo test --quiet --target "$target" -p rustbackend-archive --lib "$@"
