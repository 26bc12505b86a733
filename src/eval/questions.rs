//! The questions that remain for a profile (SPEC §5 `questions`), best first. A question asks one
//! field of the vocabulary (with the fields asked with it: the département and the region are one
//! question, both forms of the 10-year rule another), or is a condition's own question (`inconnue_si`).
//! The order comes from the rules: each question is weighed by the money its answer would decide (each
//! open aid's amount at stake, times the share of the answers that decide it), trying the values that
//! matter (every value of a closed set, the thresholds of the
//! conditions for numbers and dates). So `secteur` comes before `optam` (the OPTAM decides nothing while
//! the sector is unknown) and `projet` before `date_installation`, without a list saying so.

use chrono::{Days, Months, NaiveDate};

use super::Verdict;
use super::logic::{Env, Tri, eval};
use crate::condition::{Condition, ConditionQuestion, Reach};
use crate::profile::{self, FieldId, Kind, Profile, Value};
use crate::referentiel::Referentiel;
use crate::rules::model::{Aide, Statut};

/// One question, and the à-confirmer aids it would help decide.
#[derive(Debug, Clone)]
pub struct Question<'r> {
    /// The fields it asks: the one asked first, then those asked with it. Empty for a condition's own
    /// question.
    pub champs: Vec<FieldId>,
    /// A condition's own question (no field answers it).
    pub condition: Option<&'r ConditionQuestion>,
    /// The aids it concerns, in report order.
    pub aides: Vec<&'r Aide>,
    /// How many aids its answer would decide (a fraction for each aid: the share of the values tried
    /// that decide it).
    pub poids: f64,
}

/// The field whose question asks `field` (itself, or the one it is asked with).
#[must_use]
pub fn asked_by(field: FieldId) -> FieldId {
    field
        .def()
        .asked_with
        .and_then(profile::field_id)
        .unwrap_or(field)
}

/// The questions that would decide the à-confirmer aids among `verdicts`, best first.
#[must_use]
pub fn questions<'r>(
    verdicts: &[(&'r Aide, &Verdict<'r>)],
    profile: &Profile,
    date_ref: NaiveDate,
    refs: &Referentiel,
) -> Vec<Question<'r>> {
    let env = Env { profile, date_ref };
    let mut out: Vec<Question<'r>> = Vec::new();
    for (aide, v) in verdicts {
        if v.statut != Statut::AConfirmer {
            continue;
        }
        for &f in &v.manquants {
            let primary = asked_by(f);
            if let Some(q) = out.iter_mut().find(|q| q.champs.first() == Some(&primary)) {
                if !q.champs.contains(&f) {
                    q.champs.push(f);
                }
                if !q.aides.iter().any(|a| a.id == aide.id) {
                    q.aides.push(aide);
                }
            } else {
                let mut champs = vec![primary];
                if f != primary {
                    champs.push(f);
                }
                out.push(Question {
                    champs,
                    condition: None,
                    aides: vec![aide],
                    poids: 0.0,
                });
            }
        }
    }
    for q in &mut out {
        q.poids = q
            .aides
            .iter()
            .filter_map(|a| {
                let v = verdicts.iter().find(|(b, _)| b.id == a.id)?.1;
                Some(decides(a, v, &q.champs, &env, refs) * stake(v))
            })
            .sum();
    }
    out.sort_by(|a, b| {
        b.poids
            .total_cmp(&a.poids)
            .then(a.champs[0].cmp(&b.champs[0]))
    });
    // A question that matters only for some answers of a question asked before it weighs only that
    // share (the structure matters only when the request is about a structure, the OPTAM only in
    // sector 2): it then comes after the questions that matter whatever the earlier answers.
    let weights: Vec<f64> = (0..out.len())
        .map(|i| {
            let keep = (0..i)
                .filter(|&j| {
                    out[i]
                        .aides
                        .iter()
                        .all(|a| out[j].aides.iter().any(|b| b.id == a.id))
                })
                .map(|j| still_asked(&out[j], &out[i], &env, refs))
                .fold(1.0, f64::min);
            out[i].poids * keep
        })
        .collect();
    for (q, w) in out.iter_mut().zip(weights) {
        q.poids = w;
    }
    out.sort_by(|a, b| {
        b.poids
            .total_cmp(&a.poids)
            .then(a.champs[0].cmp(&b.champs[0]))
    });
    // The questions no field answers come last, one per distinct question.
    for (aide, v) in verdicts {
        for q in &v.questions {
            match out
                .iter_mut()
                .find(|o| o.condition.is_some_and(|c| c == *q))
            {
                Some(o) => o.aides.push(aide),
                None => out.push(Question {
                    champs: Vec::new(),
                    condition: Some(q),
                    aides: vec![aide],
                    poids: 0.0,
                }),
            }
        }
    }
    out
}

