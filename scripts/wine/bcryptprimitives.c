/* ProcessPrng for Wine 8 (Debian 12), which lacks bcryptprimitives.dll: Rust's standard
 * library takes its random numbers from there since Rust 1.78, so without it no Rust program
 * for Windows starts under that Wine. Built by scripts/wine-test.sh with mingw-w64 into the
 * test's Wine prefix; it forwards to RtlGenRandom, which Wine has. */
#include <windows.h>
#include <ntsecapi.h>
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk; len -= chunk;
    }
    return TRUE;
}
