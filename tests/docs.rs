//! The README documents the profile vocabulary: every field of `profile::FIELDS` has its row in the
//! README's profile table, and the table names no field the tool does not know.

// Tests and benchmarks read fixtures and time things (clippy.toml).
#![allow(clippy::disallowed_methods)]

#[test]
fn readme_profile_table_matches_the_vocabulary() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("| field | type | meaning |")
        .expect("profile table in README");
    let rows: Vec<&str> = readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.split('`').nth(1))
        .collect();
    let fields: Vec<&str> = aides::profile::field_names().collect();
    assert_eq!(
        rows, fields,
        "README profile table (left) vs profile::FIELDS (right)"
    );
}