/// The money an aid puts at stake, by which its questions weigh: its ceiling in euros (else its floor),
/// plus one euro so that an aid without a euro amount still counts, after any that has one.
fn stake(v: &Verdict<'_>) -> f64 {
    let eur = v.montant.max_eur.or(v.montant.min_eur).unwrap_or(0).max(0);
    #[allow(clippy::cast_precision_loss)]
    let eur = eur as f64;
    eur + 1.0
}

/// The field whose values stand for a question's answers: the département for the commune.
fn tried(field: FieldId) -> FieldId {
    match field.def().kind {
        Kind::Commune | Kind::CodePostal => crate::profile::ids::DEPARTEMENT,
        _ => field,
    }
}

/// The share of the answers to `first` after which `later` is still asked by one of its aids.
fn still_asked(
    first: &Question<'_>,
    later: &Question<'_>,
    env: &Env<'_>,
    refs: &Referentiel,
) -> f64 {
    let field = tried(first.champs[0]);
    let conditions: Vec<&Condition> = first
        .aides
        .iter()
        .flat_map(|a| a.conditions.iter())
        .collect();
    let values = candidates(field, &conditions, env, refs);
    if values.is_empty() {
        return 1.0;
    }
    let kept = values
        .iter()
        .filter(|value| {
            let mut p = env.profile.clone();
            p.set(field, Some((*value).clone()));
            if field.def().kind == Kind::Departement {
                p.set(crate::profile::ids::REGION, None);
                let _ = p.resolve_region(refs);
            }
            let env = Env {
                profile: &p,
                date_ref: env.date_ref,
            };
            later.aides.iter().any(|a| {
                let v = super::verdict(a, &env);
                v.statut == Statut::AConfirmer
                    && v.manquants.iter().any(|f| later.champs.contains(f))
            })
        })
        .count();
    #[allow(clippy::cast_precision_loss)]
    let share = kept as f64 / values.len() as f64;
    share
}

/// The share of the values tried for the question's first field that would decide the aid.
fn decides(
    aide: &Aide,
    v: &Verdict<'_>,
    champs: &[FieldId],
    env: &Env<'_>,
    refs: &Referentiel,
) -> f64 {
    let field = tried(champs[0]);
    // The conditions still unknown that the answer may change.
    let open: Vec<&Condition> = aide
        .conditions
        .iter()
        .zip(&v.resultats)
        .filter(|(_, r)| **r == Tri::Inconnu)
        .map(|(c, _)| c)
        .collect();
    let touched: Vec<&Condition> = open
        .iter()
        .copied()
        .filter(|c| {
            let mut fields = Vec::new();
            c.node.reads(&mut fields);
            fields.iter().any(|f| champs.contains(f))
        })
        .collect();
    let values = candidates(field, &touched, env, refs);
    if values.is_empty() {
        return 0.0;
    }
    let decided = values
        .iter()
        .filter(|value| {
            let mut p = env.profile.clone();
            p.set(field, Some((*value).clone()));
            if field.def().kind == Kind::Departement {
                p.set(crate::profile::ids::REGION, None);
                let _ = p.resolve_region(refs);
            }
            let env = Env {
                profile: &p,
                date_ref: env.date_ref,
            };
            let results: Vec<Tri> = touched.iter().map(|c| eval(&c.node, &env)).collect();
            results.contains(&Tri::Faux)
                || (touched.len() == open.len() && results.iter().all(|r| *r == Tri::Vrai))
        })
        .count();
    #[allow(clippy::cast_precision_loss)]
    let share = decided as f64 / values.len() as f64;
    share
}

