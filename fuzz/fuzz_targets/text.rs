//! A rule file with a hostile name (its first line) and hostile text (the rest), loaded with the
//! embedded reference data: every diagnostic rendered as text for people has no raw control character
//! but its line breaks and no line that starts with `::` (a CI workflow command), and every GitHub
//! annotation is one line. Also any text through `text::visible`: one line, no control character.

#![no_main]

use aides::rules::{SourceFile, from_sources};
use libfuzzer_sys::fuzz_target;

fn assert_safe(what: &str, shown: &str) {
    for line in shown.split('\n') {
        assert!(!line.starts_with("::"), "{what}: forged line {line:?}");
        assert!(
            !line.chars().any(aides::text::is_hidden),
            "{what}: raw control character in {line:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    // Any text made visible is one line without a control character (it may start with `::`
    // itself: no rendered line starts with user text).
    let visible = aides::text::visible(input);
    assert!(!visible.chars().any(aides::text::is_hidden), "{visible:?}");
    assert_eq!(aides::text::visible_width(input), visible.chars().count());
    let (name, text) = input.split_once('\n').unwrap_or((input, ""));
    let name = format!("rules/national/{name}.toml");
    let loaded = from_sources(vec![SourceFile {
        rel: name.trim_start_matches("rules/").to_owned(),
        name: name.clone(),
        text: text.to_owned(),
    }]);
    for d in &loaded.diagnostics {
        let src = loaded.rules.source(&d.file);
        assert_safe("text", &aides::diagnostic::render_text(d, src));
        let github = aides::diagnostic::render_github(d, src);
        assert!(!github.contains('\n') && !github.contains('\r'), "{github:?}");
        assert!(!github.contains('\u{1b}'), "{github:?}");
    }
});
