//! `aides list`: every aid of the rule set, or those that apply in one region.

use std::io::Write;

use super::{Shell, load};
use crate::cli::{ListArgs, ListFormat};
use crate::error::{Context, Error, Result};
use crate::exit::ExitCode;
use crate::output;
use crate::referentiel::{Referentiel, RegionId};
use crate::report::catalogue::{self, Liste};
use crate::report::{self};

pub(super) fn run(args: &ListArgs, shell: Shell, out: &mut dyn Write) -> Result<ExitCode> {
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let region = args
        .region
        .as_deref()
        .map(|r| region_arg(r, &rules.refs))
        .transpose()?;
    let liste = Liste {
        aides: catalogue::list_items(rules, region, shell.today),
        couverture: region.and_then(|r| report::region_sans_aide(rules, r)),
    };
    match args.format {
        ListFormat::Table => output::list_text(out, &liste.aides, shell.style()).and_then(|()| {
            match &liste.couverture {
                Some(n) => writeln!(
                    out,
                    "\n{}",
                    crate::text::wrap::fit(n, usize::from(shell.style().width.unwrap_or(100)))
                ),
                None => Ok(()),
            }
        }),
        ListFormat::Json => output::json(out, &liste),
    }
    .map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

/// The region of `--region`, or a usage error with the closest name.
fn region_arg(region: &str, refs: &Referentiel) -> Result<RegionId> {
    refs.region_id(region).ok_or_else(|| {
        Error::usage(
            Some(Context::Arg("option --region".into())),
            format!("région « {region} » inconnue"),
            &refs.region_help(region),
        )
    })
}
