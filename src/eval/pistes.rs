//! Near misses (SPEC §5 `pistes`): a non-eligible aid that one change of a field the physician can act
//! on would make eligible or leave to confirm (the levers are declared in the vocabulary: OPTAM,
//! coordinated practice, PDSA, days a week, the zone or QPV of a practice not yet chosen…), and an aid
//! that the same profile would have obtained (or had to confirm) before a window closed: the aid's own
//! (`aide_close`) or the physician's delay (`delai_expire`). A piste exists only when no known field but
//! the lever (or time) excludes the aid. The search is generic: it tries each lever's values against the
//! failing conditions, and the last days an aid could be requested; no aid is named here. It runs for
//! the full report only: the compact batch line never calls it.

use chrono::{Months, NaiveDate};

use super::logic::{Env, Tri};
use super::{Verdict, verdict};
use crate::condition::{CmpOp, Condition, Node, Reach};
use crate::profile::{FIELDS, FieldId, Kind, LevierQuand, Profile, Value, ids};
use crate::rules::model::{Aide, Statut};

/// How a near miss would be reached.
#[derive(Debug, Clone, PartialEq)]
pub enum Chemin {
    /// One change of a lever field.
    Changement(FieldId, Value),
    /// A window has closed: the aid could be requested until this date.
    Fin(NaiveDate, Motif),
}

/// Why a window closed: the aid ended for everyone, or only the physician's own delay ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motif {
    /// A date of the aid's period (`demande_au_plus_tard`, `signature_au_plus_tard`): « l'aide a pris
    /// fin le … ».
    AideClose,
    /// A delay counted from the physician's own dates (6 months after the installation…): « votre délai
    /// a expiré le … ».
    DelaiExpire,
}

/// One near miss.
#[derive(Debug, Clone)]
pub struct Piste<'r> {
    pub aide: &'r Aide,
    pub chemin: Chemin,
    /// The aid's verdict with the change (or on its last day): eligible, or à confirmer with the fields
    /// that would still decide it.
    pub verdict: Verdict<'r>,
    /// The aids eligible or to confirm that the change would lose (a zone chosen for one aid loses
    /// another's).
    pub perdues: Vec<(&'r Aide, Verdict<'r>)>,
    /// The other aids the same change would bring (eligible or to confirm).
    pub gagnees: Vec<(&'r Aide, Verdict<'r>)>,
}

/// Every near miss of a profile, those that bring the most first, then the aids that have closed.
#[must_use]
pub fn pistes<'r>(
    profile: &Profile,
    date_ref: NaiveDate,
    verdicts: &[(&'r Aide, Verdict<'r>)],
) -> Vec<Piste<'r>> {
    let mut out = Vec::new();
    let practice_chosen = practice_chosen(profile, date_ref);
    for (aide, v) in verdicts {
        if v.statut != Statut::NonEligible {
            continue;
        }
        let failing: Vec<&Condition> = failing(aide, v);
        if let Some(p) = lever(aide, &failing, profile, date_ref, practice_chosen, verdicts) {
            out.push(p);
        } else if let Some(p) = closed(aide, &failing, profile, date_ref) {
            out.push(p);
        }
    }
    out.sort_by_key(|p| {
        (
            matches!(p.chemin, Chemin::Fin(..)),
            std::cmp::Reverse(gain(p)),
        )
    });
    out
}

