//! Reading a rule set from disk, the one place that walks the file system for rules. The policy: only
//! regular `.toml` files of at most `MAX_RULE_FILE_BYTES` are read; a link to a file is followed only
//! when it leads inside the rules directory (a link out of it is never opened, so that a rule pull
//! request cannot copy another file into CI logs); a link to a directory is never followed (inside the
//! rules directory its target is read anyway, so links in a loop cannot hang the walk); FIFOs, devices
//! and sockets are never opened; a folder is read once (by device and inode) and at most `MAX_DEPTH`
//! levels down. Everything skipped is an `unsafe-path` diagnostic naming the path (a
//! warning for a harmless link to a directory of the rules, else an error). The library's loader only
//! ever sees `(path, text)` pairs.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::error::fr_io;
use crate::rules::{self, Loaded, SourceFile};

/// The largest rule file read: 1 MiB (the largest shipped file is about 30 kB).
pub const MAX_RULE_FILE_BYTES: u64 = 1 << 20;

fn display(p: &Path) -> String {
    p.display().to_string()
}

fn unsafe_path(path: &Path, message: String, help: &str) -> Diagnostic {
    Diagnostic::error(Code::UnsafePath, &display(path), None, message).with_help(help)
}

/// The deepest folder read under a rules directory (the shipped rules are two levels deep): deeper
/// ones are an `unsafe-path` error, so that a chain of thousands of folders costs nothing.
pub const MAX_DEPTH: usize = 16;

/// A directory's identity: its device and inode (its canonical path where there are none), so that
/// telling a folder already read costs no walk up its path.
#[cfg(unix)]
fn identity(_: &Path, meta: &fs::Metadata) -> DirId {
    use std::os::unix::fs::MetadataExt;
    DirId::Inode(meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(path: &Path, _: &fs::Metadata) -> DirId {
    DirId::Path(fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

#[derive(Debug, PartialEq, Eq, Hash)]
enum DirId {
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode(u64, u64),
    Path(PathBuf),
}

/// Walks one rules directory.
struct Walk {
    /// The canonical rules directory: links must lead inside it.
    root: PathBuf,
    visited: HashSet<DirId>,
    files: Vec<PathBuf>,
    diags: Vec<Diagnostic>,
}

impl Walk {
    fn dir(&mut self, dir: &Path, id: DirId, depth: usize) {
        if depth > MAX_DEPTH {
            self.diags.push(unsafe_path(
                dir,
                format!("dossier à plus de {MAX_DEPTH} niveaux sous le dossier de règles : non lu"),
                "rangez les règles dans national/, regions/<région>/, abrogees/ et referentiel/",
            ));
            return;
        }
        if !self.visited.insert(id) {
            self.diags.push(unsafe_path(
                dir,
                "dossier déjà parcouru sous un autre chemin : ignoré".into(),
                "chaque dossier de règles n'est lu qu'une fois",
            ));
            return;
        }
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(
                        Code::Io,
                        &display(dir),
                        None,
                        format!("dossier illisible : {}", fr_io(&e)),
                    )
                    .with_help("vérifiez le chemin et les droits du dossier"),
                );
                return;
            }
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            self.entry(&path, depth);
        }
    }

    fn entry(&mut self, path: &Path, depth: usize) {
        let Ok(meta) = fs::symlink_metadata(path) else {
            return;
        };
        let is_toml = path.extension().is_some_and(|e| e == "toml");
        if meta.file_type().is_symlink() {
            let Some(target) = self.link_target(path) else {
                return;
            };
            match fs::metadata(&target) {
                Ok(m) if m.is_dir() => self.diags.push(
                    Diagnostic::warning(
                        Code::UnsafePath,
                        &display(path),
                        None,
                        "lien symbolique vers un dossier des règles : non suivi (ce dossier est lu à sa place)".into(),
                    )
                    .with_help("retirez le lien : chaque dossier de règles n'est lu qu'une fois"),
                ),
                Ok(m) if is_toml && m.is_file() => self.files.push(path.to_path_buf()),
                Ok(_) if is_toml => self.diags.push(not_regular(path)),
                _ => {}
            }
        } else if meta.is_dir() {
            self.dir(path, identity(path, &meta), depth + 1);
        } else if is_toml {
            if meta.is_file() {
                self.files.push(path.to_path_buf());
            } else {
                self.diags.push(not_regular(path));
            }
        }
    }

    /// Where a link inside the rules directory leads, if inside it; else a diagnostic.
    fn link_target(&mut self, link: &Path) -> Option<PathBuf> {
        match fs::canonicalize(link) {
            Ok(target) if target.starts_with(&self.root) => Some(target),
            Ok(_) => {
                self.diags.push(unsafe_path(
                    link,
                    "lien symbolique vers l'extérieur du dossier de règles : non suivi".into(),
                    "une règle est un fichier du dossier de règles ; copiez le fichier au lieu d'y faire un lien",
                ));
                None
            }
            Err(e) => {
                self.diags.push(unsafe_path(
                    link,
                    format!("lien symbolique cassé : {}", fr_io(&e)),
                    "retirez le lien ou faites-le pointer vers un fichier du dossier de règles",
                ));
                None
            }
        }
    }
}

fn not_regular(path: &Path) -> Diagnostic {
    unsafe_path(
        path,
        "pas un fichier ordinaire (tube, périphérique ou socket) : non lu".into(),
        "une règle est un fichier texte .toml",
    )
}

/// Reads one rule file within the size cap, as UTF-8.
fn read_file(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let name = display(path);
    let io_error = |e: &std::io::Error| {
        Diagnostic::error(
            Code::Io,
            &name,
            None,
            format!("lecture impossible : {}", fr_io(e)),
        )
        .with_help("vérifiez le chemin et les droits du fichier")
    };
    let file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            diags.push(io_error(&e));
            return None;
        }
    };
    // Checked on the opened file too: a path swapped for a device after the walk is not read.
    if file.metadata().is_ok_and(|m| !m.is_file()) {
        diags.push(not_regular(path));
        return None;
    }
    let mut bytes = Vec::new();
    if let Err(e) = file.take(MAX_RULE_FILE_BYTES + 1).read_to_end(&mut bytes) {
        diags.push(io_error(&e));
        return None;
    }
    if bytes.len() as u64 > MAX_RULE_FILE_BYTES {
        diags.push(unsafe_path(
            path,
            format!(
                "fichier trop gros : plus de {} Mio, non lu",
                MAX_RULE_FILE_BYTES >> 20
            ),
            "une règle fait quelques dizaines de ko ; vérifiez que c'est bien un fichier de règles",
        ));
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            diags.push(
                Diagnostic::error(
                    Code::Io,
                    &name,
                    None,
                    format!("texte non UTF-8 : octet invalide à la position {}", at + 1),
                )
                .with_help("enregistrez le fichier en UTF-8"),
            );
            None
        }
    }
}

