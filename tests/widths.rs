//! Every text a person reads fits the terminal: at `COLUMNS=80` and `COLUMNS=60`, no line of
//! `check`, `check --all --detail`, `show` and `explain` (every aid), `list`, `validate` on broken
//! rules, nor of the errors, is wider than the terminal, and none starts with French punctuation
//! orphaned by a line break (« : », « ; », « » », or a « ? » / « ! » that ends a sentence).

// Tests read fixtures (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::path::Path;
use std::process::Command;

fn aides(columns: usize, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_aides"))
        .args(args)
        .env("COLUMNS", columns.to_string())
        .env("NO_COLOR", "1")
        .env_remove("AIDES_RULES")
        .output()
        .expect("aides runs");
    let mut text = String::from_utf8(out.stdout).expect("UTF-8 stdout");
    text.push_str(&String::from_utf8(out.stderr).expect("UTF-8 stderr"));
    text
}

/// The lines of `text` that are too wide or start with orphaned punctuation. A line may start with
/// « ? » or « ! » followed by a capital: the answer marks an aid to confirm and a warning that way.
fn bad_lines(text: &str, columns: usize) -> Vec<String> {
    text.lines()
        .filter(|line| {
            let body = line.trim_start_matches([' ', '\u{a0}']);
            let mut chars = body.chars();
            let first = chars.next();
            let after = chars.find(|c| !c.is_whitespace());
            let orphan = match first {
                Some(':' | ';' | '»') => true,
                Some('?' | '!') => !after.is_some_and(char::is_uppercase),
                _ => false,
            };
            line.chars().count() > columns || orphan
        })
        .map(|l| format!("{:>3} | {l}", l.chars().count()))
        .collect()
}

fn aid_ids() -> Vec<String> {
    let json = aides(100, &["list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("list json");
    v["aides"]
        .as_array()
        .expect("aides")
        .iter()
        .map(|a| a["id"].as_str().expect("id").to_owned())
        .collect()
}

#[test]
fn every_human_text_fits_80_and_60_columns() {
    let ids = aid_ids();
    assert!(ids.len() > 10, "{ids:?}");
    let profile = ["--departement", "14", "--zone", "zac", "--secteur", "1"];
    let broken: Vec<String> = std::fs::read_dir(Path::new("tests/cmd"))
        .expect("tests/cmd")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            p.is_dir()
                && p.extension().is_some_and(|x| x == "in")
                && name.starts_with("validate-")
                && !name.contains("unsafe")
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(broken.len() > 5, "{broken:?}");
    for columns in [80, 60] {
        let mut runs: Vec<Vec<String>> = vec![
            vec![
                "check".into(),
                "--zone".into(),
                "ZIP".into(),
                "--secteur".into(),
                "1".into(),
                "--primo-installation".into(),
            ],
            vec!["check".into(), "--all".into(), "--detail".into()],
            vec!["check".into(), "--specialite".into(), "gyneco".into()],
            vec!["check".into(), "--specialite".into(), "xyz".into()],
            vec!["chek".into()],
            vec!["list".into()],
            vec!["-h".into()],
            vec!["check".into(), "--help".into()],
        ];
        runs[1].extend(profile.iter().map(|s| (*s).to_owned()));
        for id in &ids {
            runs.push(vec!["show".into(), id.clone()]);
            let mut explain = vec!["explain".into(), id.clone()];
            explain.extend(profile.iter().map(|s| (*s).to_owned()));
            runs.push(explain);
        }
        for dir in &broken {
            runs.push(vec!["validate".into(), dir.clone()]);
        }
        for args in &runs {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let text = aides(columns, &args);
            assert!(text.lines().count() > 1, "{args:?}: {text}");
            let bad = bad_lines(&text, columns);
            assert!(
                bad.is_empty(),
                "COLUMNS={columns} aides {}:\n{}",
                args.join(" "),
                bad.join("\n")
            );
        }
    }
}

#[test]
fn the_check_itself_sees_a_wide_line_and_an_orphan() {
    assert_eq!(bad_lines("court\nlong long long", 10).len(), 1);
    assert_eq!(bad_lines("Titre\n  : suite\n  » fin", 40).len(), 2);
    assert_eq!(bad_lines("? Aide à confirmer\n? fin\n!", 40).len(), 2);
}
