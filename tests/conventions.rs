//! The command-line conventions scripts and shells rely on: completion scripts that the shell parses,
//! a man page that is roff, `--version` with the provenance of the rules, `validate -q` silent on
//! valid rules and `validate --format json` ending with its summary, `-q` silencing a batch's summary,
//! `table` and `text` as one human format.

// Tests run the binary and other programs (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn aides(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aides"))
        .args(args)
        .env_remove("AIDES_RULES")
        .env("COLUMNS", "80")
        .stdin(Stdio::null())
        .output()
        .expect("aides runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8")
}

/// Runs `program args` with `input` on stdin; `None` when the program is not installed.
fn pipe(program: &str, args: &[&str], input: &[u8]) -> Option<Output> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(input).ok()?;
    child.wait_with_output().ok()
}

/// bash's completion, run as bash runs it: `aides show prim<TAB>` offers the aid ids, `--qpv=<TAB>`
/// (bash makes « = » a word) yes and no, and the départements and specialties are offered.
#[test]
fn bash_completes_aid_ids_values_after_equals_and_departements() {
    let script = r#"
source <(aides completions bash)
comp() {
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
    local complete_function
    complete_function=$(complete -p aides | sed -E 's/.*-F ([^ ]+).*/\1/')
    "$complete_function" aides "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    echo "${COMPREPLY[*]}"
}
comp aides show primo-installation-zi
comp aides show prim
comp aides explain cai
comp aides check --qpv = ""
comp aides check --pdsa =
comp aides check --departement 2
comp aides check --specialite gyn
comp aides check --zone ""
"#;
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_aides"))
        .parent()
        .unwrap()
        .display()
        .to_string();
    let Ok(out) = Command::new("bash")
        .args(["-c", script])
        .env(
            "PATH",
            format!("{bin}:{}", std::env::var("PATH").unwrap_or_default()),
        )
        .env_remove("AIDES_RULES")
        .output()
    else {
        return; // no bash here
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "primo-installation-zip",
            "primo-installation-zac primo-installation-zip",
            "caim",
            "oui non",
            "oui non",
            "2A 2B 21 22 23 24 25 26 27 28 29",
            "gynecologie-medicale gynecologie-obstetrique",
            "ZIP ZAC ZAR",
        ],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completions_parse_and_offer_the_values() {
    let o = aides(&["completions", "bash"]);
    assert!(o.status.success());
    let script = stdout(&o);
    assert!(
        script.contains("medecine-generale"),
        "the specialties are offered"
    );
    assert!(
        script.contains("consultations-avancees"),
        "the projets are offered"
    );
    let checked = pipe("bash", &["-n"], script.as_bytes()).expect("bash is installed");
    assert!(
        checked.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&checked.stderr)
    );
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let o = aides(&["completions", shell]);
        assert!(o.status.success() && !o.stdout.is_empty(), "{shell}");
    }
    // zsh and fish offer the aid ids too, and zsh the values after « = ».
    for shell in ["zsh", "fish"] {
        let text = stdout(&aides(&["completions", shell]));
        assert!(text.contains("primo-installation-zip"), "{shell}");
    }
    assert!(stdout(&aides(&["completions", "zsh"])).contains("'--qpv=["));
}

