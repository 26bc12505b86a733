//! Builds the report of one profile from the verdicts of `eval`: every aid in full, the questions that
//! remain, the near misses, the splits by an unknown field, and the next steps.

use chrono::NaiveDate;

use super::ProvenanceDe;
use super::contract::{
    AideCompacte, AideRapport, ConditionRapport, Etape, Explication, GroupeRapport, MontantRapport,
    Periodicite, PisteRapport, QuestionRapport, Rapport, SelonRapport, SelonValeur, Valeurs,
    VersementRapport,
};
use super::phrases::{
    court, detail, json_value, lieu, option, region_sans_aide, reste, value_label, zonage,
};
use crate::eval::detail::read;
use crate::eval::logic::{Env, Tri};
use crate::eval::montant::Somme;
use crate::eval::pistes::{Chemin, Motif, Piste, pistes};
use crate::eval::questions::{Question, questions};
use crate::eval::selon::{Selon, groupes, selon};
use crate::eval::{Verdict, echeances, order_key, total, verdict};
use crate::fr;
use crate::profile::{self, FieldId, Profile, Value};
use crate::referentiel::Referentiel;
use crate::rules::model::{Aide, RuleSet, Statut};

/// Evaluates every aid of the rule set: eligible first, then à confirmer, then non éligible; then the
/// questions that remain and the near misses.
#[must_use]
pub fn evaluate<'r>(rules: &'r RuleSet, profile: &'r Profile, date_ref: NaiveDate) -> Rapport<'r> {
    let env = Env { profile, date_ref };
    let mut verdicts: Vec<(&'r Aide, Verdict<'r>)> = rules
        .aides
        .iter()
        .map(|aide| (aide, verdict(aide, &env)))
        .collect();
    verdicts.sort_by_key(|(_, v)| order_key(v.statut, &v.montant));
    // Aids gathered in one line while a field is unknown (the structures, until `projet` is known)
    // ask no question and take no step.
    let groupes = groupes(profile, date_ref, &verdicts);
    let in_a_group = |a: &Aide| groupes.iter().any(|(_, l)| l.iter().any(|b| b.id == a.id));
    let refs: Vec<(&'r Aide, &Verdict<'r>)> = verdicts
        .iter()
        .filter(|(a, _)| !in_a_group(a))
        .map(|(a, v)| (*a, v))
        .collect();
    let questions: Vec<QuestionRapport<'r>> = questions(&refs, profile, date_ref, &rules.refs)
        .iter()
        .map(|q| question(q, profile, &rules.refs))
        .collect();
    let pistes = pistes(profile, date_ref, &verdicts)
        .into_iter()
        .map(|p| piste(p, profile, &rules.refs))
        .collect();
    let selon: Vec<SelonRapport<'r>> = selon(profile, date_ref, &verdicts)
        .iter()
        .map(|s| selon_rapport(s, &rules.refs))
        .collect();
    let total = total(verdicts.iter().map(|(a, v)| (*a, v.statut, &v.montant)));
    let aides: Vec<AideRapport<'r>> = verdicts
        .into_iter()
        .map(|(aide, v)| aide_rapport(rules, aide, v, &env, &questions))
        .collect();
    let groupes: Vec<GroupeRapport<'r>> = groupes
        .iter()
        .map(|(g, l)| GroupeRapport {
            texte: g.phrase.replace("{n}", &l.len().to_string()),
            aides: l.iter().map(|a| a.id.as_str()).collect(),
        })
        .collect();
    let a_faire = a_faire(&aides, &groupes, profile, date_ref);
    Rapport {
        date_reference: date_ref,
        id: profile.label(),
        selon,
        a_faire,
        groupes,
        aides,
        total,
        couverture: profile.region().and_then(|r| region_sans_aide(rules, r)),
        questions,
        pistes,
        region: profile.region().map(|r| rules.refs.region(r).slug.as_str()),
        lieu: lieu(profile, &rules.refs),
        provenance: ProvenanceDe(rules),
    }
}

