//! What ends a command: its error, or clap's help and usage messages, written once, and its exit code.

use std::io::{self, Write};

use super::stderr_width;
use crate::cli::french_error;
use crate::error::{Error, fr_io};
use crate::exit::ExitCode;
use crate::text::wrap;

/// Writes what ends a command (its error, or clap's help and usage messages) and returns its exit
/// code. `result` is what the command returned; `flushed`, the flush of its standard output.
pub fn finish(
    args: &[std::ffi::OsString],
    result: Result<Result<ExitCode, Error>, clap::Error>,
    flushed: io::Result<()>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let write_failed = |e: &io::Error, err: &mut dyn Write| {
        if e.kind() == io::ErrorKind::BrokenPipe {
            ExitCode::Success
        } else {
            let _ = writeln!(err, "erreur : sortie standard : {}", fr_io(e));
            ExitCode::Failure
        }
    };
    match result {
        Err(clap_error) if clap_error.use_stderr() => {
            let text = french_error(&clap_error, args);
            let _ = writeln!(err, "{}", fit_err(&text));
            ExitCode::Usage
        }
        Err(help_or_version) => {
            // --help and --version: a failure to write them (a full disk) is an error.
            let text = help_or_version.render().to_string();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) => write_failed(&e, err),
                Ok(()) => ExitCode::Success,
            }
        }
        Ok(Ok(code)) => match flushed {
            Err(e) => write_failed(&e, err),
            Ok(()) => code,
        },
        Ok(Err(e)) if e.is_broken_pipe() => ExitCode::Success,
        Ok(Err(e)) => {
            let _ = out.flush();
            let text = e.to_string();
            let text = crate::text::visible_lines(&text);
            let _ = if matches!(e, Error::Rules { .. }) {
                writeln!(err, "{text}")
            } else {
                writeln!(err, "{}", fit_err(&format!("erreur : {text}")))
            };
            ExitCode::of(&e)
        }
    }
}

/// An error message wrapped at word boundaries to the width of the terminal (or `COLUMNS`).
fn fit_err(text: &str) -> String {
    wrap::fit(text, stderr_width())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader went away.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    #[test]
    fn a_closed_pipe_is_not_a_failure() {
        let mut err = Vec::new();
        let code = crate::main_with(["aides", "list"], &mut ClosedPipe, &mut err);
        assert_eq!(code, ExitCode::Success);
        assert!(err.is_empty(), "{}", String::from_utf8_lossy(&err));
        for args in [
            &["aides", "--help"][..],
            &["aides", "--version"],
            &["aides", "completions", "bash"],
            &["aides", "man"],
            &["aides", "schema", "rapport"],
            &["aides", "help", "check"],
        ] {
            let code = crate::main_with(args, &mut ClosedPipe, &mut err);
            assert_eq!(code, ExitCode::Success, "{args:?}");
        }
        assert!(err.is_empty(), "{}", String::from_utf8_lossy(&err));
    }

    #[test]
    fn usage_errors_exit_2_and_bad_input_1() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = crate::main_with(["aides", "check", "--zone", "ZIPP"], &mut out, &mut err);
        assert_eq!(code, ExitCode::Usage);
        let code = crate::main_with(["aides", "show", "inconnue"], &mut out, &mut err);
        assert_eq!(code, ExitCode::Failure);
        let text = String::from_utf8(err).unwrap();
        assert!(text.contains("aide « inconnue » inconnue"), "{text}");
    }
}
