//! « Selon » views (SPEC §5 `selon`): an unknown field that the vocabulary marks (`Field::selon`, the
//! zone) and whose values split the aids to confirm, shown value by value instead of a list of aids to
//! confirm. Each value is tried on the aids to confirm; an aid is covered when some value excludes it.
//! No aid is named here.

use chrono::NaiveDate;

use super::logic::Env;
use super::{Total, Verdict, total, verdict};
use crate::profile::{FIELDS, FieldId, Kind, Profile, Value};
use crate::rules::model::{Aide, Statut};

/// One value of the field, with the aids it leaves possible (eligible or to confirm).
#[derive(Debug, Clone)]
pub struct Branche<'r> {
    pub valeur: Value,
    pub aides: Vec<(&'r Aide, Verdict<'r>)>,
    /// Their one-off euro amounts, added up as if all were obtained.
    pub total: Total,
}

/// The split of the aids to confirm by one field.
#[derive(Debug, Clone)]
pub struct Selon<'r> {
    pub champ: FieldId,
    pub branches: Vec<Branche<'r>>,
    /// The aids to confirm that the split covers (some value excludes them).
    pub couvertes: Vec<&'r Aide>,
}

/// The splits of the aids to confirm by the unknown fields the vocabulary marks, the branches with the
/// most money first; a split exists when at least two of the aids to confirm depend on the field.
#[must_use]
pub fn selon<'r>(
    profile: &Profile,
    date_ref: NaiveDate,
    verdicts: &[(&'r Aide, Verdict<'r>)],
) -> Vec<Selon<'r>> {
    let mut out = Vec::new();
    let confirm: Vec<&(&'r Aide, Verdict<'r>)> = verdicts
        .iter()
        .filter(|(_, v)| v.statut == Statut::AConfirmer)
        .collect();
    for (i, def) in FIELDS.iter().enumerate() {
        let (Some(_), Kind::Choice(values)) = (def.selon, def.kind) else {
            continue;
        };
        let Ok(field) = u8::try_from(i).map(FieldId) else {
            continue;
        };
        if profile.get(field).is_some() {
            continue;
        }
        let deciding: Vec<&(&'r Aide, Verdict<'r>)> = confirm
            .iter()
            .copied()
            .filter(|(_, v)| v.manquants.contains(&field))
            .collect();
        // The branch totals add aids up: while the request's object (a field that gathers aids,
        // `Field::groupes`) is unknown, they would add aids that exclude each other.
        let apart = |v: &Verdict<'_>| v.manquants.iter().any(|f| !f.def().groupes.is_empty());
        if deciding.len() < 2 || deciding.iter().any(|(_, v)| apart(v)) {
            continue;
        }
        let mut branches = Vec::new();
        let mut couvertes: Vec<&'r Aide> = Vec::new();
        for k in 0..values.len() {
            let Ok(k) = u16::try_from(k) else { continue };
            let mut p = profile.clone();
            p.set(field, Some(Value::Choice(k)));
            let env = Env {
                profile: &p,
                date_ref,
            };
            let mut aides = Vec::new();
            for (a, _) in &deciding {
                let v = verdict(a, &env);
                if v.statut == Statut::NonEligible {
                    if !couvertes.iter().any(|c| c.id == a.id) {
                        couvertes.push(a);
                    }
                } else {
                    aides.push((*a, v));
                }
            }
            let total = total(
                aides
                    .iter()
                    .map(|(a, v)| (*a, Statut::Eligible, &v.montant)),
            );
            branches.push(Branche {
                valeur: Value::Choice(k),
                aides,
                total,
            });
        }
        if couvertes.is_empty() {
            continue;
        }
        // A branch names only the aids the field decides: an aid possible whatever the value is said
        // on its own.
        for b in &mut branches {
            b.aides
                .retain(|(a, _)| couvertes.iter().any(|c| c.id == a.id));
            b.total = total(
                b.aides
                    .iter()
                    .map(|(a, v)| (*a, Statut::Eligible, &v.montant)),
            );
        }
        branches.sort_by_key(|b| {
            std::cmp::Reverse((b.total.max_eur.unwrap_or(i64::MAX), b.aides.len()))
        });
        out.push(Selon {
            champ: field,
            branches,
            couvertes,
        });
    }
    out
}

