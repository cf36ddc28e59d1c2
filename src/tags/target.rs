//! The system a build is for, read from the interpreter's platform string
//! (`sysconfig.get_platform()`, or `platform` in a PEP 739 build-details.json): never from
//! the machine the build runs on, so that a cross build and a simulated target (iOS, Android,
//! Pyodide under cibuildwheel) compile and tag for the target.

/// The operating system family the extension modules are built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetOs {
    /// Linux (glibc or musl).
    Linux,
    /// macOS.
    Macos,
    /// Windows with the MSVC toolchain (python.org's CPython).
    Windows,
    /// Windows with a MinGW (GCC) CPython, such as MSYS2's: Unix-style compilers, `.pyd`.
    MinGw,
    /// iOS (PEP 730).
    Ios,
    /// Android (PEP 738).
    Android,
    /// Emscripten / Pyodide (WebAssembly).
    Emscripten,
    /// Anything else (FreeBSD, ...): Unix-style compilers, tags from the binaries.
    OtherUnix,
}

impl TargetOs {
    /// The system a platform string names: `linux-x86_64`, `macosx-11.0-arm64`, `win-amd64`,
    /// `win32`, `mingw_x86_64`, `ios-13.0-arm64-iphoneos`, `android-24-arm64_v8a`,
    /// `emscripten-3.1.58-wasm32`, `pyodide-2025.0-wasm32`. An empty string (no facts) is the
    /// system rustbackend itself runs on.
    pub fn of(platform: &str) -> TargetOs {
        let platform = platform.to_ascii_lowercase();
        let first = platform.split(['-', '_']).next().unwrap_or_default();
        match first {
            "" => Self::host(),
            "linux" => TargetOs::Linux,
            "macosx" | "darwin" => TargetOs::Macos,
            "win" | "win32" => TargetOs::Windows,
            "mingw" => TargetOs::MinGw,
            "ios" => TargetOs::Ios,
            "android" => TargetOs::Android,
            "emscripten" | "pyodide" | "wasi" => TargetOs::Emscripten,
            _ => TargetOs::OtherUnix,
        }
    }

    /// The system rustbackend runs on.
    pub fn host() -> TargetOs {
        if cfg!(windows) {
            TargetOs::Windows
        } else if cfg!(target_os = "macos") {
            TargetOs::Macos
        } else if cfg!(target_os = "linux") {
            TargetOs::Linux
        } else {
            TargetOs::OtherUnix
        }
    }

    /// Whether extension modules are `.pyd` files (Windows, MSVC or MinGW).
    pub fn is_windows(self) -> bool {
        matches!(self, TargetOs::Windows | TargetOs::MinGw)
    }

    /// Whether Apple's linker builds the modules (macOS, iOS): `-bundle -undefined
    /// dynamic_lookup` and deployment targets.
    pub fn is_apple(self) -> bool {
        matches!(self, TargetOs::Macos | TargetOs::Ios)
    }
}

/// Whether binaries tagged `tag` (a platform tag such as `manylinux_2_17_aarch64`) run on
/// the system a platform string names (`linux-aarch64`): the same system and architecture
/// (any architecture for a universal2 macOS interpreter).
pub fn fits(platform: &str, tag: &str) -> bool {
    let arch = platform.rsplit('-').next().unwrap_or_default();
    let arch_fits = |tag_arch: &str| match arch {
        "universal2" => true,
        arch => tag_arch.ends_with(arch),
    };
    match TargetOs::of(platform) {
        TargetOs::Linux => tag.contains("linux_") && arch_fits(tag),
        TargetOs::Macos => tag.starts_with("macosx_") && arch_fits(tag),
        TargetOs::Windows => tag.starts_with("win") && (platform == tag || arch_fits(tag)),
        TargetOs::Ios => tag.starts_with("ios_") && arch_fits(tag),
        TargetOs::Android => tag.starts_with("android_") && arch_fits(tag),
        TargetOs::MinGw | TargetOs::Emscripten | TargetOs::OtherUnix => true,
    }
}

