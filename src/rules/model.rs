//! The compiled form of a rule set: aids with their condition trees resolved to profile field ids and
//! typed values, amounts, deadlines and examples. Built once by `compile`; evaluating a profile against
//! it does no parsing.

use schemars::JsonSchema;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::condition::Condition;
use crate::profile::{FieldId, Profile};
// The comparison operator at the path the report has long imported it from.
pub use crate::condition::CmpOp;
use crate::referentiel::{ContactRef, Referentiel, RegionId};

/// A loaded rule set: the aids in catalogue order (national, regional, closed), the reference data,
/// and the source texts (for diagnostics).
#[derive(Debug, Default)]
pub struct RuleSet {
    pub aides: Vec<Aide>,
    pub refs: Referentiel,
    pub sources: Vec<SourceText>,
    /// The reference data is the embedded one (the directory had no `referentiel/`).
    pub referentiel_integre: bool,
    /// The fingerprint of the files, computed when first asked for.
    pub(crate) empreinte: OnceLock<String>,
}

impl RuleSet {
    /// The SHA-256 of the files the rule set was built from (relative path and text of each, in path
    /// order, with the embedded reference data when it was used, and the communes table): the same for
    /// the embedded set and for the same files in a directory.
    #[must_use]
    pub fn empreinte(&self) -> &str {
        self.empreinte
            .get_or_init(|| super::fingerprint(&self.sources, self.referentiel_integre))
    }

    /// The oldest date on which an aid's facts were checked against its sources (`verifie_le`).
    #[must_use]
    pub fn verifiees_le(&self) -> Option<NaiveDate> {
        self.aides
            .iter()
            .filter_map(|a| a.verifie_le.as_ref().map(|(d, _)| *d))
            .min()
    }

    #[must_use]
    pub fn aide(&self, id: &str) -> Option<&Aide> {
        self.aides.iter().find(|a| a.id == id)
    }

    /// The text of a source file, by display name.
    #[must_use]
    pub fn source(&self, name: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.text.as_str())
    }
}

/// One source file as read.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// The path under the rules directory (`national/caim.toml`).
    pub rel: String,
    /// The name diagnostics give (`rules/national/caim.toml`, or the path on disk).
    pub name: String,
    pub text: Text,
}

/// The text of a source file: the binary's own for the precompiled embedded rules (not copied, not
/// even read unless asked for), else the text read.
#[derive(Debug, Clone)]
pub struct Text(Cow<'static, str>);

impl Text {
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text(Cow::Owned(text))
    }
}

impl From<&'static str> for Text {
    fn from(text: &'static str) -> Self {
        Text(Cow::Borrowed(text))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Financeur {
    #[serde(rename = "CPAM")]
    Cpam,
    #[serde(rename = "ARS")]
    Ars,
}

impl Financeur {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Financeur::Cpam => "CPAM",
            Financeur::Ars => "ARS",
        }
    }
}

/// Where an aid's file sits: national, regional or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Categorie {
    Nationale,
    Regionale,
    Abrogee,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Periode {
    pub en_vigueur_du: Option<NaiveDate>,
    pub signature_au_plus_tard: Option<NaiveDate>,
    pub demande_au_plus_tard: Option<NaiveDate>,
    pub installation_du: Option<NaiveDate>,
    pub installation_au: Option<NaiveDate>,
}

/// One aid.
#[derive(Debug, Serialize, Deserialize)]
pub struct Aide {
    pub id: String,
    pub nom: String,
    pub resume: String,
    pub financeur: Financeur,
    /// `None` for national aids.
    pub region: Option<RegionId>,
    pub categorie: Categorie,
    pub public: String,
    pub contact: ContactRef,
    pub verifie_le: Option<(NaiveDate, Range<usize>)>,
    pub periode: Periode,
    /// Period and region conditions first (generated), then the file's own, in order.
    pub conditions: Vec<Condition>,
    pub montant: Montant,
    #[serde(with = "versements_entiers")]
    pub versements: Vec<Versement>,
    pub echeances: Vec<EcheanceDef>,
    pub engagements: Vec<String>,
    pub cumul: Vec<String>,
    /// The few points a physician must read to act (shown in the short answer).
    pub a_retenir: Vec<String>,
    /// The rest: the rule base's decisions and details (`--detail`, `show`, `explain`).
    pub notes: Vec<String>,
    pub sources: Vec<Reference>,
    /// Only `validate` runs them: the precompiled rule set leaves them out.
    #[serde(skip)]
    pub exemples: Vec<Exemple>,
    /// Display name of the file.
    pub file: String,
    pub id_span: Range<usize>,
}

/// How much an aid pays.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Montant {
    pub kind: MontantKind,
    /// Overrides the generated label.
    pub libelle: Option<String>,
    /// The label that does not depend on the profile (the custom one, else generated), made once.
    pub label: String,
    /// `label` as a JSON string (quoted and escaped), for the batch writer.
    pub label_json: String,
}

