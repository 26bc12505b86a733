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
    guide_at(80, args)
}

fn guide_at(columns: usize, args: &[&str]) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aides"));
    cmd.args(args)
        .env("COLUMNS", columns.to_string())
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

/// The lines as the terminal shows them: a carriage return or a move up starts another line (what
/// follows overwrites from the left), other control sequences are dropped.
fn drawn_lines(latin1: &str) -> Vec<String> {
    let mut marked = String::new();
    let mut chars = latin1.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            let mut seq = String::from("\u{1b}");
            for n in chars.by_ref() {
                seq.push(n);
                if n != '[' && ('@'..='~').contains(&n) {
                    break;
                }
            }
            if seq.ends_with('A') {
                marked.push('\n');
            } else {
                marked.push_str(&seq);
            }
        } else if c == '\r' {
            marked.push('\n');
        } else {
            marked.push(c);
        }
    }
    utf8(&marked).lines().map(str::to_owned).collect()
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
    let (asked, seen, end, _) = run_through_drawn(p);
    (asked, seen, end)
}

/// [`run_through`], and every line drawn on the terminal (see [`drawn_lines`]).
fn run_through_drawn(p: &mut PtySession) -> (usize, Vec<String>, String, Vec<String>) {
    let mut asked = 0;
    let mut seen = Vec::new();
    let mut drawn = Vec::new();
    loop {
        let (raw, matched) = p
            .exp_regex(r"question\xc2\xa0(\d+)[,\]]|Commande \S+quivalente")
            .unwrap_or_else(|e| panic!("after {asked} questions: {e}"));
        drawn.extend(drawn_lines(&format!("{raw}{matched}")));
        let before = utf8(&raw);
        if matched.starts_with("Commande") {
            let rest = p.exp_eof().expect("the guide ends");
            drawn.extend(drawn_lines(&rest));
            return (asked, seen, format!("{before}{}", utf8(&rest)), drawn);
        }
        let n: usize = matched
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .expect("a question number");
        if n <= asked {
            // The same prompt drawn again.
            continue;
        }
        asked = n;
        // A question may be wrapped over several lines.
        let flat = before.replace('\n', " ");
        let (at, reply) = ANSWERS
            .iter()
            .filter_map(|(words, reply)| flat.rfind(words).map(|at| (at, *reply)))
            .max_by_key(|(at, _)| *at)
            .unwrap_or((0, "?"));
        let question = flat[at..].chars().take(60).collect::<String>();
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

/// Ctrl-D is the end of input: like Échap, the questionnaire stops and answers with what was said
/// (exit 0); only Ctrl-C leaves without an answer (tests/hostile.rs).
#[test]
fn ctrl_d_ends_the_input_and_answers_with_what_was_said() {
    let mut p = guide(&["guide", "--date", "2026-12-01"]);
    expect(&mut p, "objet de votre demande");
    answer(&mut p, "installation");
    expect(&mut p, "libéral ou en tant que salarié");
    p.send("\x04").expect("Ctrl-D");
    p.flush().expect("flush");
    let rest = utf8(&p.exp_eof().expect("the end"));
    assert!(rest.contains("(arrêté)"), "{rest}");
    assert!(
        rest.contains("Questionnaire arrêté : voici la réponse avec ce que vous avez dit."),
        "{rest}"
    );
    // The answer given before Ctrl-D is kept, and the one asked when it came is not invented.
    let command = &rest[rest.find("Commande équivalente").expect("the command")..];
    assert!(command.contains("--projet installation"), "{command}");
    assert!(!command.contains("--exercice"), "{command}");
    let status = p.process_mut().wait().expect("the exit code");
    assert!(format!("{status:?}").ends_with(", 0)"), "{status:?}");
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
    expect(&mut p, "question\u{a0}2");
    // « je ne sais pas » leaves the field unknown and moves on.
    answer(&mut p, "?");
    expect(&mut p, "question\u{a0}3");
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
            .exp_regex(r"question\xc2\xa0(\d+)[,\]]")
            .unwrap_or_else(|e| panic!("after {asked} questions: {e}"));
        let n: usize = matched
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
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

#[test]
fn first_letters_and_a_word_inside_an_answer_are_enough() {
    let mut p = guide(&["guide", "--date", "2026-12-01"]);
    expect(&mut p, "objet de votre demande");
    // « cab » is a word inside « l'ouverture d'un cabinet secondaire ».
    answer(&mut p, "cab");
    // The place comes next (« ? »: not known); then the zone, by its first letters.
    expect(&mut p, "question\u{a0}2");
    answer(&mut p, "?");
    expect(&mut p, "question\u{a0}3");
    answer(&mut p, "zi");
    expect(&mut p, "question\u{a0}4");
    p.send("\x1b").expect("Échap");
    p.flush().expect("flush");
    let said = expect(&mut p, "Questionnaire arrêté");
    assert!(said.contains("(arrêté)"), "{said}");
    assert!(!said.contains("<canceled>"), "{said}");
    let rest = utf8(&p.exp_eof().expect("the end"));
    assert!(rest.contains("--projet cabinet-secondaire"), "{rest}");
    assert!(rest.contains("--zone ZIP"), "{rest}");
}

/// At 80 and 60 columns, every line the questionnaire draws fits, and none starts with orphaned
/// French punctuation (a lone « ? » ending a question on a line of its own).
#[test]
fn the_questionnaire_fits_80_and_60_columns() {
    for columns in [80, 60] {
        let mut p = guide_at(columns, &["guide", "--date", "2026-12-01"]);
        let (asked, _, _, drawn) = run_through_drawn(&mut p);
        assert!(
            asked > 5 && drawn.len() > 50,
            "{asked} questions, {drawn:#?}"
        );
        let bad: Vec<&String> = drawn
            .iter()
            .filter(|line| {
                let body = line.trim_start_matches([' ', '\u{a0}']);
                line.chars().count() > columns || body == "?" || body.starts_with([':', ';', '»'])
            })
            .collect();
        assert!(bad.is_empty(), "COLUMNS={columns}: {bad:#?}");
    }
}
