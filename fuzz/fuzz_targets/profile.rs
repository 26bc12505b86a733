//! One JSON profile (any bytes) through the reader, the evaluation at a date taken from the input, and
//! every output form: the full report, the compact line, the French answer (short and with every
//! detail), each aid's explanation and the questionnaire's next questions and command line. Nothing may panic.

#![no_main]

use std::sync::OnceLock;

use aides::rules::{Loaded, embedded};
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static Loaded {
    static RULES: OnceLock<Loaded> = OnceLock::new();
    RULES.get_or_init(embedded)
}

fuzz_target!(|data: &[u8]| {
    let Some((&day, json)) = data.split_first() else {
        return;
    };
    let rules = &rules().rules;
    let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
        + chrono::Days::new(u64::from(day) * 7);
    // One profile: line breaks would make it a batch, which the `batch` target covers.
    let line: Vec<u8> = json.iter().map(|b| if *b == b'\n' { b' ' } else { *b }).collect();
    let _ = aides::input::stream_profiles(&mut &line[..], &rules.refs, &mut |item| {
        if let Ok(mut p) = item.profile
            && p.resolve_region(&rules.refs).is_ok()
        {
            let r = aides::report::evaluate(rules, &p, date);
            let _ = serde_json::to_string(&r).unwrap();
            let _ = aides::eval::evaluate_compact(rules, &p, date, true);
            let style = aides::output::Style {
                color: false,
                width: Some(80),
            };
            for (all, detail) in [(false, false), (true, true)] {
                let opts = aides::output::answer::AnswerOptions {
                    all,
                    detail,
                    ..Default::default()
                };
                aides::output::answer::write(&mut std::io::sink(), &r, opts, style).unwrap();
            }
            for a in &r.aides {
                let e = aides::report::Explication::new(&r, a.aide);
                aides::output::explain::write(&mut std::io::sink(), &e, &p, rules, style).unwrap();
            }
            let _ = aides::questionnaire::restantes(&r, &p, &[]);
            let _ = aides::questionnaire::command_line(&p, date, &rules.refs);
        }
        Ok::<(), std::convert::Infallible>(())
    });
});
