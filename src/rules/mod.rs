//! Loading a rule set: the same pure loader reads the embedded rules and the files of a directory on
//! disk (read by the shell, `app::rules_dir`), so both get the same checks and the same diagnostics,
//! located by file, line and column. Nothing here touches the file system.
//! The checks that need a loaded rule set and its evaluation (examples, coverage) are in `validate`.

pub mod compile;
pub mod embedded;
mod exemples;
pub mod model;
pub mod montant;
mod read;

use self::compile::Placement;
use self::model::{Categorie, RuleSet, SourceText};
use crate::condition::SharedConditions;
use crate::diagnostic::{Code, Diagnostic};
use crate::referentiel::Referentiel;
use crate::toml_read::Ctx;

/// One rule file to load: its path relative to the rule root (`national/x.toml`), the name shown in
/// diagnostics, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub rel: String,
    pub name: String,
    pub text: String,
}

/// A rule set and every problem found while reading it.
#[derive(Debug)]
pub struct Loaded {
    pub rules: RuleSet,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

const REFERENTIEL: [&str; 5] = [
    "regions.toml",
    "departements.toml",
    "contacts.toml",
    "conditions.toml",
    "synonymes.toml",
];

/// Whether a file (by its path relative to the rule root) is reference data rather than an aid.
#[must_use]
pub fn is_referentiel(rel: &str) -> bool {
    referentiel_kind(rel).is_some()
}

fn referentiel_kind(rel: &str) -> Option<usize> {
    let mut parts = rel.rsplit('/');
    let file = parts.next()?;
    (parts.next()? == "referentiel").then_some(())?;
    REFERENTIEL.iter().position(|f| *f == file)
}

fn placement(rel: &str) -> Placement<'_> {
    let parts: Vec<&str> = rel.split('/').collect();
    let stem = parts
        .last()
        .map_or("", |f| f.strip_suffix(".toml").unwrap_or(f));
    let dossier_region = parts.windows(3).find(|w| w[0] == "regions").map(|w| w[1]);
    let categorie = if dossier_region.is_some() {
        Categorie::Regionale
    } else if parts.contains(&"abrogees") {
        Categorie::Abrogee
    } else {
        Categorie::Nationale
    };
    Placement {
        categorie,
        dossier_region,
        stem,
        exemples: true,
    }
}

/// The embedded rule files.
#[must_use]
pub fn embedded_sources() -> Vec<SourceFile> {
    embedded::FILES
        .iter()
        .map(|(rel, text)| SourceFile {
            rel: (*rel).to_owned(),
            name: format!("rules/{rel}"),
            text: (*text).to_owned(),
        })
        .collect()
}

/// The embedded rule set, which must load without errors (tested).
#[must_use]
pub fn embedded() -> Loaded {
    from_sources(embedded_sources())
}

/// The embedded rule set for evaluating profiles: the precompiled one when it was made from the
/// embedded files (`precompiled`), else `embedded_for_evaluation_from_toml`.
#[must_use]
pub fn embedded_for_evaluation() -> Loaded {
    precompiled(PRECOMPILED, embedded::SOURCES_HASH)
        .unwrap_or_else(embedded_for_evaluation_from_toml)
}

/// The embedded aids (without their examples) and reference data, compiled from the embedded files
/// beforehand and kept as JSON: reading it costs a fraction of parsing and compiling the TOML, which
/// matters to the start of a one-profile `check`. A test checks that it is what the TOML gives,
/// field for field, and rewrites it when `AIDES_PRECOMPILE` is set.
const PRECOMPILED: &str = include_str!("precompiled.json");

/// The form of `PRECOMPILED`.
#[derive(serde::Serialize, serde::Deserialize)]
struct Precompiled {
    /// The `embedded::SOURCES_HASH` of the files it was compiled from.
    sources: u64,
    aides: Vec<model::Aide>,
    refs: Referentiel,
}

#[cfg(test)]
impl Precompiled {
    fn json(rules: &RuleSet) -> String {
        let mut json = serde_json::to_string(&PrecompiledRef {
            sources: embedded::SOURCES_HASH,
            aides: &rules.aides,
            refs: &rules.refs,
        })
        .unwrap_or_default();
        json.push('\n');
        json
    }
}