/// The values worth trying for a field: every value of a closed set; for numbers and dates, each
/// threshold the conditions compare it with, and its neighbours.
fn candidates(
    field: FieldId,
    conditions: &[&Condition],
    env: &Env<'_>,
    refs: &Referentiel,
) -> Vec<Value> {
    let choices = |n: usize| -> Vec<Value> {
        (0..n)
            .filter_map(|i| u16::try_from(i).ok())
            .map(Value::Choice)
            .collect()
    };
    match field.def().kind {
        Kind::Bool => vec![Value::Bool(true), Value::Bool(false)],
        Kind::Choice(values) => choices(values.len()),
        Kind::IntChoice(values) => choices(values.len()),
        Kind::Departement => choices(refs.departements.len()),
        Kind::Region => choices(refs.regions.len()),
        Kind::List(values) => std::iter::once(Value::Set(0))
            .chain((0..values.len()).map(|i| Value::Set(1 << i)))
            .collect(),
        Kind::Number { step, .. } => {
            let step = step.unwrap_or(0.5);
            let mut out = Vec::new();
            for x in thresholds(field, conditions) {
                for y in [x - step, x, x + step] {
                    let v = Value::Num(y);
                    if profile::check_value(field, &v) && !out.contains(&v) {
                        out.push(v);
                    }
                }
            }
            out
        }
        Kind::Integer { .. } => {
            let mut out = Vec::new();
            for x in thresholds(field, conditions) {
                for y in [x - 1.0, x, x + 1.0] {
                    let v = Value::Num(y.floor());
                    if profile::check_value(field, &v) && !out.contains(&v) {
                        out.push(v);
                    }
                }
            }
            out
        }
        Kind::Date => {
            let mut out = Vec::new();
            for d in date_thresholds(field, conditions, env) {
                for e in [d.pred_opt(), Some(d), d.succ_opt()].into_iter().flatten() {
                    let v = Value::Date(e);
                    if !out.contains(&v) {
                        out.push(v);
                    }
                }
            }
            if out.is_empty() {
                out.push(Value::Date(env.date_ref));
            }
            out
        }
        // A commune is tried through the département it gives.
        Kind::Commune | Kind::CodePostal => {
            candidates(crate::profile::ids::DEPARTEMENT, conditions, env, refs)
        }
        Kind::Text => Vec::new(),
    }
}

/// The numbers a field is compared with.
fn thresholds(field: FieldId, conditions: &[&Condition]) -> Vec<f64> {
    let mut out = Vec::new();
    for c in conditions {
        for leaf in c.node.leaves(Reach::All) {
            if leaf.field == field {
                out.extend(leaf.test.numbers());
            }
        }
    }
    out
}

