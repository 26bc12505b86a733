//! `aides explain ID`: one aid in full for one profile (flags, or the one JSON profile of `--input`).

use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;

use super::{Shell, aide_arg, flag_error, flags_profile, load, open_source};
use crate::cli::{ExplainArgs, ListFormat, ProfileArgs};
use crate::error::{Context, Error, Result};
use crate::exit::ExitCode;
use crate::input::{Problem, stream_profiles};
use crate::output;
use crate::profile::Profile;
use crate::referentiel::Referentiel;
use crate::report;

pub(super) fn run(args: &ExplainArgs, shell: Shell, out: &mut dyn Write) -> Result<ExitCode> {
    shell.stdin_ignored(
        args.input.as_deref(),
        &args.profil,
        &format!("explain {}", args.id),
    );
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let aide = aide_arg(rules, &args.id)?;
    let profile = one_profile(&args.profil, args.input.as_deref(), &rules.refs)?;
    let date = args.date.unwrap_or(shell.today);
    let rapport = report::evaluate(rules, &profile, date);
    let explication = report::Explication::new(&rapport, aide);
    match args.format {
        ListFormat::Table => {
            output::explain::write(out, &explication, &profile, rules, shell.style())
        }
        ListFormat::Json => output::json(out, &explication),
    }
    .map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

/// One profile: the flags, laid over the one JSON profile of `--input` when given.
fn one_profile(flags: &ProfileArgs, input: Option<&Path>, refs: &Referentiel) -> Result<Profile> {
    let flags = flags_profile(flags, refs)?;
    let Some(path) = input else {
        let mut p = flags;
        p.resolve_region(refs).map_err(|e| flag_error(&e))?;
        return Ok(p);
    };
    let mut reader = open_input(path)?;
    // Reading stops at the second profile: nothing after it could make the input right.
    let mut first = None;
    let shape = stream_profiles(&mut *reader, refs, &mut |item| {
        if first.is_some() {
            return Err(Error::input(
                Some(Context::Input),
                format!(
                    "un seul profil attendu ici, et un deuxième commence ligne {}",
                    item.place.line()
                ),
                "pour un lot de profils, utilisez aides check --input",
            ));
        }
        first = Some(item);
        Ok(())
    })?;
    let Some(item) = first else {
        let message = if shape.is_some() {
            "tableau vide, aucun profil"
        } else {
            "entrée vide, aucun profil"
        };
        return Err(Error::input(
            Some(Context::Input),
            message,
            "donnez un objet JSON, le profil à expliquer",
        ));
    };
    let place = item.place;
    let mut p = item
        .profile
        .map_err(|problem| Error::Input(output::problem_fault(place, &problem)))?;
    p.overlay(&flags);
    p.resolve_region(refs)
        .map_err(|e| Error::Input(output::problem_fault(place, &Problem::from(e))))?;
    Ok(*p)
}

fn open_input(path: &Path) -> Result<Box<dyn BufRead>> {
    if path == Path::new("-") {
        return Ok(Box::new(BufReader::new(io::stdin().lock())));
    }
    Ok(Box::new(BufReader::new(open_source(path)?.0)))
}