/// The aids to confirm gathered in one line while a field is unknown (`Field::groupes`): those possible
/// with the group's value only. Each group with its phrase and its aids, in report order.
#[must_use]
pub fn groupes<'r>(
    profile: &Profile,
    date_ref: NaiveDate,
    verdicts: &[(&'r Aide, Verdict<'r>)],
) -> Vec<(&'static crate::profile::Groupe, Vec<&'r Aide>)> {
    let mut out = Vec::new();
    for (i, def) in FIELDS.iter().enumerate() {
        let Kind::Choice(values) = def.kind else {
            continue;
        };
        if def.groupes.is_empty() {
            continue;
        }
        let Ok(field) = u8::try_from(i).map(FieldId) else {
            continue;
        };
        if profile.get(field).is_some() {
            continue;
        }
        for g in def.groupes {
            let Some(k) = values.iter().position(|v| *v == g.valeur) else {
                continue;
            };
            let possible = |a: &Aide, value: usize| {
                let mut p = profile.clone();
                p.set(field, u16::try_from(value).ok().map(Value::Choice));
                let env = Env {
                    profile: &p,
                    date_ref,
                };
                verdict(a, &env).statut != Statut::NonEligible
            };
            let aides: Vec<&'r Aide> = verdicts
                .iter()
                // (An eligible aid is possible with every value: the test below already leaves it out.)
                .filter(|(_, v)| v.statut == Statut::AConfirmer && v.manquants.contains(&field))
                .filter(|(a, _)| {
                    // Possible with the group's value and with no other (on the shipped rules every
                    // aid to confirm that reads the field is possible with some value, so this
                    // conjunction and a disjunction give the same groups).
                    possible(a, k) && (0..values.len()).all(|o| o == k || !possible(a, o))
                })
                .map(|(a, _)| *a)
                .collect();
            if !aides.is_empty() {
                out.push((g, aides));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::order_key;
    use crate::profile::{Raw, from_pairs};
    use crate::rules::model::RuleSet;
    use std::sync::OnceLock;

    fn rules() -> &'static RuleSet {
        static RULES: OnceLock<RuleSet> = OnceLock::new();
        RULES.get_or_init(|| crate::rules::embedded().rules)
    }

    fn with<T>(
        flags: &[(&str, &str)],
        f: impl FnOnce(&Profile, NaiveDate, &[(&Aide, Verdict<'_>)]) -> T,
    ) -> T {
        let rules = rules();
        let date_ref = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let profile = from_pairs(flags.iter().map(|(k, v)| (*k, Raw::Flag(v))), &rules.refs)
            .expect("profil valide");
        let env = Env {
            profile: &profile,
            date_ref,
        };
        let mut verdicts: Vec<(&Aide, Verdict<'_>)> =
            rules.aides.iter().map(|a| (a, verdict(a, &env))).collect();
        verdicts.sort_by_key(|(_, v)| order_key(v.statut, &v.montant));
        f(&profile, date_ref, &verdicts)
    }

    const LOIRET: [(&str, &str); 3] = [
        ("departement", "45"),
        ("projet", "installation"),
        ("primo_installation", "oui"),
    ];

    #[test]
    fn the_zone_splits_the_aids_to_confirm_most_money_first() {
        with(&LOIRET, |p, d, v| {
            let s = selon(p, d, v);
            assert_eq!(s.len(), 1, "{s:?}");
            let s = &s[0];
            assert_eq!(s.champ.name(), "zone");
            let ids = |b: &Branche<'_>| -> Vec<String> {
                b.aides.iter().map(|(a, _)| a.id.clone()).collect()
            };
            // ZIP (index 0), ZAC (1), ZAR (2), by money.
            let values: Vec<Value> = s.branches.iter().map(|b| b.valeur.clone()).collect();
            assert_eq!(
                values,
                vec![Value::Choice(0), Value::Choice(1), Value::Choice(2)]
            );
            assert_eq!(ids(&s.branches[0]), vec!["primo-installation-zip"]);
            assert_eq!(s.branches[0].total.max_eur, Some(10_000));
            assert_eq!(ids(&s.branches[1]), vec!["primo-installation-zac"]);
            assert_eq!(s.branches[1].total.max_eur, Some(5_000));
            assert!(s.branches[2].aides.is_empty());
            assert_eq!(s.branches[2].total.max_eur, Some(0));
            let covered: Vec<&str> = s.couvertes.iter().map(|a| a.id.as_str()).collect();
            assert!(covered.contains(&"primo-installation-zip"));
            assert!(covered.contains(&"primo-installation-zac"));
            // The majoration, possible in every zone while the QPV is unknown, is not covered.
            assert!(!covered.contains(&"majoration-forfait-medecin-traitant"));
        });
    }

    #[test]
    fn no_split_once_the_zone_is_known_or_while_the_request_is_unknown() {
        let mut known = LOIRET.to_vec();
        known.push(("zone", "ZIP"));
        with(&known, |p, d, v| assert!(selon(p, d, v).is_empty()));
        with(&[("departement", "45")], |p, d, v| {
            assert!(selon(p, d, v).is_empty());
        });
    }

    #[test]
    fn structure_aids_are_gathered_until_the_request_is_known() {
        let herault = [("departement", "34"), ("specialite", "medecine-generale")];
        with(&herault, |p, d, v| {
            let g = groupes(p, d, v);
            assert_eq!(g.len(), 1);
            assert_eq!(g[0].0.valeur, "structure");
            let mut ids: Vec<&str> = g[0].1.iter().map(|a| a.id.as_str()).collect();
            ids.sort_unstable();
            assert_eq!(
                ids,
                vec![
                    "occitanie-cds",
                    "occitanie-cpts",
                    "occitanie-esp",
                    "occitanie-msp"
                ]
            );
        });
        let mut known = herault.to_vec();
        known.push(("projet", "structure"));
        with(&known, |p, d, v| assert!(groupes(p, d, v).is_empty()));
    }

    #[test]
    fn two_aids_are_enough_for_a_split_one_is_not() {
        // A psychiatrist: no FMT majoration, the two CPAM installation aids split by zone.
        let mut two = LOIRET.to_vec();
        two.push(("specialite", "psychiatrie"));
        with(&two, |p, d, v| {
            let s = selon(p, d, v);
            assert_eq!(s.len(), 1);
            assert_eq!(s[0].couvertes.len(), 2);
        });
        // Sector 2 without OPTAM: only the ZAC aid is left to confirm by zone; no split.
        let mut one = two.clone();
        one.push(("secteur", "2"));
        one.push(("optam", "non"));
        with(&one, |p, d, v| {
            let deciding = v
                .iter()
                .filter(|(_, v)| {
                    v.statut == Statut::AConfirmer && v.manquants.iter().any(|f| f.name() == "zone")
                })
                .count();
            assert!(deciding < 2, "{deciding}");
            assert!(selon(p, d, v).is_empty());
        });
    }
}
