//! `License ::` trove classifiers next to an SPDX `project.license` expression. PEP 639
//! deprecates them there (a build tool "MAY raise an error"); PyPI still accepts them, and
//! popular projects keep them for older tools. So a classifier that says what the expression
//! says is only warned about, and one that names a different license is refused: the
//! metadata would contradict itself.

/// Each license classifier that names a license (or a family of versions of one), with the
/// SPDX identifiers, or identifier prefixes ending in `-`, that say the same. Classifiers not
/// listed (`License :: OSI Approved`, `License :: Public Domain`, `License :: Freeware`, ...)
/// name no particular license, so they can not contradict an expression.
const NAMED: &[(&str, &[&str])] = &[
    ("Aladdin Free Public License (AFPL)", &["Aladdin"]),
    (
        "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication",
        &["CC0-1.0"],
    ),
    (
        "CeCILL-B Free Software License Agreement (CECILL-B)",
        &["CECILL-B"],
    ),
    (
        "CeCILL-C Free Software License Agreement (CECILL-C)",
        &["CECILL-C"],
    ),
    ("Eiffel Forum License (EFL)", &["EFL-"]),
    ("Netscape Public License (NPL)", &["NPL-"]),
    ("Nokia Open Source License (NOKOS)", &["Nokia"]),
    ("OSI Approved :: Academic Free License (AFL)", &["AFL-"]),
    ("OSI Approved :: Apache Software License", &["Apache-"]),
    ("OSI Approved :: Apple Public Source License", &["APSL-"]),
    (
        "OSI Approved :: Artistic License",
        &["Artistic-", "ClArtistic"],
    ),
    ("OSI Approved :: Attribution Assurance License", &["AAL"]),
    ("OSI Approved :: BSD License", &["BSD-", "0BSD"]),
    (
        "OSI Approved :: Blue Oak Model License (BlueOak-1.0.0)",
        &["BlueOak-1.0.0"],
    ),
    (
        "OSI Approved :: Boost Software License 1.0 (BSL-1.0)",
        &["BSL-1.0"],
    ),
    (
        "OSI Approved :: CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)",
        &["CECILL-2.1"],
    ),
    ("OSI Approved :: CMU License (MIT-CMU)", &["MIT-CMU"]),
    (
        "OSI Approved :: Common Development and Distribution License 1.0 (CDDL-1.0)",
        &["CDDL-1.0"],
    ),
    ("OSI Approved :: Common Public License", &["CPL-1.0"]),
    (
        "OSI Approved :: Eclipse Public License 1.0 (EPL-1.0)",
        &["EPL-1.0"],
    ),
    (
        "OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)",
        &["EPL-2.0"],
    ),
    (
        "OSI Approved :: Educational Community License, Version 2.0 (ECL-2.0)",
        &["ECL-2.0"],
    ),
    ("OSI Approved :: Eiffel Forum License", &["EFL-"]),
    (
        "OSI Approved :: European Union Public Licence 1.0 (EUPL 1.0)",
        &["EUPL-1.0"],
    ),
    (
        "OSI Approved :: European Union Public Licence 1.1 (EUPL 1.1)",
        &["EUPL-1.1"],
    ),
    (
        "OSI Approved :: European Union Public Licence 1.2 (EUPL 1.2)",
        &["EUPL-1.2"],
    ),
    (
        "OSI Approved :: GNU Affero General Public License v3",
        &["AGPL-3.0"],
    ),
    (
        "OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)",
        &["AGPL-3.0"],
    ),
    (
        "OSI Approved :: GNU Free Documentation License (FDL)",
        &["GFDL-"],
    ),
    (
        "OSI Approved :: GNU General Public License (GPL)",
        &["GPL-"],
    ),
    (
        "OSI Approved :: GNU General Public License v2 (GPLv2)",
        &["GPL-2.0"],
    ),
    (
        "OSI Approved :: GNU General Public License v2 or later (GPLv2+)",
        &["GPL-2.0", "GPL-3.0"],
    ),
    (
        "OSI Approved :: GNU General Public License v3 (GPLv3)",
        &["GPL-3.0"],
    ),
    (
        "OSI Approved :: GNU General Public License v3 or later (GPLv3+)",
        &["GPL-3.0"],
    ),
    (
        "OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)",
        &["LGPL-2.0", "LGPL-2.1"],
    ),
    (
        "OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)",
        &["LGPL-2.0", "LGPL-2.1", "LGPL-3.0"],
    ),
    (
        "OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
        &["LGPL-3.0"],
    ),
    (
        "OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)",
        &["LGPL-3.0"],
    ),
    (
        "OSI Approved :: GNU Library or Lesser General Public License (LGPL)",
        &["LGPL-"],
    ),
    (
        "OSI Approved :: Historical Permission Notice and Disclaimer (HPND)",
        &["HPND"],
    ),
    ("OSI Approved :: IBM Public License", &["IPL-1.0"]),
    ("OSI Approved :: ISC License (ISCL)", &["ISC"]),
    ("OSI Approved :: MIT License", &["MIT"]),
    (
        "OSI Approved :: MIT No Attribution License (MIT-0)",
        &["MIT-0"],
    ),
    ("OSI Approved :: MirOS License (MirOS)", &["MirOS"]),
    ("OSI Approved :: Motosoto License", &["Motosoto"]),
    (
        "OSI Approved :: Mozilla Public License 1.0 (MPL)",
        &["MPL-1.0"],
    ),
    (
        "OSI Approved :: Mozilla Public License 1.1 (MPL 1.1)",
        &["MPL-1.1"],
    ),
    (
        "OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)",
        &["MPL-2.0"],
    ),
    (
        "OSI Approved :: Mulan Permissive Software License v2 (MulanPSL-2.0)",
        &["MulanPSL-2.0"],
    ),
    (
        "OSI Approved :: NASA Open Source Agreement v1.3 (NASA-1.3)",
        &["NASA-1.3"],
    ),
    ("OSI Approved :: Nethack General Public License", &["NGPL"]),
    ("OSI Approved :: Nokia Open Source License", &["Nokia"]),
    ("OSI Approved :: Open Group Test Suite License", &["OGTSL"]),
    (
        "OSI Approved :: Open Software License 3.0 (OSL-3.0)",
        &["OSL-3.0"],
    ),
    ("OSI Approved :: PostgreSQL License", &["PostgreSQL"]),
    (
        "OSI Approved :: Python License (CNRI Python License)",
        &["CNRI-Python"],
    ),
    (
        "OSI Approved :: Python Software Foundation License",
        &["PSF-2.0", "Python-2.0"],
    ),
    ("OSI Approved :: Qt Public License (QPL)", &["QPL-"]),
    (
        "OSI Approved :: Ricoh Source Code Public License",
        &["RSCPL"],
    ),
    (
        "OSI Approved :: SIL Open Font License 1.1 (OFL-1.1)",
        &["OFL-1.1"],
    ),
    ("OSI Approved :: Sleepycat License", &["Sleepycat"]),
    ("OSI Approved :: Sun Public License", &["SPL-1.0"]),
    ("OSI Approved :: The Unlicense (Unlicense)", &["Unlicense"]),
    (
        "OSI Approved :: Universal Permissive License (UPL)",
        &["UPL-1.0"],
    ),
    (
        "OSI Approved :: University of Illinois/NCSA Open Source License",
        &["NCSA"],
    ),
    ("OSI Approved :: Vovida Software License 1.0", &["VSL-1.0"]),
    ("OSI Approved :: W3C License", &["W3C"]),
    ("OSI Approved :: Zero-Clause BSD (0BSD)", &["0BSD"]),
    ("OSI Approved :: Zope Public License", &["ZPL-"]),
    (
        "OSI Approved :: zlib/libpng License",
        &["Zlib", "zlib-acknowledgement"],
    ),
];