/// `Precompiled`, borrowed, to write it.
#[cfg(test)]
#[derive(serde::Serialize)]
struct PrecompiledRef<'r> {
    sources: u64,
    aides: &'r [model::Aide],
    refs: &'r Referentiel,
}

/// The rule set `json` holds, with the embedded files as its sources, when it was compiled from files
/// whose hash is `sources`; `None` when it was not, or does not read (the TOML is then read).
fn precompiled(json: &str, sources: u64) -> Option<Loaded> {
    let Precompiled {
        sources: made_from,
        aides,
        mut refs,
    } = serde_json::from_str(json).ok()?;
    (made_from == sources).then_some(())?;
    refs.index_codes();
    let mut sources: Vec<SourceText> = embedded::FILES
        .iter()
        .map(|(rel, text)| SourceText {
            rel: (*rel).to_owned(),
            name: format!("rules/{rel}"),
            text: (*text).into(),
        })
        .collect();
    sources.sort_by(|a, b| a.rel.cmp(&b.rel));
    Some(loaded(aides, refs, sources, Vec::new()))
}

/// The rule set of `aides` and `refs` read from `sources`, with what the loading said.
fn loaded(
    aides: Vec<model::Aide>,
    refs: Referentiel,
    sources: Vec<SourceText>,
    diagnostics: Vec<Diagnostic>,
) -> Loaded {
    let referentiel_integre = !sources.iter().any(|f| referentiel_kind(&f.rel).is_some());
    Loaded {
        rules: RuleSet {
            aides,
            refs,
            sources,
            referentiel_integre,
            empreinte: std::sync::OnceLock::new(),
        },
        diagnostics,
    }
}

/// The embedded rule set for evaluating profiles, read from the TOML: each aid's file read up to its
/// trailing examples (`embedded::EXAMPLES_AT`), which only `validate` runs; a test checks that this is
/// `embedded()` less the examples, with the same diagnostics (none).
#[must_use]
fn embedded_for_evaluation_from_toml() -> Loaded {
    load(embedded_sources(), &|rel| {
        embedded::FILES
            .iter()
            .zip(embedded::EXAMPLES_AT)
            .find(|((r, _), _)| *r == rel)
            .map(|(_, at)| *at)
    })
}

/// Reads reference data and shared conditions from `files`, or from the embedded rules when `files`
/// has none.
fn referentiel(
    files: &[SourceFile],
    diags: &mut Vec<Diagnostic>,
) -> (Referentiel, SharedConditions) {
    let mut given: Vec<(usize, &SourceFile)> = files
        .iter()
        .filter_map(|f| referentiel_kind(&f.rel).map(|k| (k, f)))
        .collect();
    let fallback;
    if given.is_empty() {
        fallback = embedded_sources();
        given = fallback
            .iter()
            .filter_map(|f| referentiel_kind(&f.rel).map(|k| (k, f)))
            .collect();
    }
    given.sort_by_key(|(k, _)| *k);
    let mut refs = Referentiel::default();
    let mut shared = SharedConditions::default();
    for (kind, f) in &given {
        let mut ctx = Ctx::new(&f.name);
        match kind {
            0 => crate::referentiel::read_regions(&mut ctx, &f.text, &mut refs),
            1 => crate::referentiel::read_departements(&mut ctx, &f.text, &mut refs),
            2 => crate::referentiel::read_contacts(&mut ctx, &f.text, &mut refs),
            3 => shared = crate::condition::read::shared(&mut ctx, &f.text, &refs),
            _ => crate::referentiel::read_synonymes(&mut ctx, &f.text, &mut refs),
        }
        diags.extend(ctx.diags);
    }
    crate::referentiel::check(&refs, "rules/referentiel", diags);
    (refs, shared)
}

