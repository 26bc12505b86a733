//! `aides validate --format json` (SPEC §3): one object per diagnostic, with stable keys in this
//! order, then the coverage when asked, then the summary that says the run happened. Pure.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity, locate};
use crate::rules::model::RuleSet;
use crate::validate::AideCoverage;

/// One diagnostic.
#[derive(Debug, Serialize)]
pub struct DiagnosticJson<'a> {
    pub code: &'static str,
    pub severite: Severity,
    pub fichier: &'a str,
    pub ligne: Option<usize>,
    pub colonne: Option<usize>,
    pub message: &'a str,
    /// How to fix it.
    pub conseil: Option<&'a str>,
    /// The aid it concerns, when it concerns one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aide_id: Option<&'a str>,
}

impl<'a> DiagnosticJson<'a> {
    #[must_use]
    pub fn new(d: &'a Diagnostic, rules: &'a RuleSet) -> Self {
        let loc = locate(d, rules.source(&d.file));
        DiagnosticJson {
            code: d.code.as_str(),
            severite: d.severity,
            fichier: &d.file,
            ligne: loc.as_ref().map(|l| l.line),
            colonne: loc.as_ref().map(|l| l.col),
            message: &d.message,
            conseil: d.help.as_deref(),
            aide_id: aide_id(d, rules),
        }
    }
}

/// The aid a diagnostic concerns: the loaded aid of its file, else the name of an aid file (a file
/// with errors is not loaded; its name is its id, or a diagnostic says otherwise).
fn aide_id<'a>(d: &'a Diagnostic, rules: &'a RuleSet) -> Option<&'a str> {
    if let Some(a) = rules.aides.iter().find(|a| a.file == d.file) {
        return Some(&a.id);
    }
    let path = std::path::Path::new(&d.file);
    let in_referentiel = path.components().any(|c| c.as_os_str() == "referentiel");
    if in_referentiel || path.extension().is_none_or(|e| e != "toml") {
        return None;
    }
    path.file_stem().and_then(|s| s.to_str())
}

/// The coverage line (`--coverage`).
#[derive(Debug, Serialize)]
pub struct LigneCouverture<'a> {
    pub couverture: &'a [AideCoverage],
}

/// The last line: what was checked and what was found.
#[derive(Debug, Serialize)]
pub struct LigneResume {
    pub resume: Resume,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Resume {
    pub fichiers: usize,
    pub aides: usize,
    pub exemples: usize,
    pub erreurs: usize,
    pub avertissements: usize,
}

impl Resume {
    #[must_use]
    pub fn new(rules: &RuleSet, diags: &[Diagnostic]) -> Self {
        let erreurs = diags.iter().filter(|d| d.is_error()).count();
        Resume {
            fichiers: rules.sources.len(),
            aides: rules.aides.len(),
            exemples: rules.aides.iter().map(|a| a.exemples.len()).sum(),
            erreurs,
            avertissements: diags.len() - erreurs,
        }
    }

    /// The text form's last line.
    #[must_use]
    pub fn text(&self) -> String {
        format!(
            "{} : {} fichier(s), {} aide(s), {} exemple(s) ; {} erreur(s), {} avertissement(s)",
            if self.erreurs == 0 {
                "validation réussie"
            } else {
                "validation en échec"
            },
            self.fichiers,
            self.aides,
            self.exemples,
            self.erreurs,
            self.avertissements
        )
    }
}
