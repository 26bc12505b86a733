//! Checks that need a whole, loaded rule set: running the embedded examples, example coverage of each
//! condition, freshness (`verifie_le`), conditions that can never hold, and typography. Pure: the caller
//! gives the date of today for the freshness check. It sits above `rules` and `eval`, since running the
//! examples evaluates them.

use chrono::NaiveDate;
use serde::Serialize;

use crate::condition::logic::{Env, Tri};
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::verdict;
use crate::rules::model::{Aide, Exemple, RuleSet};

/// Runs every example of every aid; a mismatch is an `example-mismatch` error.
#[must_use]
pub fn examples(rules: &RuleSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for aide in &rules.aides {
        for ex in &aide.exemples {
            if let Some(d) = run_example(aide, ex) {
                out.push(d);
            }
        }
    }
    out
}

fn fmt_opt(x: Option<i64>) -> String {
    x.map_or_else(|| "aucun".to_owned(), |n| n.to_string())
}

/// Runs one example; `None` when it passes.
#[must_use]
pub fn run_example(aide: &Aide, ex: &Exemple) -> Option<Diagnostic> {
    let env = Env {
        profile: &ex.profil,
        date_ref: ex.date,
    };
    let v = verdict(aide, &env);
    let mut problems = Vec::new();
    if v.statut != ex.statut {
        problems.push(format!(
            "statut attendu {}, obtenu {}",
            ex.statut.as_str(),
            v.statut.as_str()
        ));
    }
    for (what, expected, got) in [
        ("eur", ex.eur, v.montant.eur),
        ("min_eur", ex.min_eur, v.montant.min_eur),
        ("max_eur", ex.max_eur, v.montant.max_eur),
    ] {
        if expected.is_some() && expected != got {
            problems.push(format!(
                "{what} attendu {}, obtenu {}",
                fmt_opt(expected),
                fmt_opt(got)
            ));
        }
    }
    if let Some(expected) = &ex.manquants {
        let mut e: Vec<&str> = expected.iter().map(|f| f.name()).collect();
        let mut g: Vec<&str> = v.manquants.iter().map(|f| f.name()).collect();
        e.sort_unstable();
        g.sort_unstable();
        if e != g {
            problems.push(format!(
                "manquants attendus [{}], obtenus [{}]",
                e.join(", "),
                g.join(", ")
            ));
        }
    }
    if problems.is_empty() {
        return None;
    }
    let decisive: Vec<String> = aide
        .conditions
        .iter()
        .zip(&v.resultats)
        .filter(|(_, r)| **r != Tri::Vrai)
        .map(|(c, r)| format!("« {} » : {}", c.libelle, r.as_str()))
        .collect();
    let mut help = if decisive.is_empty() {
        format!(
            "toutes les conditions sont vraies ; montant calculé : {}",
            v.montant.libelle
        )
    } else {
        format!("conditions non vraies : {}", decisive.join(" ; "))
    };
    help.push_str(
        ". Si la règle suit la source, corrigez l'attendu de l'exemple ; sinon corrigez la règle (conditions ou [montant])",
    );
    Some(
        Diagnostic::error(
            Code::ExampleMismatch,
            &aide.file,
            Some(ex.span.clone()),
            format!("exemple « {} » : {}", ex.nom, problems.join(", ")),
        )
        .with_help(help),
    )
}

pub use crate::condition::check::ConditionCoverage;

#[derive(Debug, Clone, Serialize)]
pub struct AideCoverage {
    pub id: String,
    pub exemples: usize,
    pub conditions: Vec<ConditionCoverage>,
}

/// For each aid, how many examples make each condition true, false and unknown.
#[must_use]
pub fn coverage(rules: &RuleSet) -> Vec<AideCoverage> {
    rules
        .aides
        .iter()
        .map(|aide| {
            let envs = aide.exemples.iter().map(|ex| Env {
                profile: &ex.profil,
                date_ref: ex.date,
            });
            let conditions = crate::condition::check::coverage(&aide.conditions, envs);
            AideCoverage {
                id: aide.id.clone(),
                exemples: aide.exemples.len(),
                conditions,
            }
        })
        .collect()
}

/// `uncovered-condition` warnings for conditions no example makes both true and false.
#[must_use]
pub fn coverage_warnings(rules: &RuleSet, cov: &[AideCoverage]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (aide, c) in rules.aides.iter().zip(cov) {
        for (cond, cc) in aide.conditions.iter().zip(&c.conditions) {
            if !cc.both_ways() {
                let missing = match (cc.vrai, cc.faux) {
                    (0, 0) => "ni vraie ni fausse",
                    (0, _) => "jamais vraie",
                    _ => "jamais fausse",
                };
                out.push(
                    Diagnostic::warning(
                        Code::UncoveredCondition,
                        &aide.file,
                        Some(cond.span.clone()),
                        format!(
                            "condition « {} » {missing} dans les exemples de {}",
                            cond.libelle, aide.id
                        ),
                    )
                    .with_help(
                        "ajoutez un [[exemples]] qui la rend vraie et un qui la rend fausse",
                    ),
                );
            }
        }
    }
    out
}