/// The platform tag a WebAssembly module gets: it carries no platform facts of its own, so
/// the tag comes from the interpreter's platform (`emscripten-3.1.58-wasm32` →
/// `emscripten_3_1_58_wasm32`, `pyodide-2025.0-wasm32` → `pyodide_2025_0_wasm32`, PEP 783);
/// `None` when the interpreter is not a WebAssembly one.
pub fn wasm_platform_tag(platform: &str) -> Option<String> {
    (TargetOs::of(platform) == TargetOs::Emscripten && platform.ends_with("wasm32"))
        .then(|| platform.replace(['-', '.'], "_").to_ascii_lowercase())
}

/// The Android API level and ABI of an Android platform string (`android-24-arm64_v8a` →
/// `(24, "arm64_v8a")`), for binaries without an API level note.
pub fn android_platform(platform: &str) -> Option<(u32, String)> {
    let rest = platform.strip_prefix("android-")?;
    let (api, abi) = rest.split_once('-')?;
    Some((api.parse().ok()?, abi.replace('-', "_")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_strings_name_their_system() {
        assert_eq!(TargetOs::of("linux-x86_64"), TargetOs::Linux);
        assert_eq!(TargetOs::of("linux-aarch64"), TargetOs::Linux);
        assert_eq!(TargetOs::of("macosx-11.0-arm64"), TargetOs::Macos);
        assert_eq!(TargetOs::of("macosx-10.13-universal2"), TargetOs::Macos);
        assert_eq!(TargetOs::of("win-amd64"), TargetOs::Windows);
        assert_eq!(TargetOs::of("win32"), TargetOs::Windows);
        assert_eq!(TargetOs::of("win-arm64"), TargetOs::Windows);
        assert_eq!(TargetOs::of("mingw_x86_64_ucrt_gnu"), TargetOs::MinGw);
        assert_eq!(TargetOs::of("ios-13.0-arm64-iphoneos"), TargetOs::Ios);
        assert_eq!(TargetOs::of("android-24-arm64_v8a"), TargetOs::Android);
        assert_eq!(
            TargetOs::of("emscripten-3.1.58-wasm32"),
            TargetOs::Emscripten
        );
        assert_eq!(
            TargetOs::of("freebsd-14.1-RELEASE-amd64"),
            TargetOs::OtherUnix
        );
        assert_eq!(TargetOs::of(""), TargetOs::host());
    }

    #[test]
    fn binaries_fit_their_platform() {
        assert!(fits("linux-aarch64", "manylinux_2_17_aarch64"));
        assert!(fits("linux-x86_64", "musllinux_1_2_x86_64"));
        assert!(!fits("linux-aarch64", "manylinux_2_17_x86_64"));
        assert!(!fits("linux-x86_64", "macosx_11_0_x86_64"));
        assert!(fits("macosx-11.0-arm64", "macosx_11_0_arm64"));
        assert!(!fits("macosx-11.0-arm64", "macosx_11_0_x86_64"));
        assert!(fits("macosx-10.13-universal2", "macosx_11_0_arm64"));
        assert!(fits("win-amd64", "win_amd64"));
        assert!(fits("win32", "win32"));
        assert!(!fits("win-arm64", "win_amd64"));
        assert!(fits(
            "ios-13.0-arm64-iphonesimulator",
            "ios_13_0_arm64_iphonesimulator"
        ));
        assert!(!fits(
            "ios-13.0-arm64-iphoneos",
            "ios_13_0_arm64_iphonesimulator"
        ));
        assert!(fits("android-24-arm64_v8a", "android_24_arm64_v8a"));
    }

    #[test]
    fn wasm_and_android_tags_come_from_the_platform() {
        assert_eq!(
            wasm_platform_tag("emscripten-3.1.58-wasm32").as_deref(),
            Some("emscripten_3_1_58_wasm32")
        );
        assert_eq!(
            wasm_platform_tag("pyodide-2025.0-wasm32").as_deref(),
            Some("pyodide_2025_0_wasm32")
        );
        assert_eq!(wasm_platform_tag("linux-x86_64"), None);
        assert_eq!(
            android_platform("android-24-arm64_v8a"),
            Some((24, "arm64_v8a".to_string()))
        );
        assert_eq!(android_platform("linux-x86_64"), None);
    }
}
