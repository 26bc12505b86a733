//! The `aides` binary: runs the library on the process's arguments and streams, and exits with its code.

// The process boundary: arguments and streams (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::io::Write;

fn main() -> std::process::ExitCode {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let code = aides::main_with(std::env::args_os(), &mut out, &mut std::io::stderr());
    let _ = out.flush();
    code.into()
}
