//! The report structures that *are* the JSON contract of SPEC §5 (stable French keys, in this order),
//! built from the verdicts of `eval` and rendered by `output`; borrowed from the rule set so that
//! building one is cheap. The French sentences of the report (questions' options, near misses,
//! condition details) are made here, once, for the JSON and the table alike.
//!
//! `contract` holds the types (the JSON shape), `build` makes them from eval's verdicts, `phrases`
//! the French words both use.

mod build;
pub mod catalogue;
mod contract;
mod phrases;
mod provenance;
pub mod validation;

pub use build::{evaluate, waits_for_region};
pub use contract::{
    AideCompacte, AideRapport, Compact, ConditionRapport, Etape, Explication, GroupeRapport,
    LigneErreur, MontantRapport, Periodicite, PisteRapport, QuestionRapport, Rapport, SelonRapport,
    SelonValeur, Valeurs, VersementRapport,
};
pub use phrases::{court, flag, json_value, lieu, region_sans_aide, value_label, zonage};
pub use provenance::{Provenance, ProvenanceDe, VERSION};