/// One aid in full: its verdict, contact, conditions with what they read, deadlines and payments.
fn aide_rapport<'r>(
    rules: &'r RuleSet,
    aide: &'r Aide,
    v: Verdict<'r>,
    env: &Env<'_>,
    questions: &[QuestionRapport<'r>],
) -> AideRapport<'r> {
    let montant_eur = v.montant.eur;
    let raison = aide
        .conditions
        .iter()
        .zip(&v.resultats)
        .find(|(_, r)| **r == Tri::Faux)
        .map(|(c, _)| c.libelle.as_str());
    let conditions = aide
        .conditions
        .iter()
        .zip(&v.resultats)
        .map(|(c, r)| {
            let (valeurs, calculs) = read(c, env);
            ConditionRapport {
                libelle: &c.libelle,
                resultat: *r,
                valeurs: Valeurs(
                    valeurs
                        .iter()
                        .map(|(f, value)| (f.name(), json_value(*f, value.as_ref(), &rules.refs)))
                        .collect(),
                ),
                detail: detail(&calculs),
            }
        })
        .collect();
    AideRapport {
        aide,
        id: &aide.id,
        nom: &aide.nom,
        statut: v.statut,
        montant: MontantRapport::new(aide, v.montant),
        financeur: aide.financeur.as_str(),
        region: aide.region.map(|r| rules.refs.region(r).slug.as_str()),
        region_nom: aide.region.map(|r| rules.refs.region(r).nom.as_str()),
        contact: rules.refs.contact(
            &aide.contact,
            aide.region,
            env.profile.departement(),
            env.profile.region(),
        ),
        conditions,
        manquants: v.manquants.iter().map(|f| f.name()).collect(),
        engagements: &aide.engagements,
        echeances: echeances(aide, env),
        sources: &aide.sources,
        raison,
        a_retenir: &aide.a_retenir,
        notes: &aide.notes,
        questions: questions
            .iter()
            .filter(|q| q.aides.contains(&aide.id.as_str()))
            .cloned()
            .collect(),
        versements: aide
            .versements
            .iter()
            .map(|p| VersementRapport {
                part_pct: p.part_pct,
                eur: montant_eur.map(|e| part(e, p.part_pct)),
                quand: &p.quand,
            })
            .collect(),
    }
}

/// `pct` % of `eur`, rounded to the euro.
fn part(eur: i64, pct: f64) -> i64 {
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    let share = (eur as f64 * pct / 100.0).round() as i64;
    share
}

fn question<'r>(q: &Question<'r>, profile: &Profile, refs: &Referentiel) -> QuestionRapport<'r> {
    let first = q.champs.first().copied();
    let ou_trouver = first
        .map(|f| f.def().ou_trouver)
        .filter(|w| !w.is_empty())
        .map(|w| w.replace("{zonage}", &zonage(profile, refs)));
    QuestionRapport {
        champ: first.map(FieldId::name),
        question: match (q.condition, first) {
            (Some(c), _) => &c.texte,
            (None, Some(f)) => f.def().question,
            (None, None) => "",
        },
        option: option(q),
        ou_trouver,
        aides: q.aides.iter().map(|a| a.id.as_str()).collect(),
    }
}

