//! `aides man [COMMANDE]` and `aides man --dir DOSSIER`: the manual pages, in French, written from the
//! command-line definition (`cli::command`) so that they never drift from `--help`: aides(1) and one
//! page per command, aides-check(1)…, each with NOM, SYNOPSIS, DESCRIPTION, OPTIONS (by group, the
//! profile options with their values), EXEMPLES, ENVIRONNEMENT, CODES DE RETOUR, FICHIERS and
//! VOIR AUSSI.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use crate::cli::ManArgs;
use crate::diagnostic::did_you_mean;
use crate::error::{Context, Error, Result};
use crate::exit::ExitCode;

/// Runs `aides man`.
///
/// # Errors
/// An unknown command, a directory that cannot be written, a failed write.
pub(super) fn run(args: &ManArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let mut root = crate::cli::command();
    root.build();
    if let Some(dir) = &args.dir {
        let written = write_all(&root, dir)?;
        writeln!(
            out,
            "{} page(s) écrite(s) dans {} : {}",
            written.len(),
            dir.display(),
            written.join(", ")
        )
        .map_err(Error::stdout)?;
        return Ok(ExitCode::Success);
    }
    let page = match &args.commande {
        None => page(&root, None),
        Some(name) => {
            let names = names(&root);
            let Some(sub) = root.find_subcommand(name) else {
                let help = did_you_mean(name, names.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("commandes : {}", names.join(", ")));
                return Err(Error::usage(
                    Some(Context::Arg("aides man".into())),
                    format!("commande « {} » inconnue", crate::diagnostic::echo(name)),
                    &help,
                ));
            };
            page(&root, Some(sub))
        }
    };
    out.write_all(page.as_bytes()).map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

fn names(root: &clap::Command) -> Vec<String> {
    root.get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect()
}

/// Writes aides.1 and aides-COMMANDE.1 for every command into `dir`; returns the file names.
fn write_all(root: &clap::Command, dir: &Path) -> Result<Vec<String>> {
    let fail = |e: std::io::Error| Error::Io {
        path: dir.display().to_string(),
        source: e,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut written = Vec::new();
    let pages = std::iter::once(("aides.1".to_owned(), page(root, None))).chain(
        root.get_subcommands()
            .map(|sub| (format!("aides-{}.1", sub.get_name()), page(root, Some(sub)))),
    );
    for (name, text) in pages {
        std::fs::write(dir.join(&name), text).map_err(fail)?;
        written.push(name);
    }
    Ok(written)
}

/// Text for roff: backslashes escaped, no-break spaces as `\~`, hyphens of options as `\-`, and a
/// line never starting with a control character.
fn roff(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\e")
        .replace('\u{a0}', "\\~")
        .replace('`', "");
    escaped
        .lines()
        .map(|l| {
            if l.starts_with(['.', '\'']) {
                format!("\\&{l}")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn bold(text: &str) -> String {
    format!("\\fB{}\\fR", text.replace('-', "\\-"))
}

fn italic(text: &str) -> String {
    format!("\\fI{}\\fR", text.replace('-', "\\-"))
}

/// The page of `sub` (or of the tool when `None`).
fn page(root: &clap::Command, sub: Option<&clap::Command>) -> String {
    let cmd = sub.unwrap_or(root);
    let title = sub.map_or_else(|| "aides".to_owned(), |s| format!("aides-{}", s.get_name()));
    let version = root.get_version().unwrap_or_default();
    let mut p = String::new();
    let _ = writeln!(
        p,
        ".TH {} 1 \"\" \"aides {version}\" \"Manuel d'aides\"",
        title.to_uppercase()
    );
    // Ids and slugs (medecine-generale) are not hyphenated.
    let _ = writeln!(p, ".nh\n.ad l");
    let about = cmd.get_about().map(ToString::to_string).unwrap_or_default();
    let _ = writeln!(
        p,
        ".SH NOM\n{} \\- {}",
        title.replace('-', "\\-"),
        roff(&about)
    );
    let _ = writeln!(p, ".SH SYNOPSIS\n{}", synopsis(cmd, sub.is_some()));
    let long = cmd
        .get_long_about()
        .or(cmd.get_about())
        .map(ToString::to_string)
        .unwrap_or_default();
    let _ = writeln!(
        p,
        ".SH DESCRIPTION\n{}",
        roff(&long).replace("\n\n", "\n.PP\n")
    );
    if sub.is_none() {
        let _ = writeln!(p, ".SH COMMANDES");
        for s in root.get_subcommands() {
            let about = s.get_about().map(ToString::to_string).unwrap_or_default();
            let _ = writeln!(
                p,
                ".TP\n{}\n{} Voir {}(1).",
                bold(&format!("aides {}", s.get_name())),
                roff(&about),
                bold(&format!("aides-{}", s.get_name()))
            );
        }
    }
    options(&mut p, cmd);
    let _ = writeln!(p, ".SH EXEMPLES");
    for (what, line) in examples(sub.map(clap::Command::get_name)) {
        let _ = writeln!(
            p,
            ".PP\n{}\n.PP\n.RS 4\n.nf\n{}\n.fi\n.RE",
            roff(what),
            roff(line).replace('-', "\\-")
        );
    }
    let _ = writeln!(p, "{COMMON}");
    let see: Vec<String> = std::iter::once("aides".to_owned())
        .chain(
            root.get_subcommands()
                .map(|s| format!("aides-{}", s.get_name())),
        )
        .filter(|n| *n != title)
        .map(|n| format!("{}(1)", bold(&n)))
        .collect();
    let _ = writeln!(p, ".SH \"VOIR AUSSI\"\n{}", see.join(", "));
    p
}

fn synopsis(cmd: &clap::Command, is_sub: bool) -> String {
    let name = if is_sub {
        format!("aides {}", cmd.get_name())
    } else {
        "aides".to_owned()
    };
    let mut s = format!("{} [{}]", bold(&name), italic("OPTIONS"));
    for a in cmd.get_positionals() {
        let v = a
            .get_value_names()
            .and_then(|v| v.first())
            .map_or_else(|| a.get_id().to_string(), ToString::to_string);
        if a.is_required_set() {
            let _ = write!(s, " {}", italic(&v));
        } else {
            let _ = write!(s, " [{}]", italic(&v));
        }
    }
    if !is_sub {
        let _ = write!(s, " [{}]", italic("COMMANDE"));
    }
    s
}

/// The OPTIONS section: one subsection per help heading, each option with its long help and, for a
/// closed set, its values.
fn options(p: &mut String, cmd: &clap::Command) {
    let args: Vec<&clap::Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_positional())
        .collect();
    if args.is_empty() {
        return;
    }
    let _ = writeln!(p, ".SH OPTIONS");
    let mut headings: Vec<&str> = Vec::new();
    for a in &args {
        let h = a.get_help_heading().unwrap_or("Options");
        if !headings.contains(&h) {
            headings.push(h);
        }
    }
    for h in headings {
        let _ = writeln!(p, ".SS \"{}\"", roff(h.trim_end_matches('\u{a0}')));
        for a in args
            .iter()
            .filter(|a| a.get_help_heading().unwrap_or("Options") == h)
        {
            let mut flag = String::new();
            if let Some(s) = a.get_short() {
                flag.push_str(&bold(&format!("-{s}")));
                flag.push_str(", ");
            }
            if let Some(l) = a.get_long() {
                flag.push_str(&bold(&format!("--{l}")));
            }
            let takes_value = a.get_num_args().is_some_and(|n| n.takes_values())
                && !matches!(
                    a.get_action(),
                    clap::ArgAction::SetTrue | clap::ArgAction::Help | clap::ArgAction::Version
                );
            if takes_value && let Some(v) = a.get_value_names().and_then(|v| v.first()) {
                let _ = write!(flag, " {}", italic(v));
            }
            let help = a
                .get_long_help()
                .or(a.get_help())
                .map(ToString::to_string)
                .unwrap_or_default();
            let _ = writeln!(p, ".TP\n{flag}\n{}", roff(&help).replace("\n\n", "\n.IP\n"));
            let values: Vec<String> = a
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_owned())
                .collect();
            if takes_value && values.len() > 1 && values.len() <= 20 && !help.contains("valeurs") {
                let _ = writeln!(p, ".IP\nValeurs\\~: {}.", roff(&values.join(", ")));
            }
        }
    }
}

/// ENVIRONNEMENT, CODES DE RETOUR and FICHIERS: the same on every page.
const COMMON: &str = r#".SH ENVIRONNEMENT
.TP
.B AIDES_RULES
Le dossier de règles à utiliser au lieu de la base intégrée (comme \fB\-\-rules\fR \fIDOSSIER\fR, qui l'emporte).
.TP
.B NO_COLOR
Définie et non vide\~: jamais de couleurs (sauf \fB\-\-color always\fR).
.TP
.B COLUMNS
La largeur à laquelle le texte est coupé entre les mots quand la sortie n'est pas un terminal (100 sinon)\~; sur un terminal, sa largeur.
.SH "CODES DE RETOUR"
.TP
.B 0
La commande a abouti, quel que soit le résultat (éligible ou non).
.TP
.B 1
Entrée ou règles invalides (un message sur la sortie d'erreur), ou écriture impossible\~; pour un lot, au moins un profil illisible.
.TP
.B 2
Erreur d'utilisation de la ligne de commande.
.SH FICHIERS
.TP
.I rules/
La base de règles est intégrée au programme\~: aucun fichier n'est lu sans \fB\-\-rules\fR ou \fBAIDES_RULES\fR. Un dossier de règles contient \fInational/\fR, \fIregions/<région>/\fR et \fIabrogees/\fR (un fichier TOML par aide, nommé d'après son id) et \fIreferentiel/\fR (départements, régions, contacts, communes, conditions partagées).
.TP
.I profils.ndjson
Un lot de profils pour \fB\-\-input\fR\~: un objet JSON par ligne (ou un tableau JSON)\~; \fBaides schema profil\fR en donne le schéma."#;

/// Examples for each page: what it does, then the command line.
fn examples(command: Option<&str>) -> &'static [(&'static str, &'static str)] {
    match command {
        None | Some("check") => &[
            (
                "Un médecin généraliste qui s'installe pour la première fois à Orléans, en ZIP, en secteur 1 :",
                "aides check --commune Orléans --zone ZIP --secteur 1 --exercice liberal \\\n    --specialite generaliste --projet installation --primo-installation",
            ),
            (
                "Toutes les aides, éligibles ou non, avec le détail de chaque condition :",
                "aides check --all --detail --departement 14 --zone ZAC",
            ),
            (
                "Un lot de profils (une ligne JSON par profil), une ligne de réponse par profil :",
                "aides check --input profils.ndjson --format ndjson",
            ),
        ],
        Some("guide") => &[
            ("Les questions une à une, sur un terminal :", "aides"),
            (
                "À une date de référence donnée :",
                "aides guide --date 01/12/2026",
            ),
        ],
        Some("list") => &[
            ("Toutes les aides de la base :", "aides list"),
            (
                "Celles qui s'appliquent en Occitanie (nationales et régionales) :",
                "aides list --region occitanie",
            ),
        ],
        Some("show") => &[
            ("Une aide en entier :", "aides show primo-installation-zip"),
            ("La même en JSON :", "aides show caim --format json"),
        ],
        Some("explain") => &[(
            "Chaque condition d'une aide pour un profil, avec ce qu'elle a lu et calculé :",
            "aides explain normandie-zac-fir --departement 14 --zone ZAC",
        )],
        Some("validate") => &[
            ("Vérifier un dossier de règles :", "aides validate rules/"),
            (
                "En intégration continue, avec des annotations GitHub :",
                "aides validate --format github",
            ),
        ],
        Some("schema") => &[(
            "Le schéma JSON d'un profil, pour valider un lot avant de l'envoyer :",
            "aides schema profil > profil.schema.json",
        )],
        Some("completions") => &[(
            "La complétion pour bash :",
            "aides completions bash > ~/.local/share/bash-completion/completions/aides",
        )],
        Some("man") => &[
            (
                "Lire la page d'une commande :",
                "aides man check | man -l -",
            ),
            (
                "Installer toutes les pages (paquet) :",
                "aides man --dir /usr/share/man/man1",
            ),
        ],
        Some(_) => &[("L'aide d'une commande :", "aides help check")],
    }
}