/// The euros a near miss brings, net of the euros it loses (the ceilings).
fn gain(p: &Piste<'_>) -> i64 {
    let sum = |l: &[(&Aide, Verdict<'_>)]| -> i64 {
        l.iter().filter_map(|(_, v)| v.montant.max_eur).sum()
    };
    p.verdict.montant.max_eur.unwrap_or(0) + sum(&p.gagnees) - sum(&p.perdues)
}

/// Whether the practice is a given (so that its place is no lever): the installation date is unknown,
/// or on or before the reference date.
fn practice_chosen(profile: &Profile, date_ref: NaiveDate) -> bool {
    !matches!(profile.get(ids::DATE_INSTALLATION), Some(Value::Date(d)) if *d > date_ref)
}

/// Whether a lever applies to this profile.
fn lever_applies(quand: LevierQuand, profile: &Profile, practice_chosen: bool) -> bool {
    match quand {
        LevierQuand::Toujours => true,
        LevierQuand::AvantInstallation { hors_projets } => {
            let projet = match (profile.get(ids::PROJET), ids::PROJET.def().kind) {
                (Some(Value::Choice(i)), Kind::Choice(values)) => values.get(usize::from(*i)),
                _ => None,
            };
            !practice_chosen && !projet.is_some_and(|p| hors_projets.contains(p))
        }
    }
}

fn failing<'r>(aide: &'r Aide, v: &Verdict<'_>) -> Vec<&'r Condition> {
    aide.conditions
        .iter()
        .zip(&v.resultats)
        .filter(|(_, r)| **r == Tri::Faux)
        .map(|(c, _)| c)
        .collect()
}

fn fields_of(c: &Condition) -> Vec<FieldId> {
    let mut out = Vec::new();
    c.node.reads(&mut out);
    out
}

/// The first lever of the vocabulary whose one change makes the aid eligible or to confirm, with its
/// smallest value.
fn lever<'r>(
    aide: &'r Aide,
    failing: &[&Condition],
    profile: &Profile,
    date_ref: NaiveDate,
    practice_chosen: bool,
    verdicts: &[(&'r Aide, Verdict<'r>)],
) -> Option<Piste<'r>> {
    for (i, def) in FIELDS.iter().enumerate() {
        let Some(levier) = def.levier else { continue };
        if !lever_applies(levier.quand, profile, practice_chosen) {
            continue;
        }
        let field = FieldId(u8::try_from(i).ok()?);
        // One change must mend every failing condition: each must read the field.
        if !failing.iter().all(|c| fields_of(c).contains(&field)) {
            continue;
        }
        for value in lever_values(field, failing, profile) {
            let mut changed = profile.clone();
            changed.set(field, Some(value.clone()));
            let env = Env {
                profile: &changed,
                date_ref,
            };
            let v = verdict(aide, &env);
            if v.statut == Statut::NonEligible {
                continue;
            }
            let mut perdues = Vec::new();
            let mut gagnees = Vec::new();
            for (a, before) in verdicts.iter().filter(|(a, _)| a.id != aide.id) {
                let after = verdict(a, &env);
                match (before.statut, after.statut) {
                    (Statut::NonEligible, Statut::NonEligible) => {}
                    (Statut::NonEligible, _) => gagnees.push((*a, after)),
                    (_, Statut::NonEligible) => perdues.push((*a, before.clone())),
                    _ => {}
                }
            }
            if !worth_it(&v, &perdues, &gagnees) {
                continue;
            }
            return Some(Piste {
                aide,
                chemin: Chemin::Changement(field, value),
                verdict: v,
                perdues,
                gagnees,
            });
        }
    }
    None
}