fn piste<'r>(p: Piste<'r>, profile: &Profile, refs: &Referentiel) -> PisteRapport<'r> {
    let montant_txt = court(p.aide, &p.verdict.montant);
    let reste = reste(&p.verdict.manquants);
    let (changement, fin, motif, libelle) = match &p.chemin {
        Chemin::Changement(field, value) => {
            let phrase = field.def().levier.map_or("", |l| l.phrase);
            let mut phrase = phrase.replace("{valeur}", &value_label(*field, value, refs));
            if let Some(now) = profile.get(*field) {
                phrase = phrase.replace("{actuel}", &value_label(*field, now, refs));
            }
            let mut libelle = format!("{phrase} : {}, {montant_txt}{reste}", p.aide.nom);
            if !p.gagnees.is_empty() {
                let what: Vec<String> = p
                    .gagnees
                    .iter()
                    .map(|(a, v)| format!("{} ({})", a.nom, court(a, &v.montant)))
                    .collect();
                libelle.push_str(&format!(" ; en plus : {}", what.join(", ")));
            }
            if !p.perdues.is_empty() {
                let what: Vec<String> = p
                    .perdues
                    .iter()
                    .map(|(a, v)| format!("{} ({})", a.nom, court(a, &v.montant)))
                    .collect();
                libelle.push_str(&format!(" ; au lieu de : {}", what.join(", ")));
            }
            (
                Some(Valeurs(vec![(
                    field.name(),
                    json_value(*field, Some(value), refs),
                )])),
                None,
                None,
                libelle,
            )
        }
        Chemin::Fin(day, motif) => {
            let (key, what) = match motif {
                Motif::AideClose => ("aide_close", "l'aide a pris fin le"),
                Motif::DelaiExpire => ("delai_expire", "votre délai a expiré le"),
            };
            (
                None,
                Some(*day),
                Some(key),
                format!(
                    "{} : {what} {} (demande possible jusqu'à cette date : {montant_txt}{reste})",
                    p.aide.nom,
                    fr::date(*day),
                ),
            )
        }
    };
    PisteRapport {
        aide: &p.aide.id,
        changement,
        fin,
        motif,
        statut: p.verdict.statut,
        manquants: p.verdict.manquants.iter().map(|f| f.name()).collect(),
        montant: MontantRapport::new(p.aide, p.verdict.montant),
        libelle,
    }
}

fn selon_rapport<'r>(s: &Selon<'r>, refs: &Referentiel) -> SelonRapport<'r> {
    let def = s.champ.def();
    let titre = def.selon.map_or("", |d| d.titre);
    let prefixe = def.selon.map_or("", |d| d.prefixe);
    let valeurs = s
        .branches
        .iter()
        .map(|b| {
            let label = value_label(s.champ, &b.valeur, refs);
            let mut parts: Vec<String> = Vec::new();
            let t = b.total;
            match t.max_eur {
                Some(max) if max > 0 && max == t.min_eur => parts.push(fr::euros(max)),
                Some(max) if max > 0 && t.min_eur == 0 => {
                    parts.push(format!("jusqu'à {}", fr::euros(max)));
                }
                Some(max) if max > 0 => {
                    parts.push(format!("de {} à {}", fr::euros(t.min_eur), fr::euros(max)));
                }
                None => parts.push(format!("au moins {}", fr::euros(t.min_eur))),
                Some(_) => {}
            }
            // What the sum does not count: the aids without a one-off euro amount, by name.
            for (a, v) in &b.aides {
                let counted = v.montant.max_eur.is_some()
                    && total(std::iter::once((*a, Statut::Eligible, &v.montant))).max_eur
                        == v.montant.max_eur;
                if !counted {
                    parts.push(a.nom.clone());
                }
            }
            let texte = if b.aides.is_empty() {
                format!("{label} : aucune aide")
            } else {
                format!("{label} {}", parts.join(" et "))
            };
            SelonValeur {
                valeur: json_value(s.champ, Some(&b.valeur), refs),
                libelle: format!("{prefixe}{label}"),
                aides: b.aides.iter().map(|(a, _)| a.id.as_str()).collect(),
                total: b.total,
                texte,
            }
        })
        .collect();
    SelonRapport {
        champ: def.name,
        question: def.question,
        valeurs,
        titre,
        couvertes: s.couvertes.iter().map(|a| a.id.as_str()).collect(),
    }
}

/// Regional aids that wait only for the region: counted apart, not steps.
#[must_use]
pub fn waits_for_region(a: &AideRapport<'_>) -> bool {
    a.statut == Statut::AConfirmer && a.aide.region.is_some() && a.manquants.contains(&"region")
}

