//! Any text as a rule file, loaded with the embedded reference data, then checked (examples, coverage,
//! contradictions, freshness), its examples evaluated, and every diagnostic rendered in every format.
//! Nothing may panic.

#![no_main]

use aides::rules::{SourceFile, from_sources};
use aides::validate as check;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = from_sources(vec![SourceFile {
        rel: "national/fuzz.toml".into(),
        name: "rules/national/fuzz.toml".into(),
        text: text.to_owned(),
    }]);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let mut diags = loaded.diagnostics.clone();
    diags.extend(check::all(&loaded.rules, today, Some(365)));
    let cov = check::coverage(&loaded.rules);
    diags.extend(check::coverage_warnings(&loaded.rules, &cov));
    for aide in &loaded.rules.aides {
        for ex in &aide.exemples {
            let r = aides::report::evaluate(&loaded.rules, &ex.profil, ex.date);
            let _ = serde_json::to_string(&r).unwrap();
        }
    }
    for d in &diags {
        let src = loaded.rules.source(&d.file);
        let _ = aides::diagnostic::render_text(d, src);
        let _ = serde_json::to_string(&aides::report::validation::DiagnosticJson::new(d, &loaded.rules))
            .unwrap();
        let _ = aides::diagnostic::render_github(d, src);
    }
});
