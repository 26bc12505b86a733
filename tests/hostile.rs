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
    assert!(flat(&stderr).contains("UTF-8"), "{stderr}");
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
        flat(&stderr).contains("fichier ou dossier introuvable"),
        "{stderr}"
    );
}

/// A copy of the shipped rules in a fresh directory, for a hostile rule author to edit.
fn rules_copy(name: &str) -> std::path::PathBuf {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).expect("crée le dossier");
        for entry in std::fs::read_dir(from).expect("lit les règles") {
            let entry = entry.expect("entrée");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("type").is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copie");
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("aides-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"),
        &dir,
    );
    dir
}

/// No line of text output forges a CI workflow command, and no raw escape reaches a terminal.
fn assert_no_forgery(what: &str, bytes: &[u8]) {
    let shown = String::from_utf8_lossy(bytes);
    assert!(!shown.contains('\u{1b}'), "{what}: raw ESC in {shown}");
    assert!(
        !shown.contains('\u{202e}'),
        "{what}: bidi override in {shown}"
    );
    for line in shown.lines() {
        assert!(!line.starts_with("::"), "{what}: forged line « {line} »");
    }
}

#[test]
fn a_rule_file_named_or_keyed_with_control_characters_forges_no_line() {
    let dir = rules_copy("forge");
    let national = dir.join("national");
    let victim = std::fs::read_dir(&national)
        .expect("national")
        .map(|e| e.expect("entrée").path())
        .find(|p| p.extension().is_some_and(|e| e == "toml"))
        .expect("une règle");
    let mut source = std::fs::read_to_string(&victim).expect("lit la règle");
    source.push_str("\"x\\n::error::x\\u001b[2J\\u202e\" = 1\n");
    // A quoted key at the top of the file, and one in a table.
    source = format!("\"k\\n::warning file=README.md,line=1::forged\" = 2\n{source}");
    std::fs::write(&victim, &source).expect("écrit la règle");
    std::fs::write(national.join("a\n::error::x\u{1b}[2J.toml"), &source).expect("écrit");
    for format in ["text", "github"] {
        let out = Command::new(BIN)
            .args(["validate", "--format", format, "--rules"])
            .arg(&dir)
            .env("NO_COLOR", "1")
            .output()
            .expect("lance aides");
        assert_eq!(out.status.code(), Some(1), "{format}");
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        let shown = String::from_utf8_lossy(&all);
        assert!(!shown.contains('\u{1b}'), "{format}: raw ESC in {shown}");
        if format == "text" {
            assert_no_forgery(format, &all);
            assert!(shown.contains("a\\n::error::x\\u{1b}[2J.toml"), "{shown}");
            assert!(
                shown.contains("clé « x\\n::error::x\\u{1b}[2J\\u{202e} »"),
                "{shown}"
            );
        } else {
            // Each annotation is one line, and only the tool's own start with `::`.
            for line in shown.lines().filter(|l| l.starts_with("::")) {
                assert!(
                    line.starts_with("::error file=") || line.starts_with("::warning file="),
                    "{line}"
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_rule_text_with_a_control_character_is_refused() {
    let dir = rules_copy("nom");
    let victim = std::fs::read_dir(dir.join("national"))
        .expect("national")
        .map(|e| e.expect("entrée").path())
        .find(|p| p.extension().is_some_and(|e| e == "toml"))
        .expect("une règle");
    let source = std::fs::read_to_string(&victim).expect("lit la règle");
    let source = source.replacen("nom = \"", "nom = \"\\u001b]0;titre\\u0007\\u001b[2J", 1);
    std::fs::write(&victim, source).expect("écrit la règle");
    let out = Command::new(BIN)
        .args(["validate", "--rules"])
        .arg(&dir)
        .output()
        .expect("lance aides");
    assert_eq!(out.status.code(), Some(1));
    let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
    assert_no_forgery("validate", &all);
    let shown = text(&all);
    assert!(
        flat(&shown).contains("le texte de « nom » contient le caractère de contrôle U+001B"),
        "{shown}"
    );
    let out = Command::new(BIN)
        .args(["list", "--rules"])
        .arg(&dir)
        .output()
        .expect("lance aides");
    assert_eq!(out.status.code(), Some(1));
    assert_no_forgery("list", &[out.stdout, out.stderr].concat());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_profile_with_control_characters_is_shown_escaped() {
    let input = "{\"id\":\"a\\u001b]0;pwned\\u0007\\u001b[2J\\n::error::x\",\"zone\":\"ZIP\"}\n{\"id\":\"b\",\"zone\":\"Z\\u001b[2J\\u202eIP\"}\n";
    let out = run(
        &[
            "check",
            "--input",
            "-",
            "--date=2026-03-01",
            "--color",
            "never",
        ],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
    assert_no_forgery("check", &all);
    let shown = text(&all);
    assert!(
        shown.contains("Profil a\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\n::error::x ·"),
        "{shown}"
    );
    assert!(shown.contains("« Z\\u{1b}[2J\\u{202e}IP »"), "{shown}");
}

#[test]
fn every_jobs_value_ends_without_a_crash() {
    let input = "{\"id\":\"a\",\"zone\":\"ZIP\"}\n{\"id\":\"b\",\"zone\":\"ZAC\"}\n";
    for (jobs, code) in [
        ("0", 2),
        ("1", 0),
        ("2", 0),
        ("64", 0),
        ("65", 2),
        ("10000", 2),
        ("4294967296", 2),
        ("18446744073709551616", 2),
    ] {
        let out = run(
            &[
                "check", "--input", "-", "--format", "ndjson", "--jobs", jobs,
            ],
            input.as_bytes(),
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "--jobs {jobs}: {stderr}");
        if code == 0 {
            assert_eq!(text(&out.stdout).lines().count(), 2, "--jobs {jobs}");
        } else {
            assert!(stderr.starts_with("erreur : "), "--jobs {jobs}: {stderr}");
            assert!(!flat(&stderr).contains("zero"), "--jobs {jobs}: {stderr}");
        }
    }
    let out = run(&["check", "--input", "-", "--jobs", "100000000"], b"");
    assert!(text(&out.stderr).contains("au plus 64 fils de calcul"));
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_is_an_error() {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "printf '%s\\n' '{{\"id\":\"a\"}}' '{{\"id\":\"b\"}}' | '{BIN}' check --input - --format ndjson >&-"
        ))
        .output()
        .expect("lance sh");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(flat(&stderr).contains("sortie standard fermée"), "{stderr}");
    assert!(!flat(&stderr).contains("aucune erreur"), "{stderr}");
}

/// /dev/null opened read-write on purpose (a parent's "devnull" stream, `1<>/dev/null`) is an open
/// stdout: the batch runs and exits 0, as with a write-only redirection.
#[cfg(target_os = "linux")]
#[test]
fn stdout_on_dev_null_read_write_is_not_closed() {
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
        .expect("ouvre /dev/null");
    let mut child = Command::new(BIN)
        .args(["check", "--input", "-", "--format", "ndjson"])
        .stdin(Stdio::piped())
        .stdout(null)
        .stderr(Stdio::piped())
        .spawn()
        .expect("lance aides");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"{\"id\":\"a\"}\n")
        .expect("écrit");
    let out = child.wait_with_output().expect("attend aides");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!flat(&stderr).contains("fermée"), "{stderr}");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "printf '%s\\n' '{{\"id\":\"a\"}}' | '{BIN}' check --input - --format ndjson 1<>/dev/null"
        ))
        .output()
        .expect("lance sh");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_batch_to_a_full_disk_fails() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not Linux
    };
    let mut child = Command::new(BIN)
        .args(["check", "--input", "-", "--format", "ndjson", "-j", "2"])
        .stdin(Stdio::piped())
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .expect("lance aides");
    let mut stdin = child.stdin.take().expect("stdin");
    let _ = stdin.write_all(b"{\"id\":\"a\"}\n{\"id\":\"b\"}\n");
    drop(stdin);
    let out = child.wait_with_output().expect("attend aides");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(flat(&stderr).contains("disque plein"), "{stderr}");
    assert!(!flat(&stderr).contains("aucune erreur"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn the_summary_comes_after_the_last_answer() {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "printf '%s\\n' '{{\"id\":\"a\"}}' '{{\"id\":\"b\"}}' '{{\"id\":\"c\"}}' | '{BIN}' check --input - --format ndjson -j 1 2>&1"
        ))
        .output()
        .expect("lance sh");
    let merged = text(&out.stdout);
    let lines: Vec<&str> = merged.lines().collect();
    assert_eq!(lines.len(), 4, "{merged}");
    assert!(lines[3].starts_with("aides : 3 profils lus"), "{merged}");
}

#[test]
fn explain_stops_reading_at_the_second_profile() {
    let mut child = Command::new(BIN)
        .args(["explain", "hauts-de-france-crai", "--input", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lance aides");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(b"{\"id\":\"a\"}\n{\"id\":\"b\"}\n")
        .expect("écrit");
    stdin.flush().expect("flush");
    // The input stays open: the command must answer without waiting for its end.
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("état") {
            break status;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "explain waits for the end of its input"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    drop(stdin);
    assert_eq!(status.code(), Some(1));
    let out = child.wait_with_output().expect("attend aides");
    let stderr = text(&out.stderr);
    assert!(
        flat(&stderr).contains("un seul profil attendu ici"),
        "{stderr}"
    );
    assert!(flat(&stderr).contains("ligne 2"), "{stderr}");

    let out = run(&["explain", "hauts-de-france-crai", "--input", "-"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("entrée vide"),
        "{}",
        text(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_in_the_guide_exits_130_without_the_answer() {
    let mut cmd = Command::new(BIN);
    cmd.args(["guide", "--date", "2026-12-01"])
        .env("COLUMNS", "80")
        .env("NO_COLOR", "1")
        .env_remove("AIDES_RULES");
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).expect("aides dans un pty");
    p.exp_string("1, encore").expect("la première question");
    p.send("\x03").expect("Ctrl-C");
    p.flush().expect("flush");
    let rest = p.exp_eof().expect("la fin");
    assert!(!rest.contains("Commande"), "{rest}");
    assert!(!rest.contains("Questionnaire arr"), "{rest}");
    let status = p.process_mut().wait().expect("le code de sortie");
    assert!(format!("{status:?}").ends_with(", 130)"), "{status:?}");
}

/// A script that sends one profile and waits for its answer before it sends the next one.
fn coprocess(args: &[&str]) {
    use std::io::BufRead;
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("lance aides");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, answers) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    for id in ["un", "deux", "trois"] {
        writeln!(stdin, "{{\"id\":\"{id}\",\"zone\":\"ZIP\"}}").expect("écrit");
        stdin.flush().expect("flush");
        // The input stays open: the answer must come all the same (within 100 ms in a release
        // build; a loaded debug build gets more).
        let answer = answers
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("{args:?}: no answer for « {id} » while the input waits"));
        let mut answer = answer;
        if !args.contains(&"ndjson") {
            // The rest of the French answer, up to a pause.
            while let Ok(line) = answers.recv_timeout(std::time::Duration::from_millis(300)) {
                answer.push('\n');
                answer.push_str(&line);
            }
        }
        assert!(answer.contains(id), "{args:?}: {answer}");
    }
    drop(stdin);
    assert!(child.wait().expect("attend aides").success());
    reader.join().expect("lecteur");
}

#[test]
fn answers_come_while_the_input_waits() {
    for jobs in ["1", "2", "64"] {
        coprocess(&[
            "check", "--input", "-", "--format", "ndjson", "-q", "-j", jobs,
        ]);
    }
    coprocess(&["check", "--input", "-", "-q", "--color", "never"]);
}

/// `aides check FLAGS --format ndjson`: its exit code, stdout and stderr.
fn check_flags(flags: &[&str]) -> (Option<i32>, String, String) {
    let mut args = vec!["check", "--format", "ndjson", "--date", "2026-03-01"];
    args.extend_from_slice(flags);
    let out = run(&args, b"");
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn places_are_found_as_people_write_them() {
    for (flags, commune) in [
        (&["--commune", "havre"][..], "76351"),
        (&["--commune", "Paris 15e"], "75115"),
        (&["--commune", "Marseille 13e"], "13213"),
        (&["--commune", "Lyon 3e"], "69383"),
        (&["--commune", "St-Denis (93)"], "93066"),
        (&["--commune", "Ste-Maxime"], "83115"),
        (&["--commune", "Orle\u{301}ans"], "45234"),
        (&["--commune", "45000"], "45234"),
        (&["--code-postal", "45 000"], "45"),
    ] {
        let (code, stdout, stderr) = check_flags(flags);
        assert_eq!(code, Some(0), "{flags:?}: {stderr}");
        assert!(stdout.starts_with('{'), "{flags:?}: {stdout}");
        let _ = commune;
    }
    // The article is not a spelling slip: no « Aire, Arre, Aure » for « havre ».
    let (_, _, stderr) = check_flags(&["--commune", "Zzyzx-sur-Havre"]);
    assert!(flat(&stderr).contains("inconnue"), "{stderr}");
}

#[test]
fn a_postal_code_shared_by_departements_must_agree_with_the_departement() {
    let (code, _, stderr) = check_flags(&["--code-postal", "05110", "--departement", "45"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        flat(&stderr).contains("n'a aucune commune dans le Loiret (45)"),
        "{stderr}"
    );
    let (code, _, stderr) = check_flags(&["--code-postal", "05110", "--departement", "05"]);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_commune_with_empty_parentheses_is_not_an_empty_departement() {
    let (code, _, stderr) = check_flags(&["--commune", "Saint-Denis ()"]);
    assert_eq!(code, Some(2));
    assert!(!flat(&stderr).contains("département  "), "{stderr}");
    assert!(flat(&stderr).contains("plusieurs communes"), "{stderr}");
}

/// Each unknown commune of a batch is answered in its place, with a suggestion when one is near. How
/// few names the suggestion measures is counted in `communes`' unit tests and timed by the `communes`
/// group of `benches/eval.rs`, not here.
#[test]
fn unknown_communes_are_each_answered_in_place() {
    let mut lines = String::new();
    for i in 0..300 {
        lines.push_str(&format!(
            "{{\"id\":\"{i}\",\"commune\":\"Orleanz-sur-Loirre{i}\"}}\n"
        ));
    }
    lines.push_str("{\"id\":\"near\",\"commune\":\"Orleanss\"}\n");
    let out = run(&NDJSON, lines.as_bytes());
    let stdout = text(&out.stdout);
    let answers: Vec<&str> = stdout.lines().collect();
    assert_eq!(answers.len(), 301, "{stdout}");
    for (i, line) in answers[..300].iter().enumerate() {
        assert!(line.contains(&format!("\"id\":\"{i}\"")), "{line}");
        assert!(line.contains("inconnue"), "{line}");
    }
    assert!(answers[300].contains("Orléans"), "{}", answers[300]);
}

#[test]
fn bad_json_values_get_the_parsers_own_error() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let input = format!(
        "{{\"id\":\"a\",\"specialite\":\"\\ud800\"}}\n{{\"id\":\"b\",\"exercice_coordonne\":{deep}}}\n"
    );
    let out = run(&NDJSON, input.as_bytes());
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].contains("échappement \\\\u incomplet"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("imbrication trop profonde"),
        "{}",
        lines[1]
    );
    assert!(!stdout.contains("pas null"), "{stdout}");
}

/// A copy of the rules where `edit` changed the first national rule file.
fn edited_rules(name: &str, edit: impl Fn(String) -> String) -> std::path::PathBuf {
    let dir = rules_copy(name);
    let victim = std::fs::read_dir(dir.join("national"))
        .expect("national")
        .map(|e| e.expect("entrée").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .min()
        .expect("une règle");
    let source = std::fs::read_to_string(&victim).expect("lit la règle");
    std::fs::write(&victim, edit(source)).expect("écrit la règle");
    dir
}

#[test]
fn amounts_are_bounded_and_verifie_le_is_not_in_the_future() {
    let dir = edited_rules("montant", |s| {
        let at = s.find("\neur = ").expect("un montant") + 1;
        let end = at + s[at..].find('\n').expect("fin de ligne");
        format!("{}eur = 9223372036854775807{}", &s[..at], &s[end..])
    });
    let out = Command::new(BIN)
        .args(["validate", "--rules"])
        .arg(&dir)
        .output()
        .expect("lance aides");
    let shown = text(&[out.stdout, out.stderr].concat());
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(flat(&shown).contains("montant trop grand"), "{shown}");
    assert!(flat(&shown).contains("de 0 à 100 000 000"), "{shown}");
    let _ = std::fs::remove_dir_all(&dir);

    let dir = edited_rules("verifie", |s| {
        let at = s.find("verifie_le = ").expect("verifie_le");
        let end = at + s[at..].find('\n').expect("fin de ligne");
        format!("{}verifie_le = 9999-12-31{}", &s[..at], &s[end..])
    });
    let out = Command::new(BIN)
        .args(["validate", "--max-age", "1", "--rules"])
        .arg(&dir)
        .output()
        .expect("lance aides");
    let shown = text(&[out.stdout, out.stderr].concat());
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        flat(&shown).contains("après la date de référence"),
        "{shown}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dates_beyond_9999_are_not_shown() {
    for format in ["ndjson", "json"] {
        let out = run(
            &[
                "check",
                "--format",
                format,
                "--detail",
                "--date",
                "9999-12-01",
                "--date-installation",
                "9999-11-01",
                "--zone",
                "ZIP",
            ],
            b"",
        );
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(!stdout.contains("+10000"), "{stdout}");
    }
}

#[test]
fn a_deep_chain_of_folders_is_cut_short() {
    let dir = rules_copy("profond");
    let mut deep = dir.join("national");
    for _ in 0..1500 {
        deep.push("a");
    }
    std::fs::create_dir_all(&deep).expect("crée la chaîne");
    let start = std::time::Instant::now();
    let out = Command::new(BIN)
        .args(["validate", "--rules"])
        .arg(&dir)
        .output()
        .expect("lance aides");
    let elapsed = start.elapsed();
    let shown = text(&[out.stdout, out.stderr].concat());
    // Once cubic in the depth: 4.8 s for 800 levels in a release build.
    assert!(elapsed < std::time::Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        flat(&shown).contains("niveaux sous le dossier de règles"),
        "{shown}"
    );
    assert_eq!(shown.matches("erreur[unsafe-path]").count(), 1, "{shown}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn messages_say_the_right_thing() {
    // A region by its name, as a zone by its lower case.
    let (code, _, stderr) = check_flags(&["--region", "Occitanie"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = check_flags(&["--region", "centre val de loire"]);
    assert_eq!(code, Some(0), "{stderr}");
    // A number is no spelling slip of another département.
    let (_, _, stderr) = check_flags(&["--departement", "975"]);
    assert!(!flat(&stderr).contains("« 75 »"), "{stderr}");
    assert!(flat(&stderr).contains("971"), "{stderr}");
    let (_, _, stderr) = check_flags(&["--demi-journees-par-mois", "18446744073709551615"]);
    assert!(flat(&stderr).contains("trop grand"), "{stderr}");
    assert!(!flat(&stderr).contains("pas un nombre entier"), "{stderr}");
    // The postal code is at fault, and no département was given.
    let (_, _, stderr) = check_flags(&["--commune", "Orléans", "--code-postal", "75001"]);
    assert!(
        flat(&stderr).contains("le code postal 75001 n'est pas celui d'Orléans"),
        "{stderr}"
    );
    assert!(
        !flat(&stderr).contains("retirez le département"),
        "{stderr}"
    );
    assert!(!flat(&stderr).contains("le Paris"), "{stderr}");
    // French articles.
    let (_, _, stderr) = check_flags(&["--code-postal", "76000", "--departement", "59"]);
    assert!(
        flat(&stderr).contains("est dans la Seine-Maritime (76), pas dans le Nord (59)"),
        "{stderr}"
    );
    // A byte order mark at the start of a later line (files put end to end).
    let out = run(
        &NDJSON,
        "{\"id\":\"a\"}\n\u{feff}{\"id\":\"b\"}\n".as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // An empty AIDES_RULES is not a --rules without a value.
    let out = Command::new(BIN)
        .arg("list")
        .env("AIDES_RULES", "")
        .output()
        .expect("lance aides");
    let stderr = text(&out.stderr);
    assert!(flat(&stderr).contains("AIDES_RULES est vide"), "{stderr}");
}

#[test]
fn a_rule_value_of_the_right_type_but_unfit_is_named_for_what_it_is() {
    let dir = edited_rules("types", |s| {
        let at = s.find("\neur = ").expect("un montant") + 1;
        let end = at + s[at..].find('\n').expect("fin de ligne");
        let s = format!("{}eur = 9223372036854775808{}", &s[..at], &s[end..]);
        let at = s.find("verifie_le = ").expect("verifie_le");
        let end = at + s[at..].find('\n').expect("fin de ligne");
        format!(
            "{}verifie_le = 2026-01-01T10:00:00+02:00{}",
            &s[..at],
            &s[end..]
        )
    });
    let out = Command::new(BIN)
        .args(["validate", "--rules"])
        .arg(&dir)
        .output()
        .expect("lance aides");
    let shown = text(&[out.stdout, out.stderr].concat());
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(!flat(&shown).contains("pas un entier -->"), "{shown}");
    assert!(flat(&shown).contains("un entier trop grand"), "{shown}");
    assert!(!flat(&shown).contains(", pas une date -->"), "{shown}");
    assert!(
        flat(&shown).contains("pas une date avec heure et fuseau"),
        "{shown}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_compact_batch_with_all_lists_the_non_eligible_aids() {
    let input = "{\"id\":\"a\",\"zone\":\"ZAR\",\"exercice\":\"salarie\"}\n{\"id\":\"b\",\"zone\":\"ZIP\"}\n";
    let mut args = NDJSON.to_vec();
    args.push("--all");
    let all = run(&args, input.as_bytes());
    let lean = run(&NDJSON, input.as_bytes());
    let (all, lean) = (text(&all.stdout), text(&lean.stdout));
    for (with_all, without) in all.lines().zip(lean.lines()) {
        assert!(
            with_all.contains("\"statut\":\"non_eligible\""),
            "{with_all}"
        );
        assert!(
            !without.contains("\"statut\":\"non_eligible\""),
            "{without}"
        );
        // Every aid of the lean line is in the full one.
        let count = |line: &str| line.matches("\"statut\":").count();
        assert!(count(with_all) > count(without), "{with_all}\n{without}");
    }
}

/// Text for people as one line: wrapping and no-break spaces put aside, so that a phrase is found
/// wherever the terminal's width cut it.
fn flat(text: &str) -> String {
    text.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A small regular file is read and evaluated on the main thread, a pipe or a larger file on threads:
/// the same answers, messages and exit code either way (a named pipe under the same name), on each
/// side of the size that decides.
#[cfg(unix)]
#[test]
fn a_small_file_answers_as_a_pipe_does() {
    let lines = [
        "{\"id\":\"a\",\"departement\":\"45\",\"zone\":\"ZIP\",\"secteur\":1}",
        "{\"id\":\"b\",\"zone\":\"ZAC\",\"departement\":\"59\",\"qpv\":true}",
        "{\"id\":\"c\",\"secteur\":4}",
        "pas du JSON",
        "{\"id\":\"d\",\"region\":\"occitanie\",\"zone\":\"ZAR\",\"primo_installation\":true}",
    ];
    let dir = std::env::temp_dir().join(format!("aides-small-file-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("fifo")).expect("crée le dossier");
    for (name, repeat) in [("one", 1), ("five", 5), ("under", 200), ("over", 400)] {
        let text = if name == "one" {
            format!("{}\n", lines[0])
        } else {
            (lines.join("\n") + "\n").repeat(repeat)
        };
        let file = dir.join(format!("{name}.ndjson"));
        std::fs::write(&file, &text).expect("écrit les profils");
        let fifo = dir.join("fifo").join(format!("{name}.ndjson"));
        // The long reports of a large batch would only slow the test down.
        let formats: &[&str] = if repeat > 5 {
            &["ndjson"]
        } else {
            &["ndjson", "json", "table"]
        };
        for format in formats {
            let args = [
                "check",
                "--date",
                "2026-06-01",
                "--format",
                format,
                "--input",
            ];
            let from_file = run(&[&args[..], &[file.to_str().expect("UTF-8")]].concat(), b"");
            let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
            assert!(made.success());
            let child = Command::new(BIN)
                .args(args)
                .arg(&fifo)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("lance aides");
            std::fs::write(&fifo, &text).expect("écrit dans le tube");
            let from_pipe = child.wait_with_output().expect("attend aides");
            std::fs::remove_file(&fifo).expect("retire le tube");
            let what = format!("{name} ({} bytes), {format}", text.len());
            assert_eq!(from_file.status.code(), from_pipe.status.code(), "{what}");
            assert_eq!(from_file.stdout, from_pipe.stdout, "{what}");
            assert_eq!(from_file.stderr, from_pipe.stderr, "{what}");
            assert!(!from_file.stdout.is_empty(), "{what}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