impl Montant {
    #[must_use]
    pub fn new(kind: MontantKind, libelle: Option<String>) -> Self {
        let label = libelle
            .clone()
            .unwrap_or_else(|| super::montant::static_label(&kind));
        let label_json = serde_json::to_string(&label).unwrap_or_default();
        Montant {
            kind,
            libelle,
            label,
            label_json,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum MontantKind {
    Fixe(i64),
    Plafond(i64),
    ParUnite {
        champ: FieldId,
        eur_par_unite: i64,
        unites_max: Option<i64>,
        unite: String,
        periode: Option<Periodicite>,
    },
    Bareme {
        par: Option<FieldId>,
        colonne: Option<FieldId>,
        paliers: Vec<Palier>,
    },
    /// No euro amount (a percentage, a salary guarantee): the label says what it is, and `periode`
    /// whether it recurs (the 400 MG guarantee is monthly).
    SansMontant {
        periode: Option<Periodicite>,
    },
}

impl MontantKind {
    /// How often the amount comes back, where the rule says it does.
    #[must_use]
    pub fn periode(&self) -> Option<Periodicite> {
        match self {
            MontantKind::ParUnite { periode, .. } | MontantKind::SansMontant { periode } => {
                *periode
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Periodicite {
    Mois,
    An,
}

impl Periodicite {
    #[must_use]
    pub fn par(self) -> &'static str {
        match self {
            Periodicite::Mois => "par mois",
            Periodicite::An => "par an",
        }
    }
}

/// An amount cell: a fixed sum or a ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cell {
    Eur(i64),
    Max(i64),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Palier {
    /// Inclusive lower bound on the `par` field.
    pub de: Option<f64>,
    /// Exclusive upper bound; `None` = open.
    pub jusqu_a: Option<f64>,
    /// One cell, or one per value of the `colonne` field (domain index, cell).
    pub cells: Vec<(Option<u16>, Cell)>,
    /// The label of each cell ("30 000 € (4,5 jours par semaine ou plus)"), made once.
    pub cell_labels: Vec<String>,
    pub libelle: Option<String>,
    pub span: Range<usize>,
}

/// A payment: which share, when.
#[derive(Debug, Clone, Serialize)]
pub struct Versement {
    #[serde(serialize_with = "whole_if_integral")]
    pub part_pct: f64,
    pub quand: String,
    #[serde(skip)]
    pub depuis: Option<(FieldId, u32)>,
}

/// `Versement`s whole, `depuis` included (their `Serialize` is the report's, which leaves it out), for
/// the precompiled rule set.
mod versements_entiers {
    use super::{FieldId, Versement};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    type Entier = (f64, String, Option<(FieldId, u32)>);

    pub(super) fn serialize<S: Serializer>(v: &[Versement], s: S) -> Result<S::Ok, S::Error> {
        v.iter()
            .map(|v| (v.part_pct, &v.quand, v.depuis))
            .collect::<Vec<_>>()
            .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Versement>, D::Error> {
        Ok(Vec::<Entier>::deserialize(d)?
            .into_iter()
            .map(|(part_pct, quand, depuis)| Versement {
                part_pct,
                quand,
                depuis,
            })
            .collect())
    }
}

/// Writes `50` rather than `50.0` for a whole percentage.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
pub(crate) fn whole_if_integral<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    #[allow(clippy::cast_possible_truncation)]
    if x.fract() == 0.0 && x.abs() < 1e15 {
        s.serialize_i64(*x as i64)
    } else {
        s.serialize_f64(*x)
    }
}

/// A deadline to list: a fixed date or one relative to a date field.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EcheanceDef {
    pub libelle: String,
    pub quand: Quand,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum Quand {
    Date(NaiveDate),
    Depuis(FieldId, u32),
}

/// A cited source.
#[derive(Debug, Clone, Serialize, JsonSchema, Deserialize)]
#[schemars(description = "Un texte officiel cité.")]
pub struct Reference {
    #[schemars(description = "Titre du texte.")]
    pub titre: String,
    #[schemars(description = "Adresse du texte.")]
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "L'article ou la partie du texte.")]
    pub article: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(
    description = "eligible : toutes les conditions sont vraies ; a_confirmer : aucune n'est fausse, certaines sont inconnues ; non_eligible : une est fausse."
)]
pub enum Statut {
    Eligible,
    AConfirmer,
    NonEligible,
}

impl Statut {
    pub const ALL: [Statut; 3] = [Statut::Eligible, Statut::AConfirmer, Statut::NonEligible];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Statut::Eligible => "eligible",
            Statut::AConfirmer => "a_confirmer",
            Statut::NonEligible => "non_eligible",
        }
    }

    /// In French, for tables.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Statut::Eligible => "éligible",
            Statut::AConfirmer => "à confirmer",
            Statut::NonEligible => "non éligible",
        }
    }
}

/// An embedded example: a profile, a reference date and the expected outcome.
#[derive(Debug, Clone)]
pub struct Exemple {
    pub nom: String,
    pub date: NaiveDate,
    pub profil: Profile,
    pub statut: Statut,
    pub eur: Option<i64>,
    pub min_eur: Option<i64>,
    pub max_eur: Option<i64>,
    pub manquants: Option<Vec<FieldId>>,
    pub span: Range<usize>,
}
