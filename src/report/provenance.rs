//! Which tool and which rules produced an output (SPEC §5 `provenance`): the version, the rule set's
//! fingerprint and the oldest date its facts were checked. The fingerprint is computed when first
//! serialised, so that the answers that do not print it do not pay for it.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

use crate::rules::model::RuleSet;

/// The version of `aides`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The provenance of an output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(
    description = "Ce qui a produit cette réponse : la version d'aides et la base de règles."
)]
pub struct Provenance {
    #[schemars(description = "Version d'aides.")]
    pub version: &'static str,
    #[schemars(
        description = "Empreinte SHA-256 (hexadécimal) des fichiers de la base de règles : la même pour la base intégrée et pour les mêmes fichiers dans un dossier."
    )]
    pub empreinte_regles: String,
    #[schemars(
        description = "La plus ancienne date de vérification des aides contre leurs sources (verifie_le)."
    )]
    pub regles_verifiees_le: Option<NaiveDate>,
}

impl Provenance {
    #[must_use]
    pub fn of(rules: &RuleSet) -> Provenance {
        Provenance {
            version: VERSION,
            empreinte_regles: rules.empreinte().to_owned(),
            regles_verifiees_le: rules.verifiees_le(),
        }
    }

    /// What `aides --version` prints.
    #[must_use]
    pub fn text(&self) -> String {
        let verifiees = self
            .regles_verifiees_le
            .map_or_else(|| "jamais".to_owned(), crate::fr::date);
        format!(
            "aides {}\nempreinte des règles : {}\nrègles vérifiées le : {verifiees} (la plus ancienne vérification)",
            self.version, self.empreinte_regles
        )
    }
}

/// The provenance of a report, serialised as a `Provenance` when the report is.
#[derive(Debug, Clone, Copy)]
pub struct ProvenanceDe<'r>(pub &'r RuleSet);

impl Serialize for ProvenanceDe<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Provenance::of(self.0).serialize(s)
    }
}