/// `stale-rule` errors for aids whose facts were checked more than `max_age` days before `today`, and
/// errors for a `verifie_le` after `today`.
#[must_use]
pub fn freshness(rules: &RuleSet, today: NaiveDate, max_age: u32) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for aide in &rules.aides {
        let Some((date, span)) = &aide.verifie_le else {
            continue;
        };
        let age = (today - *date).num_days();
        if age < 0 {
            out.push(
                Diagnostic::error(
                    Code::ValueOutOfDomain,
                    &aide.file,
                    Some(span.clone()),
                    format!(
                        "faits vérifiés le {} : après la date de référence ({})",
                        crate::fr::date(*date),
                        crate::fr::date(today)
                    ),
                )
                .with_help(format!(
                    "écrivez la date où la règle a été vérifiée contre ses sources, au plus tard {}",
                    today.format("%Y-%m-%d")
                )),
            );
        } else if age > i64::from(max_age) {
            out.push(
                Diagnostic::error(
                    Code::StaleRule,
                    &aide.file,
                    Some(span.clone()),
                    format!(
                        "faits vérifiés le {} : il y a {age} jours, plus que les {max_age} autorisés",
                        crate::fr::date(*date)
                    ),
                )
                .with_help(format!(
                    "revérifiez la règle contre ses sources, puis écrivez verifie_le = {}",
                    today.format("%Y-%m-%d")
                )),
            );
        }
    }
    out
}

/// Conditions that make an aid impossible, and branches that can never be taken.
#[must_use]
pub fn unreachable(rules: &RuleSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for aide in &rules.aides {
        out.extend(crate::condition::check::contradictions(
            &aide.conditions,
            &aide.file,
            &rules.refs,
        ));
    }
    out
}

/// `breakable-amount` warnings: in a quoted text, a digit followed by an ordinary space and then a digit,
/// `€` or `%` (`10 000 €`, `50 %`), where a line of the answer could break inside the amount.
#[must_use]
pub fn breakable_amounts(rules: &RuleSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for source in &rules.sources {
        let mut offset = 0;
        for line in source.text.split_inclusive('\n') {
            // A number written as a string (`eur = "10 000"`) is a type error, said as such: no
            // advice about its spaces.
            let literals = string_literals(line);
            let numeric = !literals.is_empty()
                && literals.iter().all(|(_, t)| {
                    t.chars()
                        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '\u{a0}' | ',' | '.'))
                });
            let quoted = !line.trim_start().starts_with('#') && !numeric;
            let mut in_string = false;
            let chars: Vec<(usize, char)> = line.char_indices().collect();
            for (k, &(i, c)) in chars.iter().enumerate() {
                if c == '"' && (k == 0 || chars[k - 1].1 != '\\') {
                    in_string = !in_string;
                    continue;
                }
                let next = |n: usize| chars.get(k + n).map(|(_, c)| *c);
                let amount = c.is_ascii_digit()
                    && next(1) == Some(' ')
                    && next(2).is_some_and(|d| d.is_ascii_digit() || d == '€' || d == '%');
                let numero =
                    c == '°' && next(1) == Some(' ') && next(2).is_some_and(|d| d.is_ascii_digit());
                if quoted && in_string && (amount || numero) {
                    let at = offset + i;
                    out.push(
                        Diagnostic::warning(
                            Code::BreakableAmount,
                            &source.name,
                            Some(at..at + 3),
                            "espace ordinaire dans un montant ou un nombre : la ligne peut se couper au milieu".into(),
                        )
                        .with_help("écrivez une espace insécable (U+00A0) entre les chiffres, avant € ou % et après n° : 10\u{a0}000\u{a0}€, 50\u{a0}%, n°\u{a0}2025-231"),
                    );
                    break;
                }
            }
            offset += line.len();
        }
    }
    out
}

/// Texts whose French punctuation a line could break at: an ordinary space (or none) before
/// « : ; ? ! » or inside « » in a string of a rule file (comments aside). One warning per string, at
/// its first fault; `scripts/typographie.py` fixes them all.
#[must_use]
pub fn breakable_punctuation(rules: &RuleSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for source in &rules.sources {
        let mut offset = 0;
        for line in source.text.split_inclusive('\n') {
            if !line.trim_start().starts_with('#') {
                for (start, text) in string_literals(line) {
                    let fautes = crate::text::wrap::typographie_fautes(text);
                    if let Some(first) = fautes.first() {
                        // The first place the fix changes: the space (or the mark) to point at.
                        let fixed = crate::text::wrap::typographie(text);
                        let same = text
                            .char_indices()
                            .zip(fixed.chars())
                            .find(|((_, a), b)| a != b)
                            .map_or(text.len(), |((i, _), _)| i);
                        let end = text[same..]
                            .char_indices()
                            .nth(2)
                            .map_or(text.len(), |(i, _)| same + i);
                        let at = offset + start;
                        out.push(
                            Diagnostic::warning(
                                Code::BreakablePunctuation,
                                &source.name,
                                Some(at + same..at + end),
                                format!("typographie : {first} ; une ligne peut se couper là"),
                            )
                            .with_help("écrivez une espace insécable (U+00A0) avant « : ; ? ! » et à l'intérieur des guillemets « » ; python3 scripts/typographie.py les corrige toutes"),
                        );
                    }
                }
            }
            offset += line.len();
        }
    }
    out
}

/// The basic string literals of one TOML line (up to a comment): their start offset and content.
fn string_literals(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (open, c) {
            (None, '#') => break,
            (None, '"') => open = Some(i + 1),
            (Some(s), '"') if !escaped => {
                out.push((s, &line[s..i]));
                open = None;
            }
            _ => {}
        }
        escaped = open.is_some() && c == '\\' && !escaped;
    }
    out
}

/// Every check of a loaded rule set (examples and contradictions; freshness when `max_age` is given).
#[must_use]
pub fn all(rules: &RuleSet, today: NaiveDate, max_age: Option<u32>) -> Vec<Diagnostic> {
    let mut out = unreachable(rules);
    out.extend(examples(rules));
    out.extend(breakable_amounts(rules));
    out.extend(breakable_punctuation(rules));
    if let Some(max) = max_age {
        out.extend(freshness(rules, today, max));
    }
    out
}