/// The dates a date field is compared with, computed where they are relative to another date.
fn date_thresholds(field: FieldId, conditions: &[&Condition], env: &Env<'_>) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    for c in conditions {
        for leaf in c.node.leaves(Reach::All) {
            for o in leaf.test.operands() {
                if let Some((base, months)) = o.relative() {
                    if base == field {
                        // `leaf.field` compared with `field + months`: the date of `field` that meets it.
                        if let Some(d) = env.date(leaf.field) {
                            out.extend(d.checked_sub_months(Months::new(months)));
                        }
                    } else if leaf.field == field
                        && let Some(d) = env.date(base)
                    {
                        out.extend(d.checked_add_months(Months::new(months)));
                    }
                } else if leaf.field == field {
                    out.extend(o.date());
                }
            }
        }
    }
    // A date of the reference year, for fields no condition dates (so that the question still weighs).
    if out.is_empty() {
        out.extend(env.date_ref.checked_sub_days(Days::new(1)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{order_key, verdict};
    use crate::profile::{Raw, from_pairs};
    use crate::rules::model::RuleSet;
    use crate::rules::{SourceFile, load};
    use std::sync::OnceLock;

    fn rules() -> &'static RuleSet {
        static RULES: OnceLock<RuleSet> = OnceLock::new();
        RULES.get_or_init(|| crate::rules::embedded().rules)
    }

    /// The fields asked, best first, for a profile given as flags.
    fn asked(flags: &[(&str, &str)], on: &str) -> Vec<&'static str> {
        let rules = rules();
        let date_ref = NaiveDate::parse_from_str(on, "%d/%m/%Y").unwrap();
        let profile = from_pairs(flags.iter().map(|(k, v)| (*k, Raw::Flag(v))), &rules.refs)
            .expect("profil valide");
        let env = Env {
            profile: &profile,
            date_ref,
        };
        let mut verdicts: Vec<(&Aide, Verdict<'_>)> =
            rules.aides.iter().map(|a| (a, verdict(a, &env))).collect();
        verdicts.sort_by_key(|(_, v)| order_key(v.statut, &v.montant));
        let refs: Vec<(&Aide, &Verdict<'_>)> = verdicts.iter().map(|(a, v)| (*a, v)).collect();
        questions(&refs, &profile, date_ref, &rules.refs)
            .iter()
            .filter_map(|q| q.champs.first().map(|f| f.name()))
            .collect()
    }

    fn rank(list: &[&str], field: &str) -> usize {
        list.iter()
            .position(|f| *f == field)
            .unwrap_or_else(|| panic!("{field} absent de {list:?}"))
    }

    #[test]
    fn the_installation_date_worth_50_000_euros_comes_before_the_qpv() {
        let gp = [
            ("departement", "14"),
            ("zone", "ZAC"),
            ("specialite", "medecine-generale"),
            ("exercice", "liberal"),
            ("secteur", "1"),
            ("projet", "installation"),
        ];
        let q = asked(&gp, "01/02/2026");
        assert!(rank(&q, "date_installation") < rank(&q, "qpv"), "{q:?}");
    }

    #[test]
    fn a_field_others_depend_on_comes_first() {
        // The OPTAM decides nothing while the sector is unknown.
        let gp = [
            ("departement", "45"),
            ("zone", "ZIP"),
            ("specialite", "medecine-generale"),
            ("exercice", "liberal"),
            ("projet", "installation"),
        ];
        let q = asked(&gp, "01/02/2026");
        assert!(rank(&q, "secteur") < rank(&q, "optam"), "{q:?}");
    }

    fn with_max(max: Option<i64>, min: Option<i64>) -> Verdict<'static> {
        Verdict {
            statut: Statut::AConfirmer,
            resultats: Vec::new(),
            manquants: Vec::new(),
            questions: Vec::new(),
            montant: crate::eval::montant::Somme {
                eur: None,
                min_eur: min,
                max_eur: max,
                libelle: "".into(),
            },
        }
    }

    /// A rule set of the embedded reference data and the given aids: an id, an amount in euros and
    /// the aid's `[[conditions]]` tables.
    fn synthetic(aides: &[(&str, i64, &str)]) -> RuleSet {
        let sources: Vec<SourceFile> = aides
            .iter()
            .map(|(id, eur, conditions)| SourceFile {
                rel: format!("national/{id}.toml"),
                name: format!("rules/national/{id}.toml"),
                text: format!(
                    "id = \"{id}\"\nnom = \"Aide {id}\"\nresume = \"Aide d'essai.\"\n\
                     financeur = \"CPAM\"\npublic = \"Médecins\"\ncontact = \"cpam\"\n\
                     verifie_le = 2026-11-24\nengagements = []\ncumul = []\nnotes = []\n\
                     [periode]\nen_vigueur_du = 2026-01-01\n{conditions}\n\
                     [montant]\ntype = \"fixe\"\neur = {eur}\n\
                     [[versements]]\npart_pct = 100\nquand = \"en une fois\"\n\
                     [[sources]]\ntitre = \"Texte d'essai\"\nurl = \"https://www.ameli.fr/\"\n"
                ),
            })
            .collect();
        // Read as evaluation reads them: whole files with no examples to check.
        let lengths: Vec<(String, usize)> = sources
            .iter()
            .map(|f| (f.rel.clone(), f.text.len()))
            .collect();
        let loaded = load(sources, &|rel| {
            lengths.iter().find(|(r, _)| r == rel).map(|(_, n)| *n)
        });
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        assert_eq!(loaded.rules.aides.len(), aides.len());
        loaded.rules
    }

    /// The questions for a profile given as flags, under `rules`, on 01/02/2026.
    fn ask<'r>(rules: &'r RuleSet, flags: &[(&str, &str)]) -> Vec<Question<'r>> {
        let date_ref = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        let profile = from_pairs(flags.iter().map(|(k, v)| (*k, Raw::Flag(v))), &rules.refs)
            .expect("profil valide");
        let env = Env {
            profile: &profile,
            date_ref,
        };
        let verdicts: Vec<(&Aide, Verdict<'_>)> =
            rules.aides.iter().map(|a| (a, verdict(a, &env))).collect();
        let refs: Vec<(&Aide, &Verdict<'_>)> = verdicts.iter().map(|(a, v)| (*a, v)).collect();
        questions(&refs, &profile, date_ref, &rules.refs)
    }

    /// The weight of the question that asks `field` first.
    fn weight(questions: &[Question<'_>], field: &str) -> f64 {
        questions
            .iter()
            .find(|q| q.champs.first().map(|f| f.name()) == Some(field))
            .unwrap_or_else(|| panic!("pas de question {field}"))
            .poids
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn a_question_asked_only_in_one_region_weighs_the_share_of_its_departements() {
        // The OPTAM matters only for a practice in Normandie: asked after the commune, it weighs
        // half of the aid (one answer in two decides it) times the share of the départements that
        // leave it to ask.
        let rules = synthetic(&[(
            "normandie-optam",
            10_000,
            "[[conditions]]\nlibelle = \"En Normandie\"\nchamp = \"region\"\negal = \"normandie\"\n\n\
             [[conditions]]\nlibelle = \"OPTAM\"\nchamp = \"optam\"\negal = true\n",
        )]);
        let q = ask(&rules, &[]);
        let names: Vec<&str> = q
            .iter()
            .filter_map(|q| q.champs.first().map(|f| f.name()))
            .collect();
        assert_eq!(names, ["commune", "optam"]);
        let normandie = rules.refs.region_id("normandie").expect("région");
        let all = rules.refs.departements.len();
        let inside = rules
            .refs
            .departements
            .iter()
            .filter(|d| d.region == normandie)
            .count();
        assert_eq!(inside, 5);
        #[allow(clippy::cast_precision_loss)]
        let share = inside as f64 / all as f64;
        assert!(
            close(weight(&q, "optam"), 0.5 * 10_001.0 * share),
            "{}",
            weight(&q, "optam")
        );
    }

    #[test]
    fn a_question_an_earlier_answer_makes_useless_comes_after_one_still_needed() {
        // In a QPV, the 10 000 € aid needs the OPTAM; outside, the 1 000 € one needs the OPTAM only
        // through the QPV, which is then answered: it stays à confirmer for the new practice alone.
        // So the OPTAM weighs half its 10 000 € and comes after the new practice, which every answer
        // of the QPV still leaves to ask.
        let rules = synthetic(&[
            (
                "qpv-optam",
                10_000,
                "[[conditions]]\nlibelle = \"QPV\"\nchamp = \"qpv\"\negal = true\n\n\
                 [[conditions]]\nlibelle = \"OPTAM\"\nchamp = \"optam\"\negal = true\n",
            ),
            (
                "hors-qpv-ou-optam",
                1_000,
                "[[conditions]]\nlibelle = \"Hors QPV ou OPTAM\"\nun_de = [\n  \
                 { champ = \"qpv\", egal = false },\n  { champ = \"optam\", egal = true },\n]\n\n\
                 [[conditions]]\nlibelle = \"Création\"\nchamp = \"cabinet_ex_nihilo\"\negal = true\n",
            ),
            (
                "qpv-creation",
                7_000,
                "[[conditions]]\nlibelle = \"QPV\"\nchamp = \"qpv\"\negal = true\n\n\
                 [[conditions]]\nlibelle = \"Création\"\nchamp = \"cabinet_ex_nihilo\"\negal = true\n",
            ),
        ]);
        let q = ask(&rules, &[]);
        let names: Vec<&str> = q
            .iter()
            .filter_map(|q| q.champs.first().map(|f| f.name()))
            .collect();
        assert_eq!(names, ["qpv", "cabinet_ex_nihilo", "optam"]);
        assert!(
            close(weight(&q, "optam"), 0.25 * 10_001.0),
            "{}",
            weight(&q, "optam")
        );
    }

    #[test]
    fn one_condition_question_shared_by_two_aids_is_asked_once() {
        let guarded = |champ: &str, egal: &str, question: &str| {
            format!(
                "[[conditions]]\nlibelle = \"Lieu\"\nchamp = \"{champ}\"\negal = {egal}\n\
                 inconnue_si = {{ champ = \"projet\", dans = [\"structure\"] }}\n\
                 question = \"{question}\"\n"
            )
        };
        let zone = guarded("zone", "\"ZIP\"", "Votre cabinet principal est-il en ZIP ?");
        let qpv = guarded("qpv", "true", "Votre cabinet principal est-il en QPV ?");
        let rules = synthetic(&[
            ("zip-un", 1_000, zone.as_str()),
            ("zip-deux", 2_000, zone.as_str()),
            ("qpv-seul", 3_000, qpv.as_str()),
        ]);
        let q = ask(
            &rules,
            &[("projet", "structure"), ("zone", "ZIP"), ("qpv", "oui")],
        );
        let asked: Vec<(&str, Vec<&str>)> = q
            .iter()
            .filter_map(|q| {
                let c = q.condition?;
                Some((
                    c.texte.as_str(),
                    q.aides.iter().map(|a| a.id.as_str()).collect(),
                ))
            })
            .collect();
        let mut expected = vec![
            (
                "Votre cabinet principal est-il en ZIP ?",
                vec!["zip-deux", "zip-un"],
            ),
            ("Votre cabinet principal est-il en QPV ?", vec!["qpv-seul"]),
        ];
        let mut got = asked.clone();
        for (_, aides) in &mut got {
            aides.sort_unstable();
        }
        got.sort_unstable();
        expected.sort_unstable();
        assert_eq!(got, expected, "{asked:?}");
    }

    /// The values tried for `field`, for a profile given as flags, when each of `conditions` (the
    /// body of a `[[conditions]]` table) is the one condition of an aid.
    fn values_tried(field: &str, flags: &[(&str, &str)], conditions: &[String]) -> Vec<Value> {
        let aides: Vec<(String, String)> = conditions
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    format!("seuil-{i}"),
                    format!("[[conditions]]\nlibelle = \"Seuil\"\n{c}\n"),
                )
            })
            .collect();
        let specs: Vec<(&str, i64, &str)> = aides
            .iter()
            .map(|(id, c)| (id.as_str(), 1_000, c.as_str()))
            .collect();
        let rules = synthetic(&specs);
        let conditions: Vec<&Condition> = rules
            .aides
            .iter()
            .flat_map(|a| a.conditions.iter())
            .collect();
        let profile = from_pairs(flags.iter().map(|(k, v)| (*k, Raw::Flag(v))), &rules.refs)
            .expect("profil valide");
        let env = Env {
            profile: &profile,
            date_ref: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
        };
        let field = profile::field_id(field).expect("champ");
        candidates(field, &conditions, &env, &rules.refs)
    }

    /// The values tried for `field` when aids of one condition each compare it with `thresholds`
    /// (`min = x`).
    fn tried_values(field: &str, thresholds: &[&str]) -> Vec<Value> {
        let conditions: Vec<String> = thresholds
            .iter()
            .map(|x| format!("champ = \"{field}\"\nmin = {x}"))
            .collect();
        values_tried(field, &[], &conditions)
    }

    fn day(text: &str) -> Value {
        Value::Date(NaiveDate::parse_from_str(text, "%d/%m/%Y").expect("date"))
    }

    #[test]
    fn a_number_is_tried_at_each_threshold_and_one_step_either_side_once_within_its_bounds() {
        // Days per week go by half days, up to 7: 7.5 is no answer, and a threshold two aids share
        // is tried once.
        let values = tried_values("jours_par_semaine", &["2.5", "2.5", "7"]);
        let expected: Vec<Value> = [2.0, 2.5, 3.0, 6.5, 7.0].map(Value::Num).to_vec();
        assert_eq!(values, expected);
    }

    #[test]
    fn an_integer_is_tried_at_each_threshold_and_one_either_side_within_its_bounds() {
        // Half days per month cannot be negative.
        let values = tried_values("demi_journees_par_mois", &["4", "0"]);
        let expected: Vec<Value> = [3.0, 4.0, 5.0, 0.0, 1.0].map(Value::Num).to_vec();
        assert_eq!(values, expected);
    }

    #[test]
    fn a_date_is_tried_the_day_before_on_and_after_each_date_it_is_compared_with() {
        // Installed from 01/01/2026 (two aids), and a request, on 01/02/2026, less than 6 months
        // after the installation: an installation after 01/08/2025.
        let values = values_tried(
            "date_installation",
            &[],
            &[
                "champ = \"date_installation\"\nmin = 2026-01-01".into(),
                "champ = \"date_installation\"\nmin = 2026-01-01".into(),
                "champ = \"date_demande\"\ninf = { champ = \"date_installation\", mois = 6 }"
                    .into(),
            ],
        );
        let expected = [
            "31/12/2025",
            "01/01/2026",
            "02/01/2026",
            "31/07/2025",
            "01/08/2025",
            "02/08/2025",
        ]
        .map(day);
        assert_eq!(values, expected);
    }

    #[test]
    fn a_request_date_is_tried_around_the_end_of_its_window_after_a_known_installation() {
        let values = values_tried(
            "date_demande",
            &[("date_installation", "01/03/2026")],
            &[
                "champ = \"date_demande\"\ninf = { champ = \"date_installation\", mois = 6 }"
                    .into(),
            ],
        );
        let expected = ["31/08/2026", "01/09/2026", "02/09/2026"].map(day);
        assert_eq!(values, expected);
    }

    #[test]
    fn the_stake_is_the_ceiling_else_the_floor_plus_one_euro() {
        assert!((stake(&with_max(Some(10_000), Some(5_000))) - 10_001.0).abs() < 1e-9);
        assert!((stake(&with_max(None, Some(5_000))) - 5_001.0).abs() < 1e-9);
        assert!((stake(&with_max(None, None)) - 1.0).abs() < 1e-9);
        assert!((stake(&with_max(Some(-3), None)) - 1.0).abs() < 1e-9);
    }
}
