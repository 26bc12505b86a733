//! The README's tables are the code's own lists: the profile table is `profile::FIELDS`, the table of
//! diagnostic codes is `Code::ALL` with their descriptions; and every diagnostic code has a CLI case.

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

/// The README's table of diagnostic codes is `Code::ALL` with `Code::description()`, row for row.
#[test]
fn readme_code_table_is_the_code_list() {
    use aides::diagnostic::Code;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("| code | meaning |")
        .expect("code table in README");
    let rows: Vec<&str> = readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    let expected: Vec<String> = Code::ALL
        .iter()
        .map(|c| format!("| `{}` | {} |", c.as_str(), c.description()))
        .collect();
    assert_eq!(
        rows,
        expected,
        "README code table (left) vs Code::ALL (right); the rows to paste:\n{}",
        expected.join("\n")
    );
}

/// Every diagnostic code has a CLI case (`tests/cmd/`) whose output shows it, in one of the formats.
#[test]
fn every_code_has_a_cli_case() {
    use aides::diagnostic::Code;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cmd");
    let mut outputs = String::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path
            .extension()
            .is_some_and(|x| x == "stdout" || x == "stderr")
        {
            outputs.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
    // A case run by a test of its own (it needs links made at test time).
    outputs.push_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/validate-unsafe-path/stdout"
        ))
        .unwrap(),
    );
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| {
            ![
                format!("[{c}]"),
                format!("\"code\":\"{c}\""),
                format!("title={c}::"),
            ]
            .iter()
            .any(|shown| outputs.contains(shown.as_str()))
        })
        .collect();
    assert!(missing.is_empty(), "codes without a CLI case: {missing:?}");
}

/// The README's batch example, shown without trycmd's exit-status line, is the output of the CLI
/// case that runs it (tests/cmd/readme-batch.toml).
#[test]
fn readme_batch_example_is_the_cli_case() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let command =
        "$ aides check --input tests/data/profils.ndjson --format ndjson --date 2026-03-01 -q\n";
    let start = readme.find(command).expect("batch example in README") + command.len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    let case = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/cmd/readme-batch.stdout"
    ))
    .unwrap();
    assert_eq!(shown.trim_end(), case.trim_end());
    assert!(
        !readme.contains("\n? 1\n"),
        "a trycmd status line shows in README.md"
    );
}
