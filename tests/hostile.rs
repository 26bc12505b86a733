//! Hostile input through the real binary, where a CLI case written as data cannot say it: bytes that
//! are not UTF-8, lines longer than the limit, a full disk, arguments that are not UTF-8, and the order
//! of stdout and stderr. Each test is one defect that once broke a batch or a promise of the README.

// Tests and benchmarks read fixtures and time things (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_aides");

/// Runs `aides args…` with `stdin` as its input.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lance aides");
    let mut input = child.stdin.take().expect("stdin");
    let bytes = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // The program may stop reading early; a broken pipe here is not the test's concern.
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().expect("attend aides");
    writer.join().expect("écrit l'entrée");
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("la sortie est en UTF-8")
}

const NDJSON: [&str; 6] = [
    "check",
    "--input",
    "-",
    "--format",
    "ndjson",
    "--date=2026-03-01",
];

#[test]
fn a_line_that_is_not_utf8_is_answered_in_place() {
    let input = b"{\"id\":\"a\",\"zone\":\"ZIP\"}\n{\"id\":\"b\",\"zone\":\"Z\xe9P\"}\n{\"id\":\"c\",\"zone\":\"ZAC\"}\n";
    let out = run(&NDJSON, input);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].starts_with("{\"id\":\"a\""), "{}", lines[0]);
    assert!(
        lines[1]
            .starts_with("{\"ligne\":2,\"erreur\":\"texte non UTF-8 : octet 0xE9 à la position 20"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("enregistrez le fichier en UTF-8"));
    assert!(lines[2].starts_with("{\"id\":\"c\""), "{}", lines[2]);
}

#[test]
fn a_json_batch_with_a_bad_line_is_a_closed_array() {
    let input = b"{\"id\":\"a\",\"zone\":\"ZIP\"}\n{\"id\":\"b\",\"zone\":\"Z\xe9P\"}\n";
    let mut args = NDJSON;
    args[4] = "json";
    let out = run(&args, input);
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("a whole JSON document");
    let items = value.as_array().expect("an array");
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["ligne"], 2);
}

#[test]
fn a_line_over_the_limit_is_answered_in_place_and_the_batch_goes_on() {
    let mut input = vec![b'0'; 3 << 20];
    input.extend_from_slice(b"\n{\"id\":\"apres\",\"zone\":\"ZIP\"}\n");
    let out = run(&NDJSON, &input);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", &stdout[..stdout.len().min(500)]);
    assert!(
        lines[0].starts_with("{\"ligne\":1,\"erreur\":\"profil trop long"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("{\"id\":\"apres\""), "{}", lines[1]);
}

#[test]
fn an_array_element_over_the_limit_is_answered_in_place() {
    let mut input = b"[{\"id\":\"x\",\"zone\":\"".to_vec();
    input.extend(std::iter::repeat_n(b'Z', 2 << 20));
    input.extend_from_slice(b"\"},\n{\"id\":\"ok\",\"zone\":\"ZIP\"}]");
    let out = run(&NDJSON, &input);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].contains("profil trop long"), "{}", lines[0]);
    assert!(lines[1].starts_with("{\"id\":\"ok\""), "{}", lines[1]);
}

#[test]
fn help_and_version_to_a_full_disk_fail() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not Linux
    };
    for args in [&["--help"][..], &["--version"], &["check", "-h"], &["list"]] {
        let out = Command::new(BIN)
            .args(args)
            .stdout(full.try_clone().unwrap())
            .stderr(Stdio::piped())
            .output()
            .expect("lance aides");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            text(&out.stderr),
            "erreur : sortie standard : disque plein\n",
            "{args:?}"
        );
    }
}

#[test]
fn in_table_mode_an_error_comes_after_the_results_before_it() {
    let input = "{\"id\":\"premier\",\"zone\":\"ZIP\"}\n{\"id\":\"second\",\"zonne\":\"ZIP\"}\n";
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "printf '%s' '{input}' | '{BIN}' check --input - --date 2026-03-01 2>&1"
        ))
        .output()
        .expect("lance sh");
    let merged = text(&out.stdout);
    let first = merged.find("Profil premier").expect("the first result");
    let error = merged
        .find("erreur : profil « second », ligne 2")
        .expect("the error, with its id");
    assert!(first < error, "{merged}");
}

#[cfg(unix)]
#[test]
fn arguments_that_are_not_utf8_get_a_french_message() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let out = Command::new(BIN)
        .args([
            OsStr::new("check"),
            OsStr::new("--zone"),
            OsStr::from_bytes(b"Z\xffP"),
        ])
        .output()
        .expect("lance aides");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("erreur : "), "{stderr}");
    assert!(stderr.contains("UTF-8"), "{stderr}");
    // A path that is not UTF-8 is still a path.
    let out = Command::new(BIN)
        .args([
            OsStr::new("check"),
            OsStr::new("--input"),
            OsStr::from_bytes(b"/nulle-part/\xff.json"),
        ])
        .output()
        .expect("lance aides");
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("fichier ou dossier introuvable"),
        "{stderr}"
    );
}
