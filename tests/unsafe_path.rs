//! `aides validate` on a rules directory holding a link loop, a link out of it and a link to a
//! device. The directory is made at test time in a temporary folder: a loop committed in the
//! repository would make cargo warn (« File system loop found ») on every build.
#![cfg(unix)]
// Tests make fixtures (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

const EXPECTED: &str = "tests/data/validate-unsafe-path/stdout";

#[test]
fn validate_reports_every_unsafe_path_and_reads_the_rest() {
    let root = std::env::temp_dir().join(format!("aides-unsafe-path-{}", std::process::id()));
    let national = root.join("rules/national");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&national).unwrap();
    std::fs::copy(
        "tests/data/validate-unsafe-path/aide-test.toml",
        national.join("aide-test.toml"),
    )
    .unwrap();
    symlink("..", national.join("boucle")).unwrap();
    symlink("/etc/passwd", national.join("passwd.toml")).unwrap();
    symlink("/dev/zero", national.join("zero.toml")).unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_aides"))
        .args(["validate", "rules"])
        .current_dir(&root)
        .env_remove("COLUMNS")
        .env_remove("AIDES_RULES")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    if std::env::var_os("TRYCMD").is_some_and(|v| v == "overwrite") {
        std::fs::write(EXPECTED, &stdout).unwrap();
    }
    let expected = std::fs::read_to_string(Path::new(EXPECTED)).unwrap();
    assert_eq!(stdout, expected);
    for path in [
        "national/boucle",
        "national/passwd.toml",
        "national/zero.toml",
    ] {
        assert!(stdout.contains(path), "{path} not reported:\n{stdout}");
    }
}