/// The steps of « Que faire maintenant »: one per organisation paying an aid eligible or to confirm,
/// with the first deadline still to come of its aids (the last one passed when none is), the deadlines
/// the profile shows met left out; the steps with the nearest date first.
fn a_faire<'r>(
    aides: &[AideRapport<'r>],
    groupes: &[GroupeRapport<'r>],
    profile: &Profile,
    date_ref: NaiveDate,
) -> Vec<Etape<'r>> {
    let demande = match profile.get(profile::ids::DATE_DEMANDE) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    };
    let mut steps: Vec<Etape<'r>> = Vec::new();
    let order = [Statut::Eligible, Statut::AConfirmer];
    for statut in order {
        let in_a_group = |a: &AideRapport<'_>| groupes.iter().any(|g| g.aides.contains(&a.id));
        for a in aides
            .iter()
            .filter(|a| a.statut == statut && !waits_for_region(a) && !in_a_group(a))
        {
            let deadline = a
                .echeances
                .iter()
                .filter(|e| !e.versement)
                .filter(|e| !(e.demande && demande.is_some_and(|d| d <= e.date)))
                .min_by_key(|e| (e.date < date_ref, e.date))
                .map(|e| (e.date, e.libelle.clone()));
            let name = if statut == Statut::AConfirmer {
                format!("{} (à confirmer)", a.nom)
            } else {
                a.nom.to_owned()
            };
            let i = if let Some(i) = steps.iter().position(|s| s.contact == a.contact) {
                i
            } else {
                steps.push(Etape {
                    organisme: a.contact.organisme.clone(),
                    contact: a.contact.clone(),
                    pour: if statut == Statut::Eligible {
                        "demander"
                    } else {
                        "confirmer"
                    },
                    aides: Vec::new(),
                    noms: Vec::new(),
                    avant_le: None,
                    echeance: None,
                    etat: None,
                });
                steps.len() - 1
            };
            let step = &mut steps[i];
            step.aides.push(a.id);
            step.noms.push(name);
            if let Some((date, what)) = deadline {
                let better = step
                    .avant_le
                    .is_none_or(|e| (date < date_ref, date) < (e < date_ref, e));
                if better {
                    step.avant_le = Some(date);
                    step.echeance = Some(what);
                }
            }
        }
    }
    for s in &mut steps {
        s.etat = s.avant_le.map(|d| match d.cmp(&date_ref) {
            std::cmp::Ordering::Less => "depasse",
            std::cmp::Ordering::Equal => "aujourd_hui",
            std::cmp::Ordering::Greater => "a_venir",
        });
    }
    steps.sort_by_key(|s| (s.avant_le.unwrap_or(NaiveDate::MAX), s.pour != "demander"));
    steps
}

impl<'r> MontantRapport<'r> {
    #[must_use]
    pub fn new(aide: &Aide, somme: Somme<'r>) -> Self {
        use crate::rules::model::{MontantKind, Periodicite as P};
        let periodicite = match (&aide.montant.kind, aide.montant.kind.periode()) {
            (_, Some(P::Mois)) => Some(Periodicite::Mensuel),
            (_, Some(P::An)) => Some(Periodicite::Annuel),
            (MontantKind::SansMontant { .. }, None) => None,
            _ => Some(Periodicite::Unique),
        };
        MontantRapport { somme, periodicite }
    }
}

impl<'a, 'r> Explication<'a, 'r> {
    /// The explanation of `aide` within a report.
    ///
    /// # Panics
    /// When the aid is not in the report (every aid of the rule set is).
    #[must_use]
    pub fn new(rapport: &'a Rapport<'r>, aide: &Aide) -> Self {
        Explication {
            date_reference: rapport.date_reference,
            id: rapport.id,
            aide: rapport
                .aides
                .iter()
                .find(|a| a.id == aide.id)
                .expect("every aid of the rule set is in its report"),
            pistes: rapport
                .pistes
                .iter()
                .filter(|p| p.aide == aide.id)
                .collect(),
            lieu: rapport.lieu.as_deref(),
        }
    }
}

impl<'r> AideCompacte<'r> {
    #[must_use]
    pub fn new(aide: &'r Aide, v: Verdict<'r>) -> Self {
        AideCompacte {
            aide,
            id: &aide.id,
            statut: v.statut,
            montant: v.montant,
            manquants: v.manquants.iter().map(|f| f.name()).collect(),
        }
    }
}
