//! `aides guide` (and `aides` alone on a terminal): the guided questionnaire. It asks, one at a time, the
//! questions of the answer (`report::evaluate`'s `questions`, best first, recomputed after each answer),
//! and stops when no open aid depends on an unanswered question or the physician presses Échap; then it
//! prints the answer and the equivalent `aides check` command line. Each question takes its answer
//! typed (the value, its French label, oui/non, a date as JJ/MM/AAAA, `?` for « je ne sais pas ») or
//! chosen with the arrow keys among the offered answers; a wrong answer is explained and asked again.
//! The prompts are inquire's (a maintained prompt crate rather than raw terminal code).

use std::io::{self, IsTerminal, Write};

use inquire::autocompletion::{Autocomplete, Replacement};
use inquire::ui::{RenderConfig, Styled};
use inquire::validator::Validation;
use inquire::{CustomUserError, InquireError, Text};

use super::{Shell, load};
use crate::cli::GuideArgs;
use crate::error::{Error, Fault, Result};
use crate::exit::ExitCode;
use crate::fr::cle;
use crate::output;
use crate::profile::{self, FieldId, Kind, Profile, Value};
use crate::questionnaire::{self, Reponse};
use crate::referentiel::Referentiel;
use crate::report;

/// The answers offered, filtered by what is typed; a label wider than the terminal is shown cut
/// at a word, with « … » (it still designates its answer: [`choice_for`] reads first letters).
#[derive(Clone)]
struct Choices(Vec<String>, usize);

