//! Lists `rules/**/*.toml` (sorted) into `$OUT_DIR/embedded_rules.rs` as `(relative path, text)` pairs,
//! so that the binary carries its rule set, with where each file's trailing examples begin and a hash
//! of them all (which the precompiled rule set must match to be used). Parses nothing: the loader
//! checks embedded and on-disk rules the same way.

// Build scripts read the rules directory (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// Where the examples (`[exemples_commun]`, `[[exemples]]` and their sub-tables) begin when they end
/// the file, found by its table headers; else the file's length. Evaluating a profile reads each file
/// up to there (`rules::embedded_for_evaluation`, tested to give the same rules); `validate` reads it
/// all.
fn examples_at(text: &str) -> usize {
    let mut cut = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let header = line.trim_start();
        if let Some(name) = header.strip_prefix('[') {
            let name = name.trim_start_matches('[').trim_start();
            if name.starts_with("exemples") {
                cut.get_or_insert(offset);
            } else {
                cut = None;
            }
        }
        offset += line.len();
    }
    cut.unwrap_or(text.len())
}

/// FNV-1a (64 bits) of each file's relative path, length and text, in order: what the precompiled
/// rule set (`src/rules/precompiled.json`) records it was made from, to be used only for these texts.
fn fnv1a(files: &[(String, String)]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (rel, text) in files {
        eat(rel.as_bytes());
        eat(&[0]);
        eat(&(text.len() as u64).to_le_bytes());
        eat(text.as_bytes());
    }
    hash
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut code = String::from(
        "/// The rule files embedded at build time: (path relative to `rules/`, text).\npub static FILES: &[(&str, &str)] = &[\n",
    );
    let mut cuts = String::from(
        "/// For each of `FILES`, the byte where its trailing examples begin (its length without).\npub static EXAMPLES_AT: &[usize] = &[\n",
    );
    let mut texts = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("a rule file is UTF-8 text");
        let _ = writeln!(cuts, "    {},", examples_at(&text));
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path
            .strip_prefix(&root)
            .expect("under rules/")
            .to_string_lossy()
            .replace('\\', "/");
        let _ = writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            path.display().to_string()
        );
        texts.push((rel, text));
    }
    code.push_str("];\n");
    code.push_str(&cuts);
    code.push_str("];\n");
    let hash = fnv1a(&texts);
    let _ = writeln!(
        code,
        "/// FNV-1a of `FILES` (path, length, text), as the precompiled rule set records it.\npub static SOURCES_HASH: u64 = 0x{:04x}_{:04x}_{:04x}_{:04x};",
        hash >> 48,
        (hash >> 32) & 0xffff,
        (hash >> 16) & 0xffff,
        hash & 0xffff
    );
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("embedded_rules.rs");
    std::fs::write(out, code).expect("write embedded_rules.rs");
}