/// Whether a change gains more than it loses, counting every aid: the euros gained must exceed the
/// euros lost, and the aids without a euro amount (a percentage, a majoration) lost must be made up by
/// as many gained; a change that loses nothing is always worth saying.
fn worth_it(
    v: &Verdict<'_>,
    perdues: &[(&Aide, Verdict<'_>)],
    gagnees: &[(&Aide, Verdict<'_>)],
) -> bool {
    if perdues.is_empty() {
        return true;
    }
    let eur = |l: &[(&Aide, Verdict<'_>)]| -> i64 {
        l.iter().filter_map(|(_, v)| v.montant.max_eur).sum()
    };
    let sans = |l: &[(&Aide, Verdict<'_>)]| {
        l.iter()
            .filter(|(_, v)| v.montant.max_eur.is_none())
            .count()
    };
    let gained = v.montant.max_eur.unwrap_or(0) + eur(gagnees);
    let gained_sans = sans(gagnees) + usize::from(v.montant.max_eur.is_none());
    gained > eur(perdues) && gained_sans >= sans(perdues)
}

/// The values of a lever worth trying, smallest change first.
fn lever_values(field: FieldId, failing: &[&Condition], profile: &Profile) -> Vec<Value> {
    let current = profile.get(field);
    match field.def().kind {
        Kind::Bool => (current != Some(&Value::Bool(true)))
            .then_some(Value::Bool(true))
            .into_iter()
            .collect(),
        Kind::Choice(values) => match current {
            Some(Value::Choice(c)) => (0..values.len())
                .filter_map(|i| u16::try_from(i).ok())
                .filter(|i| i != c)
                .map(Value::Choice)
                .collect(),
            _ => Vec::new(),
        },
        Kind::List(values) => {
            let set = match current {
                Some(Value::Set(s)) => *s,
                _ => 0,
            };
            (0..values.len())
                .map(|i| 1u32 << i)
                .filter(|bit| set & bit == 0)
                // (`|` or `^` alike here: the bit is not in the set.)
                .map(|bit| Value::Set(set | bit))
                .collect()
        }
        Kind::Number { .. } | Kind::Integer { .. } => {
            let now = match current {
                Some(Value::Num(x)) => Some(*x),
                _ => None,
            };
            let mut out: Vec<f64> = Vec::new();
            for c in failing {
                minimums(&c.node, field, step_of(field), &mut out);
            }
            out.sort_by(f64::total_cmp);
            out.dedup();
            out.into_iter()
                .filter(|x| now.is_none_or(|n| *x > n))
                .map(Value::Num)
                .filter(|v| crate::profile::check_value(field, v))
                .collect()
        }
        _ => Vec::new(),
    }
}

fn step_of(field: FieldId) -> f64 {
    match field.def().kind {
        Kind::Number { step, .. } => step.unwrap_or(0.5),
        _ => 1.0,
    }
}

/// The least values of `field` that the lower bounds of a condition ask for.
fn minimums(node: &Node, field: FieldId, step: f64, out: &mut Vec<f64>) {
    for leaf in node.leaves(Reach::Operands) {
        if leaf.field == field {
            out.extend(leaf.test.lower_bound(step));
        }
    }
}

/// Whether a condition can turn false only with time: it compares the reference date, or the date of
/// the request (which is the reference date unless given).
fn over_time(c: &Condition) -> bool {
    c.node.reads_reference_date() || fields_of(c).contains(&ids::DATE_DEMANDE)
}

/// An aid that has closed, or whose window for this physician has, and that the profile would have
/// obtained (or had to confirm) on one of its last days: the deadlines of its period and, when the
/// installation date is known, those of its conditions on the request's date, on or after the
/// installation. No known field but time may exclude it.
fn closed<'r>(
    aide: &'r Aide,
    failing: &[&Condition],
    profile: &Profile,
    date_ref: NaiveDate,
) -> Option<Piste<'r>> {
    // A pre-filter only: a day tried changes nothing but the request's date and the reference date,
    // and a condition's value reads the reference date only through a `Reference` node
    // (`reads_reference_date`) or through `date_demande` (a leaf, a relative operand, `applicable_du`,
    // a guard: all in `fields_of`). So a failing condition that is not `over_time` stays false on every
    // last day tried, and the verdict below refuses the piste anyway. Hence two equivalent mutants:
    // `&&` for `||` (a non-eligible verdict always has a failing condition, so the first test is
    // never true), and `over_time` always true (this pre-filter skipped, the same pistes found).
    if failing.is_empty() || !failing.iter().all(|c| over_time(c)) {
        return None;
    }
    let installed = match profile.get(ids::DATE_INSTALLATION) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    };
    let periode: Vec<NaiveDate> = [
        aide.periode.demande_au_plus_tard,
        aide.periode.signature_au_plus_tard,
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut days = periode.clone();
    let env = Env { profile, date_ref };
    for c in failing {
        request_deadlines(c, &env, &mut days);
    }
    days.sort_unstable();
    days.dedup();
    for day in days.into_iter().rev() {
        // Days to come are no closed window, nor days before the installation: no request could be
        // made for it then, whether or not the aid bounds the installation date (tests/pistes.rs).
        if day >= date_ref || installed.is_some_and(|i| day < i) {
            continue;
        }
        let mut then = profile.clone();
        then.set(ids::DATE_DEMANDE, Some(Value::Date(day)));
        let env = Env {
            profile: &then,
            date_ref: day,
        };
        let v = verdict(aide, &env);
        if v.statut != Statut::NonEligible {
            let motif = if periode.contains(&day) {
                Motif::AideClose
            } else {
                Motif::DelaiExpire
            };
            return Some(Piste {
                aide,
                chemin: Chemin::Fin(day, motif),
                verdict: v,
                perdues: Vec::new(),
                gagnees: Vec::new(),
            });
        }
    }
    None
}

/// The last days a request is in time for the relative deadlines of a condition
/// (`date_demande ≤ date_installation + 6 mois`).
fn request_deadlines(c: &Condition, env: &Env<'_>, out: &mut Vec<NaiveDate>) {
    // Only the request's own deadlines: another date compared with a relative date would give a day
    // that is no request deadline (no shipped rule has one in a time condition: tests/pistes.rs pins
    // this guard on a rule set of its own).
    for leaf in c.node.leaves(Reach::Operands) {
        if leaf.field == ids::DATE_DEMANDE
            && let Some((op, field, months)) = leaf.test.relative_bound()
            && let Some(base) = env.date(field)
            && let Some(d) = base.checked_add_months(Months::new(months))
        {
            match op {
                CmpOp::Le => out.push(d),
                CmpOp::Lt => out.extend(d.pred_opt()),
                CmpOp::Ge | CmpOp::Gt => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::condition::{Leaf, Operand, Test};
    use crate::eval::order_key;
    use crate::profile::{Raw, from_pairs};
    use crate::rules::model::RuleSet;
    use std::sync::OnceLock;

    fn rules() -> &'static RuleSet {
        static RULES: OnceLock<RuleSet> = OnceLock::new();
        RULES.get_or_init(|| crate::rules::embedded().rules)
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%d/%m/%Y").unwrap()
    }

    /// The near misses of a profile given as flags, on a date: (aid, path, status, missing fields).
    fn run(flags: &[(&str, &str)], on: &str) -> Vec<(String, Chemin, Statut, Vec<&'static str>)> {
        let rules = rules();
        let profile = from_pairs(flags.iter().map(|(k, v)| (*k, Raw::Flag(v))), &rules.refs)
            .expect("profil valide");
        let env = Env {
            profile: &profile,
            date_ref: date(on),
        };
        let mut verdicts: Vec<(&Aide, Verdict<'_>)> =
            rules.aides.iter().map(|a| (a, verdict(a, &env))).collect();
        verdicts.sort_by_key(|(_, v)| order_key(v.statut, &v.montant));
        pistes(&profile, date(on), &verdicts)
            .into_iter()
            .map(|p| {
                (
                    p.aide.id.clone(),
                    p.chemin,
                    p.verdict.statut,
                    p.verdict.manquants.iter().map(|f| f.name()).collect(),
                )
            })
            .collect()
    }

    fn field(name: &str) -> FieldId {
        crate::profile::field_id(name).unwrap()
    }

    const PEDIATRE: [(&str, &str); 9] = [
        ("departement", "76"),
        ("specialite", "pediatrie"),
        ("exercice", "liberal"),
        ("secteur", "2"),
        ("optam", "non"),
        ("zone", "ZIP"),
        ("projet", "installation"),
        ("primo_installation", "oui"),
        ("date_installation", "01/04/2026"),
    ];

    #[test]
    fn optam_is_a_near_miss_even_with_the_ten_year_rule_unknown() {
        let p = run(&PEDIATRE, "06/12/2026");
        let zip = p
            .iter()
            .find(|(a, ..)| a == "primo-installation-zip")
            .expect("piste ZIP");
        assert_eq!(zip.1, Chemin::Changement(field("optam"), Value::Bool(true)));
        assert_eq!(zip.2, Statut::AConfirmer);
        assert!(zip.3.contains(&"aide_installation_10_ans"), "{:?}", zip.3);
        // With the answer, the same change makes it eligible, with nothing left to check.
        let mut known = PEDIATRE.to_vec();
        known.push(("aide_installation_10_ans", "non"));
        let p = run(&known, "06/12/2026");
        let zip = p
            .iter()
            .find(|(a, ..)| a == "primo-installation-zip")
            .unwrap();
        assert_eq!(zip.2, Statut::Eligible);
        assert!(zip.3.is_empty());
    }

    #[test]
    fn a_closed_aid_is_hinted_when_only_time_excludes_it() {
        let gp = [
            ("departement", "14"),
            ("specialite", "medecine-generale"),
            ("zone", "ZAC"),
            ("date_installation", "15/11/2025"),
        ];
        let p = run(&gp, "06/12/2026");
        let fir = p
            .iter()
            .find(|(a, ..)| a == "normandie-zac-fir")
            .expect("ZAC FIR");
        assert_eq!(fir.1, Chemin::Fin(date("31/03/2026"), Motif::AideClose));
        assert_eq!(fir.2, Statut::AConfirmer);
        // A known field that excludes it (a salaried physician) silences the hint.
        let mut salarie = gp.to_vec();
        salarie.push(("exercice", "salarie"));
        let p = run(&salarie, "06/12/2026");
        assert!(!p.iter().any(|(a, ..)| a == "normandie-zac-fir"), "{p:?}");
        // Before the installation, a closure after it is the last day; before it, nothing.
        let late = [
            ("departement", "14"),
            ("specialite", "medecine-generale"),
            ("zone", "ZAC"),
            ("date_installation", "01/04/2026"),
        ];
        let p = run(&late, "06/12/2026");
        assert!(
            !p.iter()
                .any(|(a, c, ..)| a == "normandie-zac-fir" && matches!(c, Chemin::Fin(..))),
            "{p:?}"
        );
    }

    const CRAI: [(&str, &str); 11] = [
        ("departement", "59"),
        ("specialite", "medecine-generale"),
        ("exercice", "liberal"),
        ("secteur", "1"),
        ("zone", "ZAC"),
        ("projet", "installation"),
        ("primo_installation", "oui"),
        ("date_installation", "15/09/2025"),
        ("jours_par_semaine", "4.5"),
        ("exercice_coordonne", "msp"),
        ("projet_sante_valide", "oui"),
    ];

    #[test]
    fn the_physicians_own_window_expires_before_the_aid_closes() {
        let p = run(&CRAI, "01/04/2026");
        let crai = p
            .iter()
            .find(|(a, ..)| a == "hauts-de-france-crai")
            .expect("CRAI");
        // 6 months after 15/09/2025: 15/03/2026, the aid itself open until 30/06/2026.
        assert_eq!(crai.1, Chemin::Fin(date("15/03/2026"), Motif::DelaiExpire));
        // On the last day of the window, no hint: the aid is still to request.
        let p = run(&CRAI, "15/03/2026");
        assert!(
            !p.iter().any(|(a, ..)| a == "hauts-de-france-crai"),
            "{p:?}"
        );
        // Installed on the month's last day, the window ends on the last day of the 6th month.
        let mut fin_de_mois = CRAI.to_vec();
        fin_de_mois[7] = ("date_installation", "31/08/2025");
        let p = run(&fin_de_mois, "10/03/2026");
        let crai = p
            .iter()
            .find(|(a, ..)| a == "hauts-de-france-crai")
            .unwrap();
        assert_eq!(crai.1, Chemin::Fin(date("28/02/2026"), Motif::DelaiExpire));
    }

    #[test]
    fn days_a_week_are_raised_to_the_least_that_counts() {
        let mut crai = CRAI.to_vec();
        crai[8] = ("jours_par_semaine", "2");
        let p = run(&crai, "01/02/2026");
        let piste = p
            .iter()
            .find(|(a, ..)| a == "hauts-de-france-crai")
            .unwrap();
        assert_eq!(
            piste.1,
            Chemin::Changement(field("jours_par_semaine"), Value::Num(2.5))
        );
    }

    #[test]
    fn the_commitment_is_the_crai_lever_not_the_project() {
        let mut crai = CRAI.to_vec();
        crai[9] = ("exercice_coordonne", "aucun");
        crai.push(("engagement_exercice_coordonne", "non"));
        crai.push(("aide_installation_10_ans", "non"));
        let p = run(&crai, "01/02/2026");
        let piste = p
            .iter()
            .find(|(a, ..)| a == "hauts-de-france-crai")
            .unwrap();
        // The first lever of the vocabulary that mends it: a structure joined (an MSP, the first value
        // of the list), before the commitment; never the participation in a project, which the CRAI
        // does not read.
        assert_eq!(
            piste.1,
            Chemin::Changement(field("exercice_coordonne"), Value::Set(1))
        );
        assert_eq!(piste.2, Statut::Eligible);
        // Without the health project filed, joining a structure is not enough: the commitment is.
        crai.retain(|(k, _)| *k != "projet_sante_valide");
        crai.push(("projet_sante_valide", "non"));
        let p = run(&crai, "01/02/2026");
        let piste = p
            .iter()
            .find(|(a, ..)| a == "hauts-de-france-crai")
            .unwrap();
        assert_eq!(
            piste.1,
            Chemin::Changement(field("engagement_exercice_coordonne"), Value::Bool(true))
        );
    }

    #[test]
    fn the_zone_is_no_lever_once_installed_or_for_consultations_avancees() {
        let base = [
            ("departement", "45"),
            ("specialite", "medecine-generale"),
            ("exercice", "liberal"),
            ("secteur", "1"),
            ("zone", "ZAR"),
            ("projet", "installation"),
            ("primo_installation", "oui"),
            ("aide_installation_10_ans", "non"),
        ];
        let zone = field("zone");
        let zone_piste = |p: &[(String, Chemin, Statut, Vec<&str>)]| {
            p.iter()
                .any(|(_, c, ..)| matches!(c, Chemin::Changement(f, _) if *f == zone))
        };
        // Installation to come: moving is advice.
        let mut future = base.to_vec();
        future.push(("date_installation", "01/03/2027"));
        assert!(zone_piste(&run(&future, "06/12/2026")));
        // Installed (on the reference date or before), or date unknown: not.
        let mut today = base.to_vec();
        today.push(("date_installation", "06/12/2026"));
        assert!(!zone_piste(&run(&today, "06/12/2026")));
        assert!(!zone_piste(&run(&base, "06/12/2026")));
        // Consultations avancées: never, even before the installation.
        let mut ca = future.clone();
        ca[5] = ("projet", "consultations-avancees");
        ca[4] = ("zone", "ZIP");
        assert!(!zone_piste(&run(&ca, "06/12/2026")));
    }

    #[test]
    fn a_change_that_loses_more_than_it_gains_is_no_piste() {
        // In a ZIP before the installation: ZAC would bring 5 000 € and lose 10 000 € and the FMT
        // majoration.
        let zip = [
            ("departement", "45"),
            ("specialite", "medecine-generale"),
            ("exercice", "liberal"),
            ("secteur", "1"),
            ("zone", "ZIP"),
            ("qpv", "non"),
            ("projet", "installation"),
            ("primo_installation", "oui"),
            ("aide_installation_10_ans", "non"),
            ("date_installation", "01/03/2027"),
        ];
        let p = run(&zip, "06/12/2026");
        assert!(
            !p.iter().any(|(a, ..)| a == "primo-installation-zac"),
            "{p:?}"
        );
        // From a ZAC, the ZIP gains 10 000 € and the majoration for 5 000 € lost.
        let mut zac = zip.to_vec();
        zac[4] = ("zone", "ZAC");
        let p = run(&zac, "06/12/2026");
        let z = p
            .iter()
            .find(|(a, ..)| a == "primo-installation-zip")
            .expect("ZIP");
        assert_eq!(z.1, Chemin::Changement(field("zone"), Value::Choice(0)));
    }

    fn verdict_of(statut: Statut, max: Option<i64>) -> Verdict<'static> {
        Verdict {
            statut,
            resultats: Vec::new(),
            manquants: Vec::new(),
            questions: Vec::new(),
            montant: crate::eval::montant::Somme {
                eur: max,
                min_eur: max,
                max_eur: max,
                libelle: "".into(),
            },
        }
    }

    #[test]
    fn gain_adds_the_aids_gained_and_takes_off_those_lost() {
        let a = &rules().aides[0];
        let p = Piste {
            aide: a,
            chemin: Chemin::Fin(date("01/01/2026"), Motif::AideClose),
            verdict: verdict_of(Statut::Eligible, Some(10_000)),
            perdues: vec![(a, verdict_of(Statut::Eligible, Some(3_000)))],
            gagnees: vec![(a, verdict_of(Statut::Eligible, Some(5_000)))],
        };
        assert_eq!(gain(&p), 12_000);
    }

    #[test]
    fn worth_it_counts_the_aids_without_an_amount() {
        let a = &rules().aides[0];
        let own = verdict_of(Statut::Eligible, Some(10_000));
        let lost = |m| vec![(a, verdict_of(Statut::Eligible, m))];
        // Nothing lost: always said.
        assert!(worth_it(&verdict_of(Statut::Eligible, None), &[], &[]));
        // Euros: strictly more than what is lost.
        assert!(worth_it(&own, &lost(Some(9_999)), &[]));
        assert!(!worth_it(&own, &lost(Some(10_000)), &[]));
        // An aid without a euro amount lost must be made up by one gained.
        let mut lost_fmt = lost(Some(5_000));
        lost_fmt.push((a, verdict_of(Statut::Eligible, None)));
        assert!(!worth_it(&own, &lost_fmt, &[]));
        assert!(worth_it(
            &own,
            &lost_fmt,
            &[(a, verdict_of(Statut::Eligible, None))]
        ));
        // The aid itself without an amount makes up for one lost.
        let own_sans = verdict_of(Statut::Eligible, None);
        assert!(worth_it(
            &own_sans,
            &[(a, verdict_of(Statut::Eligible, None))],
            &[(a, verdict_of(Statut::Eligible, Some(1)))]
        ));
    }

    #[test]
    fn a_change_of_zone_counts_the_aids_it_brings_and_loses() {
        let zac = [
            ("departement", "45"),
            ("specialite", "medecine-generale"),
            ("exercice", "liberal"),
            ("secteur", "1"),
            ("zone", "ZAC"),
            ("qpv", "non"),
            ("projet", "installation"),
            ("primo_installation", "oui"),
            ("aide_installation_10_ans", "non"),
            ("date_installation", "01/03/2027"),
        ];
        let rules = rules();
        let on = date("06/12/2026");
        let profile = from_pairs(zac.iter().map(|(k, v)| (*k, Raw::Flag(v))), &rules.refs).unwrap();
        let env = Env {
            profile: &profile,
            date_ref: on,
        };
        let verdicts: Vec<(&Aide, Verdict<'_>)> =
            rules.aides.iter().map(|a| (a, verdict(a, &env))).collect();
        let p = pistes(&profile, on, &verdicts);
        let zip = p
            .iter()
            .find(|p| p.aide.id == "primo-installation-zip")
            .expect("ZIP");
        let ids = |l: &[(&Aide, Verdict<'_>)]| -> Vec<String> {
            l.iter().map(|(a, _)| a.id.clone()).collect()
        };
        assert_eq!(ids(&zip.perdues), vec!["primo-installation-zac"]);
        assert_eq!(
            ids(&zip.gagnees),
            vec!["majoration-forfait-medecin-traitant"]
        );
        assert_eq!(gain(zip), 10_000 - 5_000);
    }

    fn leaf(name: &str, test: Test) -> Node {
        Node::Leaf(Leaf {
            field: field(name),
            test,
            span: 0..0,
        })
    }

    fn condition(node: Node) -> Condition {
        Condition {
            libelle: String::new(),
            node,
            span: 0..0,
            question: None,
        }
    }

    #[test]
    fn minimums_read_only_the_lever_and_step_over_strict_bounds() {
        let jours = field("jours_par_semaine");
        let node = Node::All(vec![
            leaf("jours_par_semaine", Test::Cmp(CmpOp::Ge, Operand::Num(2.5))),
            leaf(
                "distance_ancien_cabinet_km",
                Test::Cmp(CmpOp::Ge, Operand::Num(7.0)),
            ),
            Node::Not(Box::new(leaf(
                "jours_par_semaine",
                Test::Cmp(CmpOp::Gt, Operand::Num(4.0)),
            ))),
        ]);
        let mut out = Vec::new();
        minimums(&node, jours, step_of(jours), &mut out);
        // Half-days: a strict bound of 4 asks for 4,5.
        assert_eq!(out, vec![2.5, 4.5]);
        assert!((step_of(jours) - 0.5).abs() < f64::EPSILON);
        // Whole numbers step by one.
        let demi = field("demi_journees_par_mois");
        assert!((step_of(demi) - 1.0).abs() < f64::EPSILON);
        let mut out = Vec::new();
        minimums(
            &leaf(
                "demi_journees_par_mois",
                Test::Cmp(CmpOp::Gt, Operand::Num(2.0)),
            ),
            demi,
            step_of(demi),
            &mut out,
        );
        assert_eq!(out, vec![3.0]);
    }

    #[test]
    fn number_levers_try_only_values_above_the_current_one() {
        let jours = field("jours_par_semaine");
        let failing = condition(Node::Any(vec![
            leaf("jours_par_semaine", Test::Cmp(CmpOp::Ge, Operand::Num(2.5))),
            leaf("jours_par_semaine", Test::Cmp(CmpOp::Ge, Operand::Num(4.0))),
            leaf("jours_par_semaine", Test::Cmp(CmpOp::Ge, Operand::Num(5.0))),
        ]));
        let mut p = Profile::default();
        p.set(jours, Some(Value::Num(4.0)));
        assert_eq!(lever_values(jours, &[&failing], &p), vec![Value::Num(5.0)]);
        // Unknown: every threshold, smallest first.
        assert_eq!(
            lever_values(jours, &[&failing], &Profile::default()),
            vec![Value::Num(2.5), Value::Num(4.0), Value::Num(5.0)]
        );
    }

    #[test]
    fn list_levers_add_one_structure_to_those_already_joined() {
        let list = field("exercice_coordonne");
        let mut p = Profile::default();
        // A member of a PSLA (the second value): each other structure is added to it.
        p.set(list, Some(Value::Set(0b10)));
        assert_eq!(
            lever_values(list, &[], &p),
            vec![
                Value::Set(0b11),
                Value::Set(0b110),
                Value::Set(0b1010),
                Value::Set(0b1_0010)
            ]
        );
        // A boolean lever is tried at « oui » unless it already is.
        let optam = field("optam");
        assert_eq!(
            lever_values(optam, &[], &Profile::default()),
            vec![Value::Bool(true)]
        );
        let mut p = Profile::default();
        p.set(optam, Some(Value::Bool(true)));
        assert!(lever_values(optam, &[], &p).is_empty());
    }

    #[test]
    fn an_aid_closed_for_everyone_is_hinted_without_an_installation_date() {
        let loiret = [
            ("departement", "45"),
            ("projet", "installation"),
            ("primo_installation", "oui"),
        ];
        let p = run(&loiret, "06/12/2026");
        let caim = p.iter().find(|(a, ..)| a == "caim").expect("CAIM");
        assert_eq!(caim.1, Chemin::Fin(date("31/12/2025"), Motif::AideClose));
        assert_eq!(caim.2, Statut::AConfirmer);
        // Closed aids come after the changes that bring money.
        let mut pediatre = PEDIATRE.to_vec();
        pediatre.retain(|(k, _)| *k != "date_installation");
        let p = run(&pediatre, "06/12/2026");
        let first_fin = p.iter().position(|(_, c, ..)| matches!(c, Chemin::Fin(..)));
        let last_change = p
            .iter()
            .rposition(|(_, c, ..)| matches!(c, Chemin::Changement(..)));
        if let (Some(f), Some(l)) = (first_fin, last_change) {
            assert!(l < f, "{p:?}");
        }
    }
}
