use super::*;

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

fn interpreter(vars: &[(&str, &str)], env: &[(&str, &str)]) -> Interpreter {
    let map = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    Interpreter {
        version: Some((3, 12)),
        vars: map(vars),
        env: map(env),
    }
}

const DEBIAN: &[(&str, &str)] = &[
    ("platform", "linux-x86_64"),
    ("CC", "x86_64-linux-gnu-gcc -pthread"),
    ("CXX", "x86_64-linux-gnu-g++ -pthread"),
    ("CFLAGS", "-Wsign-compare -O2 -Wall -Wstrict-prototypes"),
    ("CCSHARED", "-fPIC"),
    ("LDSHARED", "x86_64-linux-gnu-gcc -pthread -shared -Wl,-O1"),
    (
        "LDCXXSHARED",
        "x86_64-linux-gnu-g++ -pthread -shared -Wl,-O1",
    ),
];

#[test]
fn the_cxx_compiler_follows_the_c_compiler() {
    let cxx = |cc: &[&str]| cxx_for(&strings(cc)).join(" ");
    assert_eq!(cxx(&["gcc"]), "g++");
    assert_eq!(cxx(&["gcc-12"]), "g++-12");
    assert_eq!(cxx(&["/usr/bin/clang"]), "/usr/bin/clang++");
    assert_eq!(cxx(&["cc"]), "c++");
    assert_eq!(cxx(&["x86_64-linux-gnu-gcc"]), "x86_64-linux-gnu-g++");
    assert_eq!(cxx(&["clang-17"]), "clang++-17");
    assert_eq!(cxx(&["gcc", "-pthread"]), "g++ -pthread");
    assert_eq!(cxx(&["ccache", "gcc"]), "ccache g++");
    assert_eq!(
        cxx(&["/usr/bin/sccache", "clang"]),
        "/usr/bin/sccache clang++"
    );
    let toolchain = Toolchain::unix(&interpreter(&[("CC", "gcc -pthread")], &[]));
    assert_eq!(toolchain.cxx, strings(&["g++", "-pthread"]));
    assert_eq!(
        toolchain.ldcxxshared,
        strings(&["g++", "-pthread", "-shared"])
    );
}

#[test]
fn sysconfig_alone_gives_its_commands() {
    let toolchain = Toolchain::unix(&interpreter(DEBIAN, &[]));
    assert_eq!(toolchain.cc, strings(&["x86_64-linux-gnu-gcc", "-pthread"]));
    assert_eq!(
        toolchain.cflags,
        strings(&["-Wsign-compare", "-O2", "-Wall", "-Wstrict-prototypes"])
    );
    // C-only warnings stay away from C++.
    assert_eq!(
        toolchain.cxxflags,
        strings(&["-Wsign-compare", "-O2", "-Wall"])
    );
    assert_eq!(toolchain.ccshared, strings(&["-fPIC"]));
    assert_eq!(
        toolchain.ldshared.join(" "),
        "x86_64-linux-gnu-gcc -pthread -shared -Wl,-O1"
    );
    assert!(toolchain.run_env.is_empty());
}

