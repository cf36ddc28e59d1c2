//! The guard for the sdist's parallel gzip: building the sdist of a project with megabytes
//! of data deflates on more than one thread when the machine has more than one core. A
//! change that makes the walk, the tar writer or the encoder feed it serially fails here.
//! (Its own test binary, so that no other test's archives count.)

use std::path::Path;

use rustbackend::archive::gzip::deflate_threads_seen;
use rustbackend::{build_sdist, BuildOptions};

#[test]
fn a_large_sdist_is_deflated_on_more_than_one_thread() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, bytes: &[u8]| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    write(
        "pyproject.toml",
        b"[project]\nname = \"big\"\nversion = \"1.0\"\n",
    );
    write("src/big/__init__.py", b"");
    // 12 MiB of text that deflates like source code: words from a small vocabulary.
    let words = [
        "def", "return", "self", "value", "import", "class", "for", "in", "if", "None",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut text = Vec::with_capacity(12 << 20);
    while text.len() < 12 << 20 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        text.extend_from_slice(words[(state % 10) as usize].as_bytes());
        text.push(if state % 7 == 0 { b'\n' } else { b' ' });
    }
    write("data/corpus.txt", &text);
    let out = root.join("out");
    let built = build_sdist(root, &out, &BuildOptions::default()).unwrap();
    assert!(Path::new(&out.join(built.file_name())).is_file());
    let threads = deflate_threads_seen();
    if cores > 1 {
        assert!(
            threads >= 2,
            "deflated on {threads} thread(s) with {cores} cores"
        );
    } else {
        assert_eq!(threads, 1);
    }
}