/// Whether a trove classifier is a license classifier.
pub fn is_license_classifier(classifier: &str) -> bool {
    classifier.starts_with("License ::")
}

/// How a license classifier stands to a license expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fit {
    /// It names one of the expression's licenses, or no particular license: deprecated, kept.
    Agrees,
    /// It names a license the expression does not hold; the identifiers it would stand for.
    Contradicts(&'static [&'static str]),
}

/// The SPDX license identifiers in a (valid, normalized) expression, without `+`.
fn identifiers(expression: &str) -> Vec<String> {
    expression
        .split(|c: char| c == '(' || c == ')' || c.is_whitespace())
        .filter(|word| !word.is_empty() && !matches!(*word, "AND" | "OR" | "WITH"))
        .map(|word| word.trim_end_matches('+').to_string())
        .collect()
}

/// How `classifier` (a `License ::` classifier) stands to the SPDX `expression`.
pub fn fit(classifier: &str, expression: &str) -> Fit {
    let name = classifier.trim_start_matches("License ::").trim();
    let Some((_, spdx)) = NAMED.iter().find(|(named, _)| *named == name) else {
        return Fit::Agrees;
    };
    let ids = identifiers(expression);
    let matches = |id: &str| {
        spdx.iter().any(|want| match want.strip_suffix('-') {
            Some(prefix) => id.starts_with(prefix) && id[prefix.len()..].starts_with('-'),
            None => id == *want || id.starts_with(&format!("{want}-")),
        })
    };
    if ids.iter().any(|id| matches(id)) {
        Fit::Agrees
    } else {
        Fit::Contradicts(spdx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIT: &str = "License :: OSI Approved :: MIT License";
    const BSD: &str = "License :: OSI Approved :: BSD License";
    const GPL3: &str = "License :: OSI Approved :: GNU General Public License v3 (GPLv3)";

    #[test]
    fn classifiers_that_say_what_the_expression_says_agree() {
        assert_eq!(fit(MIT, "MIT"), Fit::Agrees);
        assert_eq!(fit(MIT, "MIT OR Apache-2.0"), Fit::Agrees);
        assert_eq!(fit(BSD, "BSD-3-Clause"), Fit::Agrees);
        assert_eq!(fit(BSD, "0BSD"), Fit::Agrees);
        assert_eq!(fit(GPL3, "GPL-3.0-or-later"), Fit::Agrees);
        assert_eq!(fit(GPL3, "GPL-3.0+"), Fit::Agrees);
        assert_eq!(
            fit(
                "License :: OSI Approved :: Apache Software License",
                "(MIT AND Apache-2.0 WITH LLVM-exception)"
            ),
            Fit::Agrees
        );
        // No particular license: nothing to contradict.
        assert_eq!(fit("License :: OSI Approved", "MIT"), Fit::Agrees);
        assert_eq!(
            fit(
                "License :: Other/Proprietary License",
                "LicenseRef-Proprietary"
            ),
            Fit::Agrees
        );
    }

    #[test]
    fn classifiers_that_name_another_license_contradict() {
        assert_eq!(fit(MIT, "Apache-2.0"), Fit::Contradicts(&["MIT"]));
        assert_eq!(fit(GPL3, "GPL-2.0-only"), Fit::Contradicts(&["GPL-3.0"]));
        assert!(matches!(fit(BSD, "MIT"), Fit::Contradicts(_)));
        // A family prefix is a whole word: LGPL is not GPL, MIT-0 is not MIT-CMU.
        assert!(matches!(
            fit(
                "License :: OSI Approved :: GNU General Public License (GPL)",
                "LGPL-2.1-only"
            ),
            Fit::Contradicts(_)
        ));
        assert!(matches!(
            fit("License :: OSI Approved :: CMU License (MIT-CMU)", "MIT-0"),
            Fit::Contradicts(_)
        ));
    }

    #[test]
    fn every_named_classifier_is_a_known_license_classifier() {
        for (name, _) in NAMED {
            let classifier = format!("License :: {name}");
            assert!(
                crate::plan::classifiers::check(&classifier).is_ok(),
                "{classifier}"
            );
        }
    }
}
