//! `aides guide` driven through a pseudo-terminal, as a physician would answer it: each question is
//! recognised by its words and answered by typing text then Enter; the questions this profile does not
//! know are answered « ? ».

#![cfg(unix)]
#![allow(clippy::disallowed_methods)]

use std::process::Command;

use rexpect::session::{PtySession, spawn_command};

const TIMEOUT_MS: u64 = 30_000;

/// The physician's answers, by words of the question.
const ANSWERS: &[(&str, &str)] = &[
    ("quelle commune", "Orléans"),
    ("objet de votre demande", "installation"),
    ("libéral ou en tant que salarié", "libéral"),
    ("votre spécialité", "médecine générale"),
    ("secteur conventionnel", "secteur 1"),
    ("zone du zonage", "ZIP"),
    ("première installation", "oui"),
    ("date vous êtes-vous installé", "02/03/2026"),
    ("10 dernières années", "non"),
];

fn guide(args: &[&str]) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aides"));
    cmd.args(args)
        .env("COLUMNS", "80")
        .env("NO_COLOR", "1")
        .env_remove("AIDES_RULES");
    spawn_command(cmd, Some(TIMEOUT_MS)).expect("spawn aides in a pty")
}

/// Types a line and Enter (a carriage return: the terminal is in raw mode).
fn answer(p: &mut PtySession, text: &str) {
    p.send(text).expect("type");
    p.send("\r").expect("enter");
    p.flush().expect("flush");
}

/// The pty's text is read byte by byte as Latin-1: this gives back the UTF-8 text, without the
/// terminal's control sequences and carriage returns.
fn utf8(latin1: &str) -> String {
    let mut bytes: Vec<u8> = Vec::new();
    let mut chars = latin1.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                if chars.next_if_eq(&'[').is_some() {
                    while chars.next().is_some_and(|c| !('@'..='~').contains(&c)) {}
                } else {
                    chars.next();
                }
            }
            '\r' => {}
            c => bytes.extend(u8::try_from(c).ok()),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Waits for a text (UTF-8) in the output.
fn expect(p: &mut PtySession, text: &str) -> String {
    let needle: String = text.bytes().map(char::from).collect();
    let seen = p
        .exp_string(&needle)
        .unwrap_or_else(|e| panic!("expected « {text} »: {e}"));
    utf8(&seen)
}

/// Answers every question as `ANSWERS` says (`?` for the others) and returns the number of questions
/// asked and everything printed after the last one.
fn run_through(p: &mut PtySession) -> (usize, Vec<String>, String) {
    let mut asked = 0;
    let mut seen = Vec::new();
    loop {
        let (before, matched) = p
            .exp_regex(r"question (\d+)[,\]]|Commande \S+quivalente")
            .unwrap_or_else(|e| panic!("after {asked} questions: {e}"));
        let before = utf8(&before);
        if matched.starts_with("Commande") {
            let rest = utf8(&p.exp_eof().expect("the guide ends"));
            return (asked, seen, format!("{before}{rest}"));
        }
        let n: usize = matched
            .trim_start_matches("question ")
            .trim_end_matches([',', ']'])
            .parse()
            .expect("a question number");
        if n <= asked {
            // The same prompt drawn again.
            continue;
        }
        asked = n;
        let (at, reply) = ANSWERS
            .iter()
            .filter_map(|(words, reply)| before.rfind(words).map(|at| (at, *reply)))
            .max_by_key(|(at, _)| *at)
            .unwrap_or((0, "?"));
        let question = before[at..].lines().next().unwrap_or_default().to_owned();
        seen.push(format!("{question} → {reply}"));
        answer(p, reply);
    }
}

#[test]
fn a_physician_reaches_the_answer_in_at_most_fifteen_questions() {
    let mut p = guide(&["guide", "--date", "2026-12-01"]);
    let (asked, seen, end) = run_through(&mut p);
    assert!(asked <= 15, "{asked} questions: {seen:#?}");
    assert!(
        asked >= ANSWERS.len(),
        "every answer given was asked: {seen:#?}"
    );
    assert!(end.contains("Vos aides éligibles"), "{end}");
    assert!(end.contains("10\u{a0}000\u{a0}€"), "{end}");
    assert!(end.contains("CPAM du Loiret"), "{end}");
    assert!(end.contains("--commune Orléans"), "{end}");
    assert!(end.contains("--specialite medecine-generale"), "{end}");
    assert!(end.contains("--date-installation 02/03/2026"), "{end}");
    assert!(end.contains("--date 01/12/2026"), "{end}");
}

#[test]
fn aides_alone_on_a_terminal_starts_the_guide() {
    let mut p = guide(&[]);
    expect(&mut p, "objet de votre demande");
    // Échap stops and shows the answer (Ctrl-C stops without it: tests/hostile.rs).
    p.send("\x1b").expect("stop");
    p.flush().expect("flush");
    expect(&mut p, "Questionnaire arrêté");
    expect(&mut p, "Commande équivalente");
}

#[test]
fn a_wrong_answer_is_asked_again_and_a_question_mark_moves_on() {
    let mut p = guide(&["guide", "--date", "2026-12-01"]);
    expect(&mut p, "objet de votre demande");
    answer(&mut p, "instalation");
    let said = expect(&mut p, "vouliez-vous dire « installation »");
    assert!(said.contains("« instalation » non acceptée"), "{said}");
    // Correct it: erase the wrong text, type the right one.
    for _ in 0.."instalation".len() {
        p.send("\x7f").expect("erase");
    }
    answer(&mut p, "installation");
    expect(&mut p, "libéral ou en tant que salarié");
    expect(&mut p, "question 2");
    // « je ne sais pas » leaves the field unknown and moves on.
    answer(&mut p, "?");
    expect(&mut p, "question 3");
    p.send("\x1b").expect("Échap");
    p.flush().expect("flush");
    expect(&mut p, "Questionnaire arrêté");
    expect(&mut p, "Commande équivalente");
    let rest = utf8(&p.exp_eof().expect("the end"));
    assert!(rest.contains("--projet installation"), "{rest}");
    assert!(!rest.contains("--exercice"), "{rest}");
}

#[test]
fn a_refused_answer_to_a_long_list_points_to_the_list() {
    let mut p = guide(&["guide", "--date", "2026-12-01"]);
    let mut asked = 0;
    loop {
        let (before, matched) = p
            .exp_regex(r"question (\d+)[,\]]")
            .unwrap_or_else(|e| panic!("after {asked} questions: {e}"));
        let n: usize = matched
            .trim_start_matches("question ")
            .trim_end_matches([',', ']'])
            .parse()
            .expect("a question number");
        if n <= asked {
            // The same prompt drawn again.
            continue;
        }
        asked = n;
        if utf8(&before).contains("Quelle est votre spécialité") {
            break;
        }
        answer(&mut p, "?");
    }
    answer(&mut p, "zzz");
    let said = expect(&mut p, "choisissez dans la liste");
    assert!(said.contains("« zzz » non acceptée"), "{said}");
    // Not the wall of the 43 specialties.
    assert!(!said.contains("allergologie"), "{said}");
}