/// The SHA-256, in hex, of `sources` (each file's relative path, length and text, in path order), of
/// the embedded reference data when `referentiel_integre`, and of the communes table.
pub(crate) fn fingerprint(sources: &[SourceText], referentiel_integre: bool) -> String {
    use sha2::{Digest, Sha256};
    let embedded;
    let mut files: Vec<(&str, &str)> = sources
        .iter()
        .map(|s| (s.rel.as_str(), s.text.as_str()))
        .collect();
    if referentiel_integre {
        embedded = embedded_sources();
        files.extend(
            embedded
                .iter()
                .filter(|f| referentiel_kind(&f.rel).is_some())
                .map(|f| (f.rel.as_str(), f.text.as_str())),
        );
    }
    files.push(("referentiel/communes.tsv", crate::communes::TABLE));
    files.sort_unstable();
    let mut hash = Sha256::new();
    for (rel, text) in files {
        hash.update(rel.as_bytes());
        hash.update([0]);
        hash.update((text.len() as u64).to_le_bytes());
        hash.update(text.as_bytes());
    }
    hash.finalize()
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            use std::fmt::Write as _;
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// Loads a rule set from source texts (pure). Aids whose file has an error are left out of the set;
/// their problems are in the diagnostics.
#[must_use]
pub fn from_sources(files: Vec<SourceFile>) -> Loaded {
    load(files, &|_| None)
}

/// `from_sources`, each aid's file read up to the byte that `read_up_to` gives for its path, if any.
pub(crate) fn load(
    mut files: Vec<SourceFile>,
    read_up_to: &dyn Fn(&str) -> Option<usize>,
) -> Loaded {
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut diagnostics = Vec::new();
    let (refs, shared) = referentiel(&files, &mut diagnostics);
    let mut aides = Vec::new();
    let mut compiled = Vec::new();
    for f in files.iter().filter(|f| referentiel_kind(&f.rel).is_none()) {
        let mut place = placement(&f.rel);
        let mut ctx = Ctx::new(&f.name);
        let text = match read_up_to(&f.rel).and_then(|at| f.text.get(..at)) {
            Some(head) => {
                place.exemples = false;
                head
            }
            None => &f.text,
        };
        let aide = compile::aide(&mut ctx, text, &refs, &shared, &place);
        let stem_matches = aide.as_ref().is_some_and(|a| a.id == place.stem);
        compiled.push((aide, ctx.diags, stem_matches));
    }
    // A duplicated id is blamed on the file whose name does not match it (the copy), or, when every
    // copy is well named (same name in two folders), on all but the first.
    for i in 0..compiled.len() {
        let Some(aide) = &compiled[i].0 else { continue };
        let twins: Vec<usize> = (0..compiled.len())
            .filter(|&j| j != i && compiled[j].0.as_ref().is_some_and(|b| b.id == aide.id))
            .collect();
        let Some(&other) = twins.first() else {
            continue;
        };
        let blame = if compiled[i].2 {
            twins.iter().any(|&j| compiled[j].2 && j < i)
        } else {
            true
        };
        if blame {
            let first = compiled[other]
                .0
                .as_ref()
                .map_or("", |b| b.file.as_str())
                .to_owned();
            let d = Diagnostic::error(
                Code::DuplicateId,
                &aide.file,
                Some(aide.id_span.clone()),
                format!("l'id « {} » est déjà celui de {first}", aide.id),
            )
            .with_help("chaque aide a un id unique, qui est aussi le nom de son fichier : renommez l'une des deux");
            compiled[i].1.push(d);
        }
    }
    for (aide, diags, _) in compiled {
        let ok = !diags.iter().any(Diagnostic::is_error);
        diagnostics.extend(diags);
        if let (Some(aide), true) = (aide, ok) {
            aides.push(aide);
        }
    }
    aides.sort_by_key(|a| a.categorie);
    let sources = files
        .into_iter()
        .map(|f| SourceText {
            rel: f.rel,
            name: f.name,
            text: f.text.into(),
        })
        .collect();
    loaded(aides, refs, sources, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::{Loaded, RuleSet};

    /// The precompiled rule set is what the TOML gives: the same JSON once written again (rewritten
    /// when `AIDES_PRECOMPILE` is set), and, read back, the same rule set field for field.
    #[test]
    fn the_precompiled_rules_are_those_the_toml_gives() {
        let toml = super::embedded_for_evaluation_from_toml();
        assert!(toml.diagnostics.is_empty(), "{:?}", toml.diagnostics);
        let json = super::Precompiled::json(&toml.rules);
        if regenerate(&json) {
            return;
        }
        assert!(
            json == super::PRECOMPILED,
            "src/rules/precompiled.json is not what the rules give: AIDES_PRECOMPILE=1 cargo test --lib precompiled"
        );
        let read = super::precompiled(super::PRECOMPILED, super::embedded::SOURCES_HASH)
            .expect("the precompiled rule set reads, made from the embedded files");
        assert_same(&toml, &read);
    }

    /// Field for field (the code index in its order, as a map has none).
    fn assert_same(a: &Loaded, b: &Loaded) {
        let (a, b) = (&a.rules, &b.rules);
        assert_eq!(a.aides.len(), b.aides.len());
        for (x, y) in a.aides.iter().zip(&b.aides) {
            assert_eq!(format!("{x:?}"), format!("{y:?}"), "{}", x.id);
        }
        let refs = |r: &RuleSet| {
            let mut codes: Vec<_> = r.refs.par_code.iter().collect();
            codes.sort();
            let r = &r.refs;
            format!(
                "{:?}",
                (
                    &r.regions,
                    &r.departements,
                    &r.contacts,
                    &r.synonymes,
                    codes
                )
            )
        };
        assert_eq!(refs(a), refs(b));
        assert_eq!(format!("{:?}", a.sources), format!("{:?}", b.sources));
        assert_eq!(a.referentiel_integre, b.referentiel_integre);
        assert_eq!(a.empreinte(), b.empreinte());
    }

    /// Writes `json` as the precompiled rule set when `AIDES_PRECOMPILE` is set: the one thing a test
    /// does to the source tree, when asked.
    #[allow(clippy::disallowed_methods)]
    fn regenerate(json: &str) -> bool {
        if std::env::var_os("AIDES_PRECOMPILE").is_none() {
            return false;
        }
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/src/rules/precompiled.json"),
            json,
        )
        .expect("write src/rules/precompiled.json");
        true
    }

    /// A rule set without reference files uses the embedded ones, and its fingerprint covers them:
    /// the embedded aids alone are, in effect, the embedded rule set, with the same fingerprint (and
    /// the embedded rule set does not count its reference files twice).
    #[test]
    fn a_rule_set_without_reference_files_is_fingerprinted_with_the_embedded_ones() {
        let embedded = super::embedded();
        assert!(!embedded.rules.referentiel_integre);
        let aids_only: Vec<_> = super::embedded_sources()
            .into_iter()
            .filter(|f| super::referentiel_kind(&f.rel).is_none())
            .collect();
        let aids_only = super::load(aids_only, &|_| None);
        assert!(aids_only.rules.referentiel_integre);
        assert!(
            aids_only.diagnostics.is_empty(),
            "{:?}",
            aids_only.diagnostics
        );
        assert_eq!(aids_only.rules.empreinte(), embedded.rules.empreinte());
    }

    /// Made from other files, or unreadable, the precompiled rule set is left for the TOML.
    #[test]
    fn a_stale_precompiled_rule_set_is_not_used() {
        let hash = super::embedded::SOURCES_HASH;
        assert!(super::precompiled(super::PRECOMPILED, hash ^ 1).is_none());
        assert!(super::precompiled("{", hash).is_none());
    }

    /// Evaluating reads the embedded aids up to their examples: the same aids, field for field, as
    /// the whole files give once their examples are set aside, and no diagnostic either way (the
    /// reference data is read whole both ways).
    #[test]
    fn the_rules_for_evaluation_are_the_embedded_rules_less_their_examples() {
        let whole = super::embedded();
        let lean = super::embedded_for_evaluation();
        assert!(whole.diagnostics.is_empty(), "{:?}", whole.diagnostics);
        assert!(lean.diagnostics.is_empty(), "{:?}", lean.diagnostics);
        assert_eq!(
            whole.rules.empreinte(),
            lean.rules.empreinte(),
            "the sources are kept whole"
        );
        assert_eq!(whole.rules.aides.len(), lean.rules.aides.len());
        let mut cut = 0;
        for (mut w, l) in whole.rules.aides.into_iter().zip(&lean.rules.aides) {
            assert!(l.exemples.is_empty(), "{}", l.id);
            cut += usize::from(!w.exemples.is_empty());
            w.exemples.clear();
            assert_eq!(format!("{w:?}"), format!("{l:?}"), "{}", l.id);
        }
        assert!(cut > 10, "the examples of most aids are set aside ({cut})");
    }
}