#[test]
fn the_man_page_is_roff() {
    let o = aides(&["man"]);
    assert!(o.status.success());
    let page = stdout(&o);
    assert!(page.contains(".TH AIDES 1"), "{page}");
    for section in [
        ".SH NOM",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH COMMANDES",
        ".SH OPTIONS",
        ".SH EXEMPLES",
        ".SH ENVIRONNEMENT",
        ".SH \"CODES DE RETOUR\"",
        ".SH FICHIERS",
        ".SH \"VOIR AUSSI\"",
    ] {
        assert!(page.contains(section), "{section} in {page}");
    }
    // Where groff is installed, it formats the page without a warning.
    if let Some(out) = pipe(
        "groff",
        &["-k", "-man", "-Tutf8", "-ww", "-z"],
        page.as_bytes(),
    ) {
        assert!(
            out.status.success(),
            "groff: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "groff: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `aides man check | man -l -` reads as a French page with the profile options and examples (where
/// `man` is installed; elsewhere the roff structure is checked); every command has a page, and
/// `--dir` writes them as the files a package installs.
#[test]
fn a_french_man_page_per_command() {
    let o = aides(&["man", "check"]);
    assert!(o.status.success());
    let page = stdout(&o);
    assert!(page.starts_with(".TH AIDES-CHECK 1"), "{page}");
    for needle in [
        ".SH NOM\naides\\-check \\- ",
        "\\fB\\-\\-zone\\fR \\fIZIP|ZAC|ZAR\\fR",
        ".SS \"Profil\"",
        "aides check \\-\\-commune Orléans",
        ".B AIDES_RULES",
        "\\fBaides\\-show\\fR(1)",
    ] {
        assert!(page.contains(needle), "{needle} in {page}");
    }
    if let Some(out) = Command::new("man")
        .args(["-l", "-"])
        .env("MANWIDTH", "80")
        .env("MAN_KEEP_FORMATTING", "0")
        .env("PAGER", "cat")
        .env("MANPAGER", "cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()
        .and_then(|mut child| {
            child.stdin.take()?.write_all(page.as_bytes()).ok()?;
            child.wait_with_output().ok()
        })
    {
        // Overstrike (bold as « N\bN ») read as the plain text.
        let mut text = String::new();
        for c in String::from_utf8_lossy(&out.stdout).chars() {
            if c == '\u{8}' {
                text.pop();
            } else {
                text.push(c);
            }
        }
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for heading in [
            "NOM",
            "SYNOPSIS",
            "DESCRIPTION",
            "OPTIONS",
            "EXEMPLES",
            "ENVIRONNEMENT",
            "CODES DE RETOUR",
            "FICHIERS",
            "VOIR AUSSI",
        ] {
            assert!(text.lines().any(|l| l == heading), "{heading} in {text}");
        }
        for english in ["NAME", "SUBCOMMANDS", "VERSION"] {
            assert!(!text.lines().any(|l| l == english), "{english} in {text}");
        }
        assert!(text.contains("--date-installation"), "{text}");
        assert!(text.contains("COLUMNS"), "{text}");
    }
    let unknown = aides(&["man", "chek"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("« check »"));

    let dir = std::env::temp_dir().join(format!("aides-man-{}", std::process::id()));
    let o = aides(&["man", "--dir", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    // Where groff is installed, every page formats without a warning.
    for f in &files {
        let page = std::fs::read(dir.join(f)).unwrap();
        if let Some(out) = pipe("groff", &["-k", "-man", "-Tutf8", "-ww", "-z"], &page) {
            assert!(
                out.status.success() && out.stderr.is_empty(),
                "groff {f}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    for f in [
        "aides.1",
        "aides-check.1",
        "aides-explain.1",
        "aides-man.1",
        "aides-show.1",
    ] {
        assert!(files.iter().any(|x| x == f), "{f} in {files:?}");
    }
}

#[test]
fn version_says_which_rules() {
    let o = aides(&["--version"]);
    assert!(o.status.success());
    let text = stdout(&o);
    let rules = aides::rules::embedded().rules;
    assert!(
        text.starts_with(&format!("aides {}\n", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    assert!(text.contains(rules.empreinte()), "{text}");
    assert_eq!(rules.empreinte().len(), 64);
}

#[test]
fn the_same_files_on_disk_have_the_embedded_fingerprint() {
    let dir = std::env::temp_dir().join(format!("aides-empreinte-{}", std::process::id()));
    let rules_dir = dir.join("rules");
    copy(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")),
        &rules_dir,
    );
    let o = Command::new(env!("CARGO_BIN_EXE_aides"))
        .arg("--version")
        .env("AIDES_RULES", &rules_dir)
        .output()
        .unwrap();
    let embedded = aides::rules::embedded().rules;
    assert!(stdout(&o).contains(embedded.empreinte()), "{}", stdout(&o));
    // One changed byte changes it.
    let file = rules_dir.join("abrogees/caim.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("CAIM", "Caim", 1)).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_aides"))
        .arg("--version")
        .env("AIDES_RULES", &rules_dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!stdout(&o).contains(embedded.empreinte()), "{}", stdout(&o));
    std::fs::remove_dir_all(&dir).ok();
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let path = e.path();
        if path.is_dir() {
            copy(&path, &to.join(e.file_name()));
        } else {
            std::fs::copy(&path, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn validate_for_ci() {
    let o = aides(&["validate", "-q"]);
    assert!(o.status.success());
    assert!(
        o.stdout.is_empty() && o.stderr.is_empty(),
        "-q is silent on valid rules"
    );
    let o = aides(&["validate", "--format", "json"]);
    assert!(o.status.success());
    let text = stdout(&o);
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    let resume = &last["resume"];
    assert_eq!(resume["erreurs"], 0);
    assert_eq!(resume["aides"], 15);
    assert!(resume["exemples"].as_u64().unwrap() > 100);
}

#[test]
fn table_and_text_are_one_format() {
    for cmd in [&["list"][..], &["show", "caim"], &["validate"]] {
        let table = aides(&[cmd, &["--format", "table"]].concat());
        let text = aides(&[cmd, &["--format", "text"]].concat());
        assert!(table.status.success() && text.status.success(), "{cmd:?}");
        assert_eq!(table.stdout, text.stdout, "{cmd:?}");
    }
}

#[test]
fn quiet_silences_the_summary() {
    let input = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/profils.ndjson");
    let loud = aides(&["check", "--input", input, "--format", "ndjson"]);
    assert!(String::from_utf8_lossy(&loud.stderr).contains("3 profils lus, dont 1 en erreur"));
    let quiet = aides(&["check", "--input", input, "--format", "ndjson", "-q"]);
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    assert_eq!(quiet.stdout, loud.stdout);
    assert_eq!(quiet.status.code(), Some(1));
}
