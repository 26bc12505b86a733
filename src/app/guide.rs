//! `aides guide` (and `aides` alone on a terminal): the guided questionnaire. It asks, one at a time, the
//! questions of the answer (`report::evaluate`'s `questions`, best first, recomputed after each answer),
//! and stops when no open aid depends on an unanswered question or the physician presses Échap; then it
//! prints the answer and the equivalent `aides check` command line. Each question takes its answer
//! typed (the value, its French label, oui/non, a date as JJ/MM/AAAA, `?` for « je ne sais pas ») or
//! chosen with the arrow keys among the offered answers; a wrong answer is explained and asked again.
//! The prompts are inquire's (a maintained prompt crate rather than raw terminal code).

use std::io::{self, IsTerminal, Write};

use inquire::autocompletion::{Autocomplete, Replacement};
use inquire::validator::Validation;
use inquire::{CustomUserError, InquireError, Text};

use super::{Shell, load};
use crate::cli::GuideArgs;
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::fr::cle;
use crate::output;
use crate::profile::{self, FieldId, Kind, Profile, Value};
use crate::questionnaire::{self, Reponse};
use crate::referentiel::Referentiel;
use crate::report;

/// The answers offered, filtered by what is typed.
#[derive(Clone)]
struct Choices(Vec<String>);

impl Autocomplete for Choices {
    fn get_suggestions(
        &mut self,
        input: &str,
    ) -> std::result::Result<Vec<String>, CustomUserError> {
        let key = cle(input);
        Ok(self
            .0
            .iter()
            .filter(|c| key.is_empty() || cle(c).contains(&key))
            .cloned()
            .collect())
    }

    fn get_completion(
        &mut self,
        _input: &str,
        highlighted: Option<String>,
    ) -> std::result::Result<Replacement, CustomUserError> {
        Ok(highlighted)
    }
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
        return Err(Error::Usage {
            message: "aides guide pose ses questions dans un terminal, et l'entrée standard n'en est pas un\n  aide : pour un profil écrit d'avance, utilisez aides check avec ses options, ou --input FICHIER"
                .into(),
        });
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
            0 => format!("question {n}, la dernière"),
            left => format!("question {n}, encore {left} au plus"),
        };
        if let Some(h) = questionnaire::hint(field) {
            help = format!("{h} · {help}");
        }
        if let Some(w) = &q.ou_trouver {
            help = format!("{help} · où le savoir : {w}");
        }
        let Some(reponse) = ask(field, q.question, &help, &rules.refs)? else {
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
            .map_err(|e| Error::Input {
                message: e.to_string(),
            })?;
        // A yes calls the date asked with it (the date of the last aid after « oui »).
        if yes && let Some(follow) = follow_up(field) {
            asked.push(follow);
            let help = "une date, JJ/MM/AAAA ; « ? » si vous ne savez pas";
            match ask(follow, follow.def().question, help, &rules.refs)? {
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
        format!(
            "Les aides à l'installation auxquelles vous avez droit, en quelques questions (au {}).",
            crate::fr::date(date)
        ),
        "Tapez la réponse puis Entrée, ou choisissez-la avec les flèches ; « ? » : je ne sais pas ; Échap : arrêter et voir la réponse.".to_owned(),
    ];
    let mut text = String::new();
    for line in intro
        .iter()
        .flat_map(|p| output::wrap::wrap(p, width, "", ""))
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

/// The date field asked after a yes to `field`, if any.
fn follow_up(field: FieldId) -> Option<FieldId> {
    profile::FIELDS.iter().enumerate().find_map(|(i, def)| {
        (def.asked_with == Some(field.name()) && def.kind == Kind::Date)
            .then(|| u8::try_from(i).ok().map(FieldId))
            .flatten()
    })
}

/// The help of a refused answer where a list is offered.
const LIST_HELP: &str =
    "choisissez dans la liste (flèches) ou tapez ses premières lettres ; « ? » : je ne sais pas";

/// Asks one question until it gets an answer it can read; `None` when the physician stops.
fn ask(field: FieldId, question: &str, help: &str, refs: &Referentiel) -> Result<Option<Reponse>> {
    let choices = questionnaire::choices(field);
    // Where a list is offered, the whole domain in the message would be a wall of words: point to
    // the list instead, and keep a spelling suggestion when there is one.
    let domain = profile::expected(field, refs);
    let listed = choices.len() > 1;
    let validator = move |text: &str| -> std::result::Result<Validation, CustomUserError> {
        Ok(match questionnaire::answer(field, text, refs) {
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
                Validation::Invalid(crate::text::visible(&message).into_owned().into())
            }
        })
    };
    let mut prompt = Text::new(question)
        .with_help_message(help)
        .with_validator(validator);
    if choices.len() > 1 {
        prompt = prompt.with_autocomplete(Choices(choices));
    }
    match prompt.prompt() {
        Ok(text) => Ok(Some(
            questionnaire::answer(field, &text, refs).unwrap_or(Reponse::Inconnu),
        )),
        // Échap stops and shows the answer so far; Ctrl-C stops without it (exit 130).
        Err(InquireError::OperationCanceled) => Ok(None),
        Err(InquireError::OperationInterrupted) => Err(Error::Interrupted),
        Err(InquireError::IO(e)) => Err(Error::Io {
            path: "terminal".into(),
            source: e,
        }),
        Err(e) => Err(Error::Input {
            message: format!("questionnaire interrompu : {e}"),
        }),
    }
}
