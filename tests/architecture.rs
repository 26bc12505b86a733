//! The modules' floors and allowed imports, as the README's « Which module may import which » table
//! says: every `crate::` and `super::` path of `src/` (test code aside) must be allowed by the row of
//! its module, every allowed import stays on its floor or goes down, the allowed imports make no
//! circle, and every module has a row. The table is read from the README, so that the text and the
//! check cannot drift apart.

// Tests read the sources (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One row of the table.
#[derive(Debug)]
struct Row {
    floor: u32,
    allowed: BTreeSet<String>,
}

/// The rows of the README's table, by module path (`profile::vocabulary`).
fn table() -> BTreeMap<String, Row> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme
        .find("### Which module may import which")
        .expect("the README's architecture section has its import table");
    let mut rows = BTreeMap::new();
    for line in readme[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
    {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        assert_eq!(cells.len(), 4, "four cells: {line}");
        let floor = cells[0]
            .parse()
            .unwrap_or_else(|_| panic!("a floor: {line}"));
        let module = cells[1].trim_matches('`').to_owned();
        let allowed = if cells[3] == "—" {
            BTreeSet::new()
        } else {
            cells[3]
                .split(", ")
                .map(|m| m.trim_matches('`').to_owned())
                .collect()
        };
        assert!(
            rows.insert(module.clone(), Row { floor, allowed })
                .is_none(),
            "two rows for {module}"
        );
    }
    assert!(rows.len() > 10, "the table was read: {rows:?}");
    rows
}

/// The module path of a source file: `src/profile/vocabulary.rs` → `profile::vocabulary`.
fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The row a module path belongs to: the longest row that is the path or one of its parents.
fn row_of<'t>(path: &str, rows: &'t BTreeMap<String, Row>) -> Option<&'t str> {
    rows.keys()
        .filter(|r| path == r.as_str() || path.starts_with(&format!("{r}::")))
        .max_by_key(|r| r.len())
        .map(String::as_str)
}

/// The source without its test code: an item under a column-0 `#[cfg(test)]` (to its closing `}` at
/// column 0, rustfmt's layout), and comments.
fn without_tests(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line == "#[cfg(test)]" {
            let Some(item) = lines.next() else { break };
            if !item.trim_end().ends_with(';') {
                for l in lines.by_ref() {
                    if l == "}" {
                        break;
                    }
                }
            }
            continue;
        }
        let code = line.split("//").next().unwrap_or("");
        out.push(code);
    }
    out
}

/// The lower-case path at the start of `rest`: `fr::cle(s)` → `fr::cle`, `profile::FieldId` →
/// `profile`, `{Shell, load}` → nothing.
fn lower_path(rest: &str) -> Vec<String> {
    let mut segs = Vec::new();
    for seg in rest.split("::") {
        let head: String = seg
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        if head.is_empty() {
            break;
        }
        let whole = head.len() == seg.len();
        segs.push(head);
        if !whole {
            break;
        }
    }
    segs
}

/// The module paths a line names after `crate::` or `super::` (resolved from `module`).
fn paths_in(line: &str, module: &[String]) -> Vec<String> {
    let bytes = line.as_bytes();
    let word = |i: usize| i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
    let mut found = Vec::new();
    for (i, _) in line.match_indices("crate::") {
        if word(i) {
            found.push(lower_path(&line[i + "crate::".len()..]).join("::"));
        }
    }
    for (i, _) in line.match_indices("super::") {
        // A chain `super::super::…` counts once, from its first link.
        if !word(i) || line[..i].ends_with("super::") {
            continue;
        }
        let mut rest = &line[i..];
        let mut base = module.to_vec();
        while let Some(r) = rest.strip_prefix("super::") {
            base.pop();
            rest = r;
        }
        base.extend(lower_path(rest));
        found.push(base.join("::"));
    }
    found
}