/// The rule files under a directory (or a given file), with their path relative to the rule root.
fn read_path(path: &Path, diags: &mut Vec<Diagnostic>) -> Vec<SourceFile> {
    let is_dir = path.is_dir();
    let files = if is_dir {
        let root = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let mut walk = Walk {
            root,
            visited: HashSet::new(),
            files: Vec::new(),
            diags: Vec::new(),
        };
        match fs::metadata(path) {
            Ok(meta) => walk.dir(path, identity(path, &meta), 0),
            Err(_) => walk.dir(path, DirId::Path(path.to_path_buf()), 0),
        }
        diags.append(&mut walk.diags);
        walk.files
    } else {
        single_file(path, diags).into_iter().collect()
    };
    let mut out = Vec::new();
    for file in files {
        let Some(text) = read_file(&file, diags) else {
            continue;
        };
        let name = display(&file);
        // A single file keeps its folder names so that `regions/<r>/` and `referentiel/` still apply.
        let rel = if is_dir {
            file.strip_prefix(path)
                .unwrap_or(&file)
                .to_string_lossy()
                .replace('\\', "/")
        } else {
            name.replace('\\', "/")
        };
        out.push(SourceFile { rel, name, text });
    }
    out
}

/// A file given on the command line: a regular file, or a link that stays in its own directory.
fn single_file(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<PathBuf> {
    let meta = fs::symlink_metadata(path).ok()?;
    if meta.file_type().is_symlink() {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let root = fs::canonicalize(dir).ok()?;
        let mut walk = Walk {
            root,
            visited: HashSet::new(),
            files: Vec::new(),
            diags: Vec::new(),
        };
        let target = walk.link_target(path);
        diags.append(&mut walk.diags);
        target?;
    }
    if fs::metadata(path).is_ok_and(|m| m.is_file()) {
        Some(path.to_path_buf())
    } else {
        diags.push(not_regular(path));
        None
    }
}

/// Loads the rule files under directories (or given files) from disk, through the library's loader.
#[must_use]
pub fn load_paths(paths: &[PathBuf]) -> Loaded {
    let mut diags = Vec::new();
    let mut files = Vec::new();
    for p in paths {
        if fs::symlink_metadata(p).is_err() {
            diags.push(
                Diagnostic::error(Code::Io, &display(p), None, "chemin introuvable".into())
                    .with_help("indiquez un dossier de règles (rules/) ou des fichiers .toml"),
            );
            continue;
        }
        let found = read_path(p, &mut diags);
        if p.is_dir() && found.iter().all(|f| rules::is_referentiel(&f.rel)) {
            diags.push(
                Diagnostic::error(
                    Code::Io,
                    &display(p),
                    None,
                    "aucune règle : ce dossier ne contient aucun fichier d'aide .toml".into(),
                )
                .with_help("indiquez le dossier racine des règles (celui qui contient national/, regions/, abrogees/)"),
            );
        }
        files.extend(found);
    }
    let mut loaded = rules::from_sources(files);
    diags.append(&mut loaded.diagnostics);
    loaded.diagnostics = diags;
    loaded
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    const RULE: &str = include_str!("../../rules/national/primo-installation-zip.toml");

    fn tree() -> tempdir::Dir {
        let dir = tempdir::Dir::new();
        fs::create_dir_all(dir.path().join("rules/national")).unwrap();
        fs::write(
            dir.path()
                .join("rules/national/primo-installation-zip.toml"),
            RULE,
        )
        .unwrap();
        dir
    }

    fn codes(loaded: &Loaded) -> Vec<(Code, String)> {
        loaded
            .diagnostics
            .iter()
            .map(|d| (d.code, d.message.clone()))
            .collect()
    }

    #[test]
    fn links_in_a_loop_are_not_followed() {
        let dir = tree();
        let rules = dir.path().join("rules");
        symlink(&rules, rules.join("national/boucle")).unwrap();
        symlink(&rules, rules.join("boucle2")).unwrap();
        let loaded = load_paths(&[rules]);
        assert_eq!(loaded.rules.aides.len(), 1, "each file read once");
        let warnings: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::UnsafePath && !d.is_error())
            .collect();
        assert_eq!(warnings.len(), 2, "{:?}", loaded.diagnostics);
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    }

    #[test]
    fn a_link_out_of_the_rules_directory_is_never_read() {
        let dir = tree();
        let rules = dir.path().join("rules");
        fs::write(
            dir.path().join("secret.toml"),
            "secret = \"mot de passe\"\n",
        )
        .unwrap();
        symlink(
            dir.path().join("secret.toml"),
            rules.join("national/fuite.toml"),
        )
        .unwrap();
        let loaded = load_paths(std::slice::from_ref(&rules));
        let (code, message) = &codes(&loaded)[0];
        assert_eq!(*code, Code::UnsafePath);
        assert!(message.contains("extérieur"), "{message}");
        assert!(
            loaded
                .rules
                .sources
                .iter()
                .all(|s| !s.text.contains("secret")),
            "the target's text must not be read"
        );
        // Named on the command line, the link is refused the same way.
        let loaded = load_paths(&[rules.join("national/fuite.toml")]);
        assert!(codes(&loaded).iter().any(|(c, _)| *c == Code::UnsafePath));
        assert!(
            loaded
                .rules
                .sources
                .iter()
                .all(|s| !s.text.contains("secret"))
        );
    }

    #[test]
    fn a_link_to_a_file_inside_the_rules_directory_is_followed() {
        let dir = tree();
        let rules = dir.path().join("rules");
        fs::create_dir_all(rules.join("sources")).unwrap();
        fs::rename(
            rules.join("national/primo-installation-zip.toml"),
            rules.join("sources/primo-installation-zip.toml"),
        )
        .unwrap();
        symlink(
            rules.join("sources/primo-installation-zip.toml"),
            rules.join("national/primo-installation-zip.toml"),
        )
        .unwrap();
        let loaded = load_paths(&[rules]);
        assert!(
            codes(&loaded).iter().all(|(c, _)| *c != Code::UnsafePath),
            "{:?}",
            loaded.diagnostics
        );
        assert!(loaded.rules.aide("primo-installation-zip").is_some());
    }

    #[test]
    fn fifos_and_oversized_files_are_not_read() {
        let dir = tree();
        let rules = dir.path().join("rules");
        let fifo = rules.join("national/tube.toml");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if status.is_ok_and(|s| s.success()) {
            let loaded = load_paths(std::slice::from_ref(&rules));
            assert!(
                codes(&loaded)
                    .iter()
                    .any(|(c, m)| *c == Code::UnsafePath && m.contains("ordinaire")),
                "{:?}",
                loaded.diagnostics
            );
            fs::remove_file(&fifo).unwrap();
        }
        let big = usize::try_from(MAX_RULE_FILE_BYTES).unwrap() + 10;
        fs::write(rules.join("national/gros.toml"), "#".repeat(big)).unwrap();
        let loaded = load_paths(&[rules]);
        assert!(
            codes(&loaded)
                .iter()
                .any(|(c, m)| *c == Code::UnsafePath && m.contains("trop gros")),
            "{:?}",
            loaded.diagnostics
        );
    }

    /// A temporary directory removed on drop (no dependency for so little).
    mod tempdir {
        use std::path::{Path, PathBuf};

        pub(super) struct Dir(PathBuf);

        impl Dir {
            pub(super) fn new() -> Self {
                use std::sync::atomic::{AtomicUsize, Ordering};
                static N: AtomicUsize = AtomicUsize::new(0);
                let path = std::env::temp_dir().join(format!(
                    "aides-test-{}-{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::create_dir_all(&path).unwrap();
                Dir(path)
            }

            pub(super) fn path(&self) -> &Path {
                &self.0
            }
        }

        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }
}
