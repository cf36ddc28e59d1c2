//! Scripts packed under `.data/scripts/`. The wheel specification has installers rewrite a
//! first line of exactly `#!python` to the environment's interpreter; a script whose shebang
//! names some Python (`#!/usr/bin/env python3`, `#!/usr/bin/python`) would otherwise keep
//! pointing at whatever Python that is on the user's machine. So, like setuptools and
//! hatchling, the wheel gets `#!python` there, with the interpreter's options kept.

/// The script's bytes with a shebang that names a Python rewritten to `#!python`, or `None`
/// when its first line is no such shebang (a shell script, a binary, no shebang at all).
pub fn with_python_shebang(data: &[u8]) -> Option<Vec<u8>> {
    let rest = data.strip_prefix(b"#!")?;
    let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let line = std::str::from_utf8(&rest[..end]).ok()?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut words = line.split([' ', '\t']).filter(|w| !w.is_empty());
    let mut program = words.next()?;
    if basename(program) == "env" {
        program = words.next()?;
    }
    if !names_python(basename(program)) {
        return None;
    }
    let options: Vec<&str> = words.collect();
    let mut out = b"#!python".to_vec();
    if !options.is_empty() {
        out.push(b' ');
        out.extend_from_slice(options.join(" ").as_bytes());
    }
    // The rest of the file as it was, from its first line's ending on.
    let ending = if rest[..end].ends_with(b"\r") {
        end - 1
    } else {
        end
    };
    out.extend_from_slice(&rest[ending..]);
    Some(out)
}

fn basename(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

/// `python`, `python3`, `python3.12`: a Python, not `pythonw-wrapper` or `ipython`.
fn names_python(name: &str) -> bool {
    name.strip_prefix("python")
        .is_some_and(|version| version.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(script: &str) -> Option<String> {
        with_python_shebang(script.as_bytes()).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn python_shebangs_become_hash_bang_python() {
        assert_eq!(
            rewrite("#!/usr/bin/env python\nprint(1)\n").unwrap(),
            "#!python\nprint(1)\n"
        );
        assert_eq!(
            rewrite("#!/usr/bin/python3.12 -E\nx\n").unwrap(),
            "#!python -E\nx\n"
        );
        assert_eq!(
            rewrite("#! /usr/bin/env  python3 -u\r\nx\r\n").unwrap(),
            "#!python -u\r\nx\r\n"
        );
        assert_eq!(rewrite("#!python\n").unwrap(), "#!python\n");
        assert_eq!(rewrite("#!/usr/bin/python").unwrap(), "#!python");
    }

    #[test]
    fn other_files_are_left_alone() {
        assert_eq!(rewrite("#!/bin/sh\necho hi\n"), None);
        assert_eq!(rewrite("#!/usr/bin/env bash\n"), None);
        assert_eq!(rewrite("#!/usr/bin/env ipython\n"), None);
        assert_eq!(rewrite("print('no shebang')\n"), None);
        assert_eq!(rewrite("#!/usr/bin/env\n"), None);
        assert_eq!(with_python_shebang(b"\x7fELF\x02\x01"), None);
    }
}
