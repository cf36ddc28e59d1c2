#!/usr/bin/env bash
# Installs, from Debian's packages and only when missing, the system tools that the
# cross-platform tests use: Wine and mingw-w64 (the Rust suite for Windows, run under Wine),
# qemu-user (the aarch64 wheel, run under emulation), the aarch64 cross compiler (a C
# extension cross-built from a build-details.json) and shellcheck (which actionlint runs on
# the workflow's shell steps). Needs root (CI and this project's
# machines run as root); prints what it installs.
set -euo pipefail
# `wine` is the /usr/bin/wine launcher; wine64 alone leaves it out.
want=(wine wine64 gcc-mingw-w64-x86-64 qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross shellcheck)
missing=()
for package in "${want[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