/// `label` cut at a word boundary to `width` columns, with « … » where it was cut.
fn shorten(label: &str, width: usize) -> String {
    if label.chars().count() <= width {
        return label.to_owned();
    }
    let mut out = String::new();
    for word in label.split(' ') {
        if out.chars().count() + word.chars().count() + 2 > width {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

impl Autocomplete for Choices {
    fn get_suggestions(
        &mut self,
        input: &str,
    ) -> std::result::Result<Vec<String>, CustomUserError> {
        let key = cle(input.trim_end_matches('…'));
        Ok(self
            .0
            .iter()
            .filter(|c| key.is_empty() || cle(c).contains(&key))
            .map(|c| shorten(c, self.1))
            .collect())
    }

    /// Tab takes the highlighted answer, else the first one that matches what is typed.
    fn get_completion(
        &mut self,
        input: &str,
        highlighted: Option<String>,
    ) -> std::result::Result<Replacement, CustomUserError> {
        Ok(highlighted.or_else(|| self.get_suggestions(input).ok()?.into_iter().next()))
    }
}

/// The offered answer that `typed` designates: the one whose label (case and accents ignored)
/// starts with it, or has a word that does (« cab » → « l'ouverture d'un cabinet secondaire »,
/// « lib » → « libéral »); `None` when none or several do (an exact label wins over prefixes).
fn choice_for<'c>(typed: &str, choices: &'c [String]) -> Option<&'c String> {
    let key = cle(typed.trim().trim_end_matches('…'));
    if key.is_empty() {
        return None;
    }
    if let Some(exact) = choices.iter().find(|c| cle(c) == key) {
        return Some(exact);
    }
    let matches = |c: &String| {
        let label = cle(c);
        label.starts_with(&key)
            || label
                .split(|ch: char| !ch.is_alphanumeric())
                .any(|word| word.starts_with(&key))
    };
    let mut found = choices.iter().filter(|c| matches(c));
    match (found.next(), found.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// Reads an answer: as typed, else as the offered answer it designates by its first letters.
fn read_answer(
    field: FieldId,
    typed: &str,
    choices: &[String],
    refs: &Referentiel,
) -> std::result::Result<Reponse, profile::FieldError> {
    questionnaire::answer(field, typed, refs).or_else(|e| {
        // The first letters of a value (`cab` → `cabinet-secondaire`), then of a label or of a
        // word in it.
        let key = cle(typed.trim());
        let by_value = match field.def().kind {
            Kind::Choice(values) if !key.is_empty() => {
                let mut found = values.iter().filter(|v| v.starts_with(&key));
                match (found.next(), found.next()) {
                    (Some(one), None) => Some(*one),
                    _ => None,
                }
            }
            _ => None,
        };
        by_value
            .or_else(|| choice_for(typed, choices).map(String::as_str))
            .map_or(Err(e), |c| questionnaire::answer(field, c, refs))
    })
}

/// The question, wrapped so that its last line leaves room for the answer typed after it.
fn fit_question(question: &str, width: usize) -> String {
    let width = width.saturating_sub(2).max(20);
    let mut lines = crate::text::wrap::wrap(question, width, "", "");
    if let Some(last) = lines.pop() {
        lines.extend(crate::text::wrap::wrap(
            &last,
            width.saturating_sub(ANSWER_ROOM).max(20),
            "",
            "",
        ));
    }
    lines.join("\n")
}

/// Columns kept free after a question for the answer typed on its line.
const ANSWER_ROOM: usize = 24;

/// A text for the prompt, wrapped to the terminal (inquire cuts a long line anywhere).
fn fit(text: &str, width: usize) -> String {
    crate::text::wrap::wrap(text, width.saturating_sub(2).max(20), "", "").join("\n")
}

/// Why the questionnaire ended.
enum Fin {
    /// No question remains.
    Complet,
    /// The physician asked to stop.
    Arret,
}

/// Runs the questionnaire on the terminal.
///
/// # Errors
/// Not a terminal (a usage error), unusable rules, a failed write.
pub(super) fn run(args: &GuideArgs, shell: Shell, out: &mut dyn Write) -> Result<ExitCode> {
    if !io::stdin().is_terminal() {
        return Err(Error::usage(
            None,
            "aides guide pose ses questions dans un terminal, et l'entrée standard n'en est pas un",
            "pour un profil écrit d'avance, utilisez aides check avec ses options, ou --input FICHIER",
        ));
    }
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let date = args.date.unwrap_or(shell.today);
    let mut profile = Profile::default();
    let width = usize::from(shell.style().width.unwrap_or(100)).min(100);
    intro(out, date, width).map_err(Error::stdout)?;
    let mut asked: Vec<FieldId> = Vec::new();
    let mut n = 0;
    let fin = loop {
        let rapport = report::evaluate(rules, &profile, date);
        let next = questionnaire::restantes(&rapport, &profile, &asked);
        let Some(q) = next.first() else {
            break Fin::Complet;
        };
        let field = q.champ;
        asked.push(field);
        n += 1;
        let mut help = match next.len() - 1 {
            0 => format!("question\u{a0}{n}, la dernière"),
            left => format!("question\u{a0}{n}, encore {left} au\u{a0}plus"),
        };
        if let Some(h) = questionnaire::hint(field) {
            help = format!("{h} · {help}");
        }
        if let Some(w) = &q.ou_trouver {
            help = format!("{help} · où le savoir : {w}");
        }
        let Some(reponse) = ask(field, q.question, &help, &rules.refs, width)? else {
            break Fin::Arret;
        };
        let Reponse::Valeurs(values) = reponse else {
            continue;
        };
        let yes = values.first().is_some_and(|(_, v)| *v == Value::Bool(true));
        for (f, v) in values {
            profile.set(f, Some(v));
        }
        profile
            .resolve_region(&rules.refs)
            .map_err(|e| Error::Input(Fault::new(None, e.to_string())))?;
        // A yes calls the date asked with it (the date of the last aid after « oui »).
        if yes && let Some(follow) = questionnaire::follow_up(field) {
            asked.push(follow);
            let help = "une date, JJ/MM/AAAA ; « ? » si vous ne savez pas";
            match ask(follow, follow.def().question, help, &rules.refs, width)? {
                None => break Fin::Arret,
                Some(Reponse::Valeurs(values)) => {
                    for (f, v) in values {
                        profile.set(f, Some(v));
                    }
                }
                Some(Reponse::Inconnu) => {}
            }
        }
    };
    let rapport = report::evaluate(rules, &profile, date);
    let line = questionnaire::command_line(&profile, date, &rules.refs);
    conclude(out, &rapport, &fin, &line, shell.style(), width).map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

/// What the questionnaire is, and how to answer.
fn intro(out: &mut dyn Write, date: chrono::NaiveDate, width: usize) -> io::Result<()> {
    let intro = [
        questionnaire::intro(date),
        "Tapez la réponse puis Entrée, ou choisissez-la avec les flèches ; « ? » : je ne sais pas ; Échap : arrêter et voir la réponse.".to_owned(),
    ];
    let mut text = String::new();
    for line in intro
        .iter()
        .flat_map(|p| crate::text::wrap::wrap(p, width, "", ""))
    {
        text.push_str(&line);
        text.push('\n');
    }
    text.push('\n');
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// The answer, and the command line that gives it again.
fn conclude(
    w: &mut dyn Write,
    rapport: &report::Rapport<'_>,
    fin: &Fin,
    command_line: &str,
    style: output::Style,
    width: usize,
) -> io::Result<()> {
    writeln!(w)?;
    if matches!(fin, Fin::Arret) {
        writeln!(
            w,
            "Questionnaire arrêté : voici la réponse avec ce que vous avez dit.\n"
        )?;
    }
    output::answer::write(w, rapport, output::answer::AnswerOptions::default(), style)?;
    writeln!(
        w,
        "\nCommande équivalente (pour refaire ou partager ce calcul) :"
    )?;
    for l in questionnaire::wrap_command(command_line, width, "  ") {
        writeln!(w, "{l}")?;
    }
    Ok(())
}

/// The help of a refused answer where a list is offered.
const LIST_HELP: &str =
    "choisissez dans la liste (flèches) ou tapez ses premières lettres ; « ? » : je ne sais pas";

/// Asks one question until it gets an answer it can read; `None` when the physician stops.
fn ask(
    field: FieldId,
    question: &str,
    help: &str,
    refs: &Referentiel,
    width: usize,
) -> Result<Option<Reponse>> {
    let choices = questionnaire::choices(field);
    let offered = choices.clone();
    // Where a list is offered, the whole domain in the message would be a wall of words: point to
    // the list instead, and keep a spelling suggestion when there is one.
    let domain = profile::expected(field, refs);
    let listed = choices.len() > 1;
    let validator = move |text: &str| -> std::result::Result<Validation, CustomUserError> {
        Ok(match read_answer(field, text, &offered, refs) {
            Ok(_) => Validation::Valid,
            Err(e) => {
                let help = match e.help {
                    Some(h) if listed && h == domain => Some(LIST_HELP.to_owned()),
                    h => h,
                };
                let mut message = e.message;
                if let Some(h) = help {
                    message.push_str(&format!(" — {h}"));
                }
                Validation::Invalid(fit(&crate::text::visible(&message), width).into())
            }
        })
    };
    let question = fit_question(question, width);
    let help = fit(help, width);
    let render = RenderConfig::default().with_canceled_prompt_indicator(
        Styled::new("(arrêté)").with_fg(inquire::ui::Color::DarkGrey),
    );
    let mut prompt = Text::new(&question)
        .with_help_message(&help)
        .with_validator(validator)
        .with_render_config(render);
    if choices.len() > 1 {
        prompt = prompt.with_autocomplete(Choices(choices.clone(), width.saturating_sub(4)));
    }
    match prompt.prompt() {
        Ok(text) => Ok(Some(
            read_answer(field, &text, &choices, refs).unwrap_or(Reponse::Inconnu),
        )),
        // Échap stops and shows the answer so far, and so does Ctrl-D (the end of input: the prompt
        // reads it as Échap); Ctrl-C stops without it (exit 130).
        Err(InquireError::OperationCanceled) => Ok(None),
        Err(InquireError::OperationInterrupted) => Err(Error::Interrupted),
        Err(InquireError::IO(e)) => Err(Error::Io {
            path: "terminal".into(),
            source: e,
        }),
        Err(e) => Err(Error::Input(Fault::new(
            None,
            format!("questionnaire interrompu : {e}"),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn first_letters_of_a_label_or_of_a_word_in_it_designate_one_answer() {
        let c = labels(&[
            "votre installation (cabinet principal ou poste salarié)",
            "l'ouverture d'un cabinet secondaire",
            "libéral",
            "salarié",
        ]);
        assert_eq!(choice_for("lib", &c), Some(&c[2]));
        assert_eq!(choice_for("Ouv", &c), Some(&c[1]));
        assert_eq!(choice_for("second", &c), Some(&c[1]));
        // « cabinet » is in two labels: not one answer.
        assert_eq!(choice_for("cab", &c), None);
        assert_eq!(choice_for("", &c), None);
        assert_eq!(choice_for("zzz", &c), None);
        // An exact label wins over the labels it begins.
        let d = labels(&["oui", "oui, plus tard"]);
        assert_eq!(choice_for("OUI", &d), Some(&d[0]));
        // A label shown cut designates its answer.
        let shown = shorten(&c[0], 30);
        assert_eq!(shown, "votre installation (cabinet…");
        assert_eq!(choice_for(&shown, &c), Some(&c[0]));
        assert_eq!(shorten("court", 30), "court");
    }

    #[test]
    fn a_question_leaves_room_for_its_answer_and_never_a_lone_mark() {
        let q = "Dans quelle commune est votre cabinet (le cabinet secondaire, pour une demande de cabinet secondaire) ?";
        let text = fit_question(q, 60);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() > 1, "{text}");
        assert!(lines.iter().all(|l| l.chars().count() <= 58), "{text}");
        let last = lines.last().unwrap();
        assert!(last.chars().count() + 2 + ANSWER_ROOM <= 60, "{text}");
        assert!(last.ends_with(" ?") && *last != "?", "{text}");
        assert_eq!(fit("court ?", 60), "court ?");
    }
}
