//! The commands about the tool itself: `--version` (with the provenance of the rules in use),
//! `schema`, `completions` and `help` (`man` has a module of its own).

use std::io::Write;

use super::load;
use crate::cli::{CompletionsArgs, HelpArgs, RulesArg, SchemaArgs, SchemaNom};
use crate::diagnostic::did_you_mean;
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::report::Provenance;
use crate::schema::Schema;

/// `aides --version`: the version, and the fingerprint and check date of the rules in use (the
/// embedded ones, or `AIDES_RULES`).
pub(super) fn version(out: &mut dyn Write) -> Result<ExitCode> {
    let rules = RulesArg {
        dir: std::env::var_os("AIDES_RULES")
            .filter(|d| !d.is_empty())
            .map(Into::into),
    };
    let loaded = load(&rules)?;
    writeln!(out, "{}", Provenance::of(&loaded.rules).text()).map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

pub(super) fn schema(args: &SchemaArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let schema = match args.nom {
        SchemaNom::Profil => Schema::Profil,
        SchemaNom::Rapport => Schema::Rapport,
        SchemaNom::Compact => Schema::Compact,
    };
    let refs = crate::rules::embedded().rules.refs;
    out.write_all(crate::schema::text(schema, &refs).as_bytes())
        .map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

pub(super) fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> Result<ExitCode> {
    // Generated in memory: clap_complete panics when its writer fails (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut crate::cli::command(), "aides", &mut script);
    out.write_all(&script).map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

/// `aides help [COMMANDE]`: the long help of the command, or of the tool.
pub(super) fn help(args: &HelpArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let mut cmd = crate::cli::command();
    cmd.build();
    let text = match &args.commande {
        None => cmd.render_long_help(),
        Some(name) => {
            let names: Vec<String> = cmd
                .get_subcommands()
                .map(|c| c.get_name().to_owned())
                .collect();
            let Some(sub) = cmd.find_subcommand_mut(name) else {
                let help = did_you_mean(name, names.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("commandes : {}", names.join(", ")));
                return Err(Error::Usage {
                    message: format!(
                        "aides help : commande « {} » inconnue\n  aide : {help}",
                        crate::diagnostic::echo(name)
                    ),
                });
            };
            sub.render_long_help()
        }
    };
    write!(out, "{text}").map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}
