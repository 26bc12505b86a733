//! `aides show ID`: one aid in full, for people or as JSON.

use std::io::Write;

use super::{Shell, aide_arg, load};
use crate::cli::{ListFormat, ShowArgs};
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::output;
use crate::report::catalogue::Fiche;

pub(super) fn run(args: &ShowArgs, shell: Shell, out: &mut dyn Write) -> Result<ExitCode> {
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let aide = aide_arg(rules, &args.id)?;
    match args.format {
        ListFormat::Table => output::show_text(out, aide, &rules.refs, shell.style()),
        ListFormat::Json => output::json(out, &Fiche::new(aide, &rules.refs)),
    }
    .map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}
