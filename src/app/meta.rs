//! The commands about the tool itself: `--version` (with the provenance of the rules in use),
//! `schema`, `completions` and `help` (`man` has a module of its own).

use std::io::Write;

use super::load;
use crate::cli::{CompletionsArgs, HelpArgs, RulesArg, SchemaArgs, SchemaNom};
use crate::diagnostic::did_you_mean;
use crate::error::{Context, Error, Result};
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
        SchemaNom::Profil if args.canonique => Schema::ProfilCanonique,
        _ if args.canonique => {
            return Err(Error::usage(
                None,
                "--canonique ne vaut que pour le schéma du profil",
                "aides schema profil --canonique",
            ));
        }
        SchemaNom::Profil => Schema::Profil,
        SchemaNom::Rapport => Schema::Rapport,
        SchemaNom::Compact => Schema::Compact,
    };
    let refs = crate::rules::embedded().rules.refs;
    out.write_all(crate::schema::text(schema, &refs).as_bytes())
        .map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

/// `aides completions SHELL`: clap's script, with the values the command line does not close but
/// the rule set does (the aid ids of `show` and `explain`, the départements and regions), taken from
/// the embedded rules when the script is generated; for bash, a wrapper that completes the values
/// after `=` (`--qpv=<TAB>`), which bash splits into a word of its own.
pub(super) fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let rules = crate::rules::embedded().rules;
    let ids: Vec<String> = rules.aides.iter().map(|a| a.id.clone()).collect();
    let departements: Vec<String> = rules
        .refs
        .departements
        .iter()
        .map(|d| d.code.clone())
        .collect();
    let regions: Vec<String> = rules.refs.regions.iter().map(|r| r.slug.clone()).collect();
    let closed = |values: &[String]| {
        let values = values.to_vec();
        move |a: clap::Arg| a.value_parser(clap::builder::PossibleValuesParser::new(values.clone()))
    };
    let mut cmd = crate::cli::command()
        .mut_subcommand("show", |c| c.mut_arg("id", closed(&ids)))
        .mut_subcommand("explain", |c| c.mut_arg("aide", closed(&ids)));
    for sub in ["check", "explain"] {
        cmd = cmd.mut_subcommand(sub, |c| {
            c.mut_arg("departement", closed(&departements))
                .mut_arg("region", closed(&regions))
        });
    }
    cmd = cmd.mut_subcommand("list", |c| c.mut_arg("region", closed(&regions)));
    // Generated in memory: clap_complete panics when its writer fails (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "aides", &mut script);
    match args.shell {
        clap_complete::Shell::Bash => script.extend_from_slice(bash_equals(&mut cmd).as_bytes()),
        // clap's fish script completes options only: the aid ids of show and explain.
        clap_complete::Shell::Fish => {
            for sub in ["show", "explain"] {
                script.extend_from_slice(
                    format!(
                        "complete -c aides -n \"__fish_aides_using_subcommand {sub}\" -f -a \"{}\"\n",
                        ids.join(" ")
                    )
                    .as_bytes(),
                );
            }
        }
        _ => {}
    }
    out.write_all(&script).map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

/// The bash wrapper around clap's `_aides`: after `--option=` (bash makes « = » a word), the values
/// of that option.
fn bash_equals(cmd: &mut clap::Command) -> String {
    cmd.build();
    let mut cases: Vec<(String, String)> = Vec::new();
    let subs: Vec<&clap::Command> = std::iter::once(&*cmd)
        .chain(cmd.get_subcommands())
        .collect();
    for sub in subs {
        for a in sub.get_arguments() {
            let (Some(long), values) = (
                a.get_long(),
                a.get_possible_values()
                    .iter()
                    .filter(|v| !v.is_hide_set())
                    .map(|v| v.get_name().to_owned())
                    .collect::<Vec<_>>(),
            ) else {
                continue;
            };
            let flag = format!("--{long}");
            if !values.is_empty() && !cases.iter().any(|(f, _)| *f == flag) {
                cases.push((flag, values.join(" ")));
            }
        }
    }
    let mut text = String::from(
        "\n# Values after « = » (--qpv=<TAB>): bash splits « = » into a word of its own.\n_aides_values() {\n    case \"$1\" in\n",
    );
    for (flag, values) in cases {
        text.push_str(&format!("        {flag}) echo \"{values}\" ;;\n"));
    }
    text.push_str(
        r#"    esac
}

_aides_equals() {
    local cur="${COMP_WORDS[COMP_CWORD]}" values
    if [[ "$cur" == "=" ]]; then
        values="$(_aides_values "${COMP_WORDS[COMP_CWORD-1]}")"
        cur=""
    elif [[ ${COMP_CWORD} -ge 2 && "${COMP_WORDS[COMP_CWORD-1]}" == "=" ]]; then
        values="$(_aides_values "${COMP_WORDS[COMP_CWORD-2]}")"
    fi
    if [[ -n "$values" ]]; then
        COMPREPLY=( $(compgen -W "$values" -- "$cur") )
        return 0
    fi
    _aides "$@"
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _aides_equals -o nosort -o bashdefault -o default aides
else
    complete -F _aides_equals -o bashdefault -o default aides
fi
"#,
    );
    text
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
                return Err(Error::usage(
                    Some(Context::Arg("aides help".into())),
                    format!("commande « {} » inconnue", crate::diagnostic::echo(name)),
                    &help,
                ));
            };
            sub.render_long_help()
        }
    };
    write!(out, "{text}").map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}
