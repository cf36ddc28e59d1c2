//! The manylinux policies (PEP 513, 571, 599, 600) as auditwheel knows them: the libraries
//! a wheel may link against and the glibc each symbol version implies.
/// The libraries a manylinux wheel may link against (the policy's allowed set).
pub(super) const MANYLINUX_LIBS: &[&str] = &[
    "libgcc_s.so.1",
    "libstdc++.so.6",
    "libm.so.6",
    "libdl.so.2",
    "librt.so.1",
    "libc.so.6",
    "libnsl.so.1",
    "libutil.so.1",
    "libpthread.so.0",
    "libresolv.so.2",
    "libX11.so.6",
    "libXext.so.6",
    "libXrender.so.1",
    "libICE.so.6",
    "libSM.so.6",
    "libGL.so.1",
    "libgobject-2.0.so.0",
    "libgthread-2.0.so.0",
    "libglib-2.0.so.0",
    "libcrypt.so.1",
    "libexpat.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
    "ld-linux.so.2",
];

/// The oldest manylinux policy for an architecture: glibc 2.5 (manylinux1) on x86_64 and
/// i686, glibc 2.17 (manylinux2014) elsewhere.
pub fn manylinux_floor(arch: &str) -> u32 {
    match arch {
        "x86_64" | "i686" => 5,
        _ => 17,
    }
}

/// The glibc minors of the manylinux policies (PEP 513, 571, 599, 600) that auditwheel knows:
/// a binary needing glibc 2.14 is tagged for the next policy, manylinux_2_17, as auditwheel
/// tags it, not with a minor no build image targets.
const POLICY_GLIBC_MINORS: &[u32] = &[5, 12, 17, 24, 27, 28, 31, 34, 35, 36, 37, 38, 39, 40, 41];

/// The policy glibc minor at or above `minor` (or `minor` itself past the newest policy).
pub(super) fn policy_minor(minor: u32) -> u32 {
    POLICY_GLIBC_MINORS
        .iter()
        .copied()
        .find(|p| *p >= minor)
        .unwrap_or(minor)
}

/// The number after `prefix` in a symbol version (`GLIBCXX_3.4.` + `29` -> 29; `CXXABI_1.3`
/// alone -> 0).
fn version_number(version: &str, prefix: &str) -> Option<u32> {
    let rest = version.strip_prefix(prefix)?;
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    if rest.is_empty() {
        return Some(0);
    }
    rest.split('.').next()?.parse().ok()
}

/// The glibc minor that a symbol version of glibc, libstdc++ or libgcc_s implies: the oldest
/// manylinux policy whose distribution ships it (auditwheel's policy table); 99 for a
/// version newer than any policy; `None` for a version of another library.
pub(super) fn glibc_for_symbol_version(version: &str) -> Option<u32> {
    if let Some(minor) = version_number(version, "GLIBC_2") {
        return Some(minor);
    }
    if let Some(n) = version_number(version, "GLIBCXX_3.4") {
        return Some(match n {
            0..=8 => 5,
            9..=13 => 12,
            14..=19 => 17,
            20..=22 => 24,
            23..=24 => 27,
            25 => 28,
            26..=28 => 31,
            29 => 34,
            30 => 35,
            31..=33 => 39,
            _ => 99,
        });
    }
    match version {
        "CXXABI_TM_1" => return Some(17),
        "CXXABI_FLOAT128" => return Some(24),
        _ => {}
    }
    if let Some(n) = version_number(version, "CXXABI_1.3") {
        return Some(match n {
            0..=1 => 5,
            2..=3 => 12,
            4..=7 => 17,
            8..=10 => 24,
            11 => 27,
            12 => 31,
            13 => 34,
            14..=15 => 39,
            _ => 99,
        });
    }
    let gcc: Vec<u32> = version
        .strip_prefix("GCC_")?
        .split('.')
        .map(|part| part.parse().ok())
        .collect::<Option<_>>()?;
    Some(match gcc.as_slice() {
        [3, ..] | [4, 0..=2, ..] => 5,
        [4, 3, ..] => 12,
        [4, 4..=8, ..] => 17,
        [5..=7, ..] => 27,
        [8..=12, ..] => 35,
        [13..=14, ..] => 39,
        _ => 99,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn cxx_runtime_symbol_versions_imply_a_policy() {
        let of = glibc_for_symbol_version;
        assert_eq!(of("GLIBC_2.14"), Some(14));
        assert_eq!(of("GLIBC_2.2.5"), Some(2));
        assert_eq!(of("GLIBC_PRIVATE"), None);
        assert_eq!(of("GLIBCXX_3.4"), Some(5));
        assert_eq!(of("GLIBCXX_3.4.19"), Some(17));
        assert_eq!(of("GLIBCXX_3.4.21"), Some(24));
        assert_eq!(of("GLIBCXX_3.4.40"), Some(99));
        assert_eq!(of("CXXABI_1.3"), Some(5));
        assert_eq!(of("CXXABI_1.3.7"), Some(17));
        assert_eq!(of("CXXABI_1.3.9"), Some(24)); // ujson 6.1.0, as auditwheel says
        assert_eq!(of("CXXABI_1.3.13"), Some(34));
        assert_eq!(of("CXXABI_TM_1"), Some(17));
        assert_eq!(of("GCC_3.0"), Some(5));
        assert_eq!(of("GCC_4.8.0"), Some(17));
        assert_eq!(of("GCC_7.0.0"), Some(27));
        assert_eq!(of("libfoo_1.0"), None);
    }

    #[test]
    fn glibc_minors_round_up_to_a_policy() {
        assert_eq!(policy_minor(5), 5);
        assert_eq!(policy_minor(14), 17);
        assert_eq!(policy_minor(17), 17);
        assert_eq!(policy_minor(29), 31);
        assert_eq!(policy_minor(35), 35);
        assert_eq!(policy_minor(50), 50);
    }
}
