//! The `aides` binary: runs the library and maps its result to an exit code.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = aides::run(std::env::args_os(), &mut out);
    let flushed = out.flush();
    match result {
        Err(clap_error) if clap_error.use_stderr() => {
            let _ = writeln!(
                std::io::stderr(),
                "{}",
                aides::cli::french_error(&clap_error)
            );
            ExitCode::from(2)
        }
        Err(clap_output) => {
            // --help and --version: a failure to write them (a full disk) is an error.
            match clap_output.print().and_then(|()| std::io::stdout().flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    let _ = writeln!(
                        std::io::stderr(),
                        "erreur : sortie standard : {}",
                        aides::error::fr_io(&e)
                    );
                    ExitCode::from(1)
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Ok(Ok(code)) => match flushed {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                let _ = writeln!(
                    std::io::stderr(),
                    "erreur : sortie standard : {}",
                    aides::error::fr_io(&e)
                );
                ExitCode::from(1)
            }
            _ => ExitCode::from(code),
        },
        Ok(Err(e)) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            let text = e.to_string();
            let _ = if matches!(e, aides::Error::Rules { .. }) {
                writeln!(std::io::stderr(), "{text}")
            } else {
                writeln!(std::io::stderr(), "erreur : {text}")
            };
            ExitCode::from(e.exit_code())
        }
    }
}