/// Every module path each row imports, with a file and line for each, from the sources under `src/`.
fn imports(rows: &BTreeMap<String, Row>) -> Vec<(String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).expect("under src");
        if rel == Path::new("lib.rs") || rel == Path::new("main.rs") {
            continue; // the root sees everything
        }
        let module = module_of(rel);
        let from = row_of(&module, rows)
            .unwrap_or_else(|| {
                panic!(
                    "src/{} ({module}) has no row in the README's table",
                    rel.display()
                )
            })
            .to_owned();
        let text = std::fs::read_to_string(&file).expect("source");
        // Inline modules (`mod ids { … }`) move `super::`: the stack of those open at each line.
        let mut inline: Vec<(usize, String)> = Vec::new();
        for (n, line) in without_tests(&text).into_iter().enumerate() {
            let indent = line.len() - line.trim_start().len();
            if inline
                .last()
                .is_some_and(|(i, _)| *i == indent && line.trim() == "}")
            {
                inline.pop();
            }
            let mut here: Vec<String> = module.split("::").map(str::to_owned).collect();
            here.extend(inline.iter().map(|(_, m)| m.clone()));
            for path in paths_in(line, &here) {
                if let Some(to) = row_of(&path, rows)
                    && to != from
                {
                    out.push((
                        from.clone(),
                        to.to_owned(),
                        format!("src/{}:{}", rel.display(), n + 1),
                    ));
                }
            }
            let t = line.trim_start();
            let t = t
                .strip_prefix("pub(crate) ")
                .or_else(|| t.strip_prefix("pub "))
                .unwrap_or(t);
            if let Some(name) = t.strip_prefix("mod ").and_then(|r| r.strip_suffix(" {")) {
                inline.push((indent, name.to_owned()));
            }
        }
    }
    out
}

#[test]
fn every_import_is_allowed_by_the_readme_table() {
    let rows = table();
    let mut refused = Vec::new();
    for (from, to, place) in imports(&rows) {
        if !rows[&from].allowed.contains(&to) {
            refused.push(format!("{place}: `{from}` imports `{to}`"));
        }
    }
    assert!(
        refused.is_empty(),
        "imports the README's « Which module may import which » does not allow (add them to the row, \
         or move the code down):\n{}",
        refused.join("\n")
    );
}

#[test]
fn the_table_names_modules_that_exist_and_never_climbs() {
    let rows = table();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (module, row) in &rows {
        let base = src.join(module.replace("::", "/"));
        // The condition language is its own module once it has its folder; until then its row waits.
        let exists = base.with_extension("rs").is_file() || base.join("mod.rs").is_file();
        assert!(
            exists || module == "condition",
            "`{module}` has a row but no source"
        );
        for to in &row.allowed {
            let target = rows
                .get(to)
                .unwrap_or_else(|| panic!("`{module}` may import `{to}`, which has no row"));
            assert!(
                target.floor <= row.floor,
                "`{module}` (floor {}) may import `{to}` (floor {}): a module imports only its floor and below",
                row.floor,
                target.floor
            );
        }
    }
}

/// Depth-first search; a module met again while on the path closes a circle.
fn visit<'a>(
    m: &'a str,
    rows: &'a BTreeMap<String, Row>,
    path: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
) {
    if done.contains(m) {
        return;
    }
    if let Some(i) = path.iter().position(|p| *p == m) {
        panic!("circle: {} → {m}", path[i..].join(" → "));
    }
    path.push(m);
    for to in &rows[m].allowed {
        visit(to, rows, path, done);
    }
    path.pop();
    done.insert(m);
}

#[test]
fn the_allowed_imports_make_no_circle() {
    let rows = table();
    let mut done = BTreeSet::new();
    for m in rows.keys() {
        visit(m, &rows, &mut Vec::new(), &mut done);
    }
}

#[test]
fn the_reader_sees_imports_the_table_forbids() {
    // The checker itself: an upward import, a `super::` out of an inline module, and test code.
    let rows = table();
    let here = |m: &str| -> Vec<String> { m.split("::").map(str::to_owned).collect() };
    assert_eq!(
        paths_in("use crate::app::load;", &here("fr")),
        vec!["app::load"]
    );
    assert_eq!(
        paths_in("    let x = crate::fr::cle(s);", &here("rules::compile")),
        vec!["fr::cle"]
    );
    assert_eq!(
        paths_in(
            "use super::super::eval::Verdict;",
            &here("rules::check::inner")
        ),
        vec!["rules::eval"]
    );
    // Back in `profile` from its vocabulary: refused, as `fr` importing `app` is.
    let up = paths_in("use super::Kind;", &here("profile::vocabulary"));
    assert_eq!(up, vec!["profile"]);
    assert_eq!(row_of(&up[0], &rows), Some("profile"));
    assert!(!rows["profile::vocabulary"].allowed.contains("profile"));
    assert_eq!(row_of("app::load", &rows), Some("app"));
    assert!(!rows["fr"].allowed.contains("app"));
    assert_eq!(
        row_of("profile::vocabulary::FieldId", &rows),
        Some("profile::vocabulary")
    );
    let code = "use crate::fr;\n#[cfg(test)]\nmod tests {\n    use crate::app;\n}\nfn f() {} // crate::serve\n";
    let kept = without_tests(code).concat();
    assert!(kept.contains("crate::fr") && !kept.contains("crate::app") && !kept.contains("serve"));
}
