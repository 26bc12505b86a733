//! Any bytes as a batch input: the detection of one object, an array, NDJSON or pretty-printed objects,
//! the UTF-8 and length checks, and the error recovery. Nothing may panic, and every item must have a
//! place that an error line can report.

#![no_main]

use std::sync::OnceLock;

use aides::rules::{Loaded, embedded};
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static Loaded {
    static RULES: OnceLock<Loaded> = OnceLock::new();
    RULES.get_or_init(embedded)
}

fuzz_target!(|data: &[u8]| {
    let refs = &rules().rules.refs;
    let mut last = 0;
    let _ = aides::input::stream_profiles(&mut &data[..], refs, &mut |item| {
        let n = item.place.number();
        assert!(n >= 1, "a place starts at 1");
        if let aides::input::Place::Element { index, .. } = item.place {
            assert!(index > last, "array positions increase");
            last = index;
        }
        if let Err(problem) = &item.profile {
            let _ = aides::output::problem_line(item.place, problem);
        }
        Ok::<(), std::convert::Infallible>(())
    });
});