#[test]
fn the_environment_overrides_and_extends_as_setuptools_does() {
    let env = [
        ("CC", "ccache clang"),
        ("CFLAGS", "-O0 -g"),
        ("CPPFLAGS", "-DTRACE=1"),
        ("LDFLAGS", "-L/opt/lib"),
    ];
    let toolchain = Toolchain::unix(&interpreter(DEBIAN, &env));
    assert_eq!(toolchain.cc, strings(&["ccache", "clang"]));
    assert_eq!(
        toolchain.cflags.join(" "),
        "-Wsign-compare -O2 -Wall -Wstrict-prototypes -O0 -g -DTRACE=1"
    );
    // A new CC links too: LDSHARED started with the old one.
    assert_eq!(
        toolchain.ldshared.join(" "),
        "ccache clang -shared -Wl,-O1 -L/opt/lib -O0 -g -DTRACE=1"
    );
    // CFLAGS is C's: C++ keeps sysconfig's flags, plus CPPFLAGS.
    assert_eq!(
        toolchain.cxxflags.join(" "),
        "-Wsign-compare -O2 -Wall -DTRACE=1"
    );
    assert_eq!(
        toolchain.cxx,
        strings(&["x86_64-linux-gnu-g++", "-pthread"])
    );

    let env = [
        ("CXX", "clang++"),
        ("CXXFLAGS", "-O1"),
        ("LDSHARED", "ld.lld -shared"),
    ];
    let toolchain = Toolchain::unix(&interpreter(DEBIAN, &env));
    assert_eq!(toolchain.cxxflags, strings(&["-O1"]));
    assert_eq!(toolchain.ldshared, strings(&["ld.lld", "-shared"]));
    assert_eq!(
        toolchain.ldcxxshared.join(" "),
        "clang++ -shared -Wl,-O1 -O1"
    );
    assert_eq!(toolchain.cc, strings(&["x86_64-linux-gnu-gcc", "-pthread"]));
}

#[test]
fn a_target_without_sysconfig_gets_its_systems_defaults() {
    // What a build-details.json gives: no compiler commands.
    let linux = Toolchain::unix(&interpreter(
        &[("platform", "linux-aarch64")],
        &[("CC", "aarch64-linux-gnu-gcc")],
    ));
    assert_eq!(linux.cc, strings(&["aarch64-linux-gnu-gcc"]));
    assert_eq!(linux.cxx, strings(&["aarch64-linux-gnu-g++"]));
    assert_eq!(linux.ccshared, strings(&["-fPIC"]));
    assert_eq!(
        linux.ldshared,
        strings(&["aarch64-linux-gnu-gcc", "-shared"])
    );
    let mac = Toolchain::unix(&interpreter(
        &[
            ("platform", "macosx-11.0-arm64"),
            ("MACOSX_DEPLOYMENT_TARGET", "11.0"),
        ],
        &[],
    ));
    assert_eq!(
        mac.ldshared,
        strings(&["cc", "-bundle", "-undefined", "dynamic_lookup"])
    );
    assert!(mac.ccshared.is_empty());
    assert_eq!(
        mac.run_env,
        [("MACOSX_DEPLOYMENT_TARGET".to_string(), "11.0".to_string())]
    );
}

#[test]
fn archflags_replace_every_arch_on_macos() {
    let vars = [
        ("platform", "macosx-10.13-universal2"),
        ("CC", "clang"),
        ("CFLAGS", "-arch arm64 -arch x86_64 -O3"),
        ("CCSHARED", ""),
        (
            "LDSHARED",
            "clang -bundle -undefined dynamic_lookup -arch arm64 -arch x86_64",
        ),
        ("MACOSX_DEPLOYMENT_TARGET", "10.13"),
    ];
    let env = [
        ("ARCHFLAGS", "-arch arm64"),
        ("MACOSX_DEPLOYMENT_TARGET", "12.0"),
    ];
    let toolchain = Toolchain::unix(&interpreter(&vars, &env));
    assert_eq!(toolchain.cflags, strings(&["-O3", "-arch", "arm64"]));
    assert_eq!(
        toolchain.ldshared.join(" "),
        "clang -bundle -undefined dynamic_lookup -arch arm64"
    );
    assert_eq!(
        toolchain.run_env,
        [("MACOSX_DEPLOYMENT_TARGET".to_string(), "12.0".to_string())]
    );
    assert!(toolchain.ccshared.is_empty());
    // ARCHFLAGS means nothing off macOS.
    let linux = Toolchain::unix(&interpreter(DEBIAN, &env));
    assert_eq!(linux, Toolchain::unix(&interpreter(DEBIAN, &[])));
}

#[test]
fn c_only_flags_stay_away_from_cxx() {
    assert!(is_c_only_flag("-Wstrict-prototypes"));
    assert!(is_c_only_flag("-std=c11"));
    assert!(!is_c_only_flag("-std=c++17"));
    assert!(!is_c_only_flag("-O3"));
}
