//! `aides validate`: loads rule files (the rule set in use, or the paths given), runs every check and
//! every example, and prints the diagnostics as text, JSON lines (ending with the summary) or GitHub
//! annotations. `-q` prints only the errors: nothing on valid rules.

use std::io::{self, Write};

use super::{Shell, rules_dir};
use crate::cli::{ValidateArgs, ValidateFormat};
use crate::diagnostic;
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::output;
use crate::report::validation::{DiagnosticJson, LigneCouverture, LigneResume, Resume};
use crate::rules;
use crate::validate as check;

pub(super) fn run(args: &ValidateArgs, shell: Shell, out: &mut dyn Write) -> Result<ExitCode> {
    let loaded = if args.paths.is_empty() {
        match &args.rules.dir {
            Some(dir) => rules_dir::load_paths(std::slice::from_ref(dir)),
            None => rules::embedded(),
        }
    } else {
        rules_dir::load_paths(&args.paths)
    };
    let rules = &loaded.rules;
    let mut diags = loaded.diagnostics.clone();
    diags.extend(check::all(
        rules,
        args.today.unwrap_or(shell.today),
        args.max_age,
    ));
    let coverage = args.coverage.then(|| check::coverage(rules));
    if let Some(cov) = &coverage {
        diags.extend(check::coverage_warnings(rules, cov));
    }
    diags.sort_by(|a, b| {
        (a.file.as_str(), a.span.as_ref().map_or(0, |s| s.start))
            .cmp(&(b.file.as_str(), b.span.as_ref().map_or(0, |s| s.start)))
    });
    let resume = Resume::new(rules, &diags);
    let w = &mut *out;
    let width = usize::from(shell.style().width.unwrap_or(100));
    let res: io::Result<()> = (|| {
        // With -q, only what makes the rules invalid.
        for d in diags.iter().filter(|d| !shell.quiet || d.is_error()) {
            let src = rules.source(&d.file);
            match args.format {
                ValidateFormat::Text => {
                    writeln!(w, "{}", diagnostic::render_text_width(d, src, width))?;
                }
                ValidateFormat::Json => output::json_line(w, &DiagnosticJson::new(d, rules))?,
                ValidateFormat::Github => writeln!(w, "{}", diagnostic::render_github(d, src))?,
            }
        }
        if shell.quiet {
            return Ok(());
        }
        match (args.format, &coverage) {
            (ValidateFormat::Text, Some(cov)) => output::coverage_table(w, cov, shell.style())?,
            (ValidateFormat::Json, Some(cov)) => {
                output::json_line(w, &LigneCouverture { couverture: cov })?;
            }
            _ => {}
        }
        match args.format {
            ValidateFormat::Text => {
                writeln!(w, "{}", crate::text::wrap::fit(&resume.text(), width))
            }
            ValidateFormat::Json => output::json_line(w, &LigneResume { resume }),
            ValidateFormat::Github => Ok(()),
        }
    })();
    res.map_err(Error::stdout)?;
    Ok(if resume.erreurs > 0 {
        ExitCode::Failure
    } else {
        ExitCode::Success
    })
}
