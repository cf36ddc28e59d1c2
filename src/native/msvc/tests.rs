use std::path::PathBuf;

use super::*;
use crate::native::compile::{compile_command, link_command};
use crate::native::toolchain::command_line;
use crate::native::Unit;

fn module(limited: Option<u32>) -> ExtModule {
    ExtModule {
        name: "pkg._speedups".into(),
        sources: vec!["src/pkg/_speedups.c".into()],
        include_dirs: vec!["include".into()],
        define_macros: vec![("FAST".into(), Some("1".into()))],
        libraries: vec!["ws2_32".into()],
        py_limited_api: limited.map(|minor| (3, minor)),
        cython_cxx: false,
        extra_compile_args: Vec::new(),
        extra_link_args: Vec::new(),
        cython_directives: Vec::new(),
    }
}

/// A python.org CPython 3.13 for Windows, as its facts name it: the prefix holds `include`
/// and `libs` (this layout, faked, is all a build reads of it).
fn windows(threaded: bool, env: &[(&str, &str)]) -> Interpreter {
    let t = if threaded { "t" } else { "" };
    let vars = [
        ("platform", "win-amd64".to_string()),
        ("version", "3.13".to_string()),
        ("installed_base", r"C:\Python313".to_string()),
        ("include", r"C:\Python313\Include".to_string()),
        ("EXT_SUFFIX", format!(".cp313{t}-win_amd64.pyd")),
        ("Py_GIL_DISABLED", (threaded as u8).to_string()),
    ];
    Interpreter {
        version: Some((3, 13)),
        vars: vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        env: env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn words(command: &std::process::Command) -> String {
    command_line(command).replace('\\', "/")
}

#[test]
fn without_msvc_the_error_says_what_to_install() {
    if cfg!(windows) {
        return; // a Windows machine may have Visual Studio
    }
    let error = Toolchain::for_target(&windows(false, &[]), "the extension module `m`")
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("no MSVC compiler found to build the extension module `m`: install Visual Studio's \"Desktop development with C++\" workload"),
        "{error}"
    );
    assert!(error.contains("CC=clang-cl"), "{error}");
}

#[test]
fn compile_and_link_commands_are_msvcs() {
    let interpreter = windows(false, &[("CC", "cl.exe"), ("CFLAGS", "/Zi")]);
    let toolchain = Toolchain::for_target(&interpreter, "m").unwrap();
    assert_eq!(toolchain.style, Style::Msvc);
    let module = module(None);
    let unit = Unit {
        module: &module,
        source: "src/pkg/_speedups.c",
        generated: None,
        language: Language::C,
        object: PathBuf::from("build/obj/pkg._speedups/src/pkg/_speedups.c.o"),
    };
    let root = Path::new("/project");
    assert_eq!(
        words(&compile_command(&toolchain, &interpreter, root, &unit)),
        "cl.exe /nologo /O2 /W3 /MD /DNDEBUG /Zi -IC:/Python313/Include -Iinclude -DFAST=1 \
         /c /Tcsrc/pkg/_speedups.c /Fobuild/obj/pkg._speedups/src/pkg/_speedups.c.o"
    );
    let objects = [unit.object.clone()];
    let output = Path::new("build/lib/pkg/_speedups.cp313-win_amd64.pyd");
    let link = link_command(&module, &objects, false, &toolchain, &interpreter, output);
    assert_eq!(
        words(&link),
        "link.exe /nologo /INCREMENTAL:NO /DLL /MANIFEST:EMBED,ID=2 /MANIFESTUAC:NO \
         /LIBPATH:C:/Python313/libs /EXPORT:PyInit__speedups \
         build/obj/pkg._speedups/src/pkg/_speedups.c.o \
         /OUT:build/lib/pkg/_speedups.cp313-win_amd64.pyd \
         /IMPLIB:build/obj/pkg._speedups/src/pkg/_speedups.lib python313.lib ws2_32.lib"
    );
}

#[test]
fn abi3_free_threading_and_cxx_pick_their_library_and_flags() {
    let interpreter = windows(true, &[("CC", "clang-cl")]);
    let toolchain = Toolchain::for_target(&interpreter, "m").unwrap();
    // clang-cl links with lld-link when no Visual Studio linker is found.
    if !cfg!(windows) {
        assert_eq!(toolchain.ldshared[0], "lld-link");
    }
    let free_threaded = module(None);
    let object = [PathBuf::from("o/m.c.o")];
    let link = |module: &ExtModule, interpreter: &Interpreter| {
        words(&link_command(
            module,
            &object,
            false,
            &toolchain,
            interpreter,
            Path::new("m.pyd"),
        ))
    };
    assert!(link(&free_threaded, &interpreter).contains(" python313t.lib "));
    let gil = windows(false, &[("CC", "clang-cl")]);
    assert!(link(&module(Some(9)), &gil).contains(" python3.lib "));
    let unit = Unit {
        module: &free_threaded,
        source: "m.cpp",
        generated: None,
        language: Language::Cxx,
        object: object[0].clone(),
    };
    let compile = words(&compile_command(
        &toolchain,
        &interpreter,
        Path::new("/p"),
        &unit,
    ));
    assert!(
        compile.starts_with("clang-cl /nologo /O2 /W3 /MD /DNDEBUG /EHsc "),
        "{compile}"
    );
    // A free-threaded module on Windows must say so itself: the headers leave it out.
    assert!(
        compile.contains(" -DPy_GIL_DISABLED=1 /c /Tpm.cpp /Foo/m.c.o"),
        "{compile}"
    );
}

#[test]
fn show_includes_lists_the_projects_headers() {
    let stdout = "m.c\r\n\
        Note: including file: C:\\proj\\include\\fast.h\r\n\
        Note: including file:  C:\\Python313\\Include\\Python.h\r\n\
        Hinweis: Einlesen der Datei:   c:\\PROJ\\src\\util.h\r\n\
        Note: including file: C:\\proj\\include\\fast.h\r\n\
        C:\\proj\\m.c(3): warning C4996: 'strcpy': This function may be unsafe.\r\n";
    assert_eq!(
        included_files(stdout, Path::new(r"\\?\C:\proj")),
        ["include/fast.h", "src/util.h"]
    );
}
