//! The `aides` binary: runs the library on the process's arguments and streams, and exits with its code.

// The process boundary: arguments and streams (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::io::Write;

fn main() -> std::process::ExitCode {
    if stdout_closed() {
        // Writes to a closed descriptor would vanish without an error (the standard library ignores
        // them), and a file opened later would take its number.
        let fault =
            aides::error::Fault::new(None, "sortie standard fermée : rien ne pourrait être écrit")
                .suggest("redirigez-la vers un fichier ou vers /dev/null");
        eprintln!("erreur : {fault}");
        return std::process::ExitCode::FAILURE;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let code = aides::main_with(std::env::args_os(), &mut out, &mut std::io::stderr());
    let _ = out.flush();
    code.into()
}

/// Whether the process was started with its standard output closed (`aides … >&-`). The standard
/// library then opens /dev/null read-write in its place before `main` (a redirection to /dev/null opens
/// it write-only), and writes would vanish without an error.
#[cfg(target_os = "linux")]
fn stdout_closed() -> bool {
    let null =
        std::fs::read_link("/proc/self/fd/1").is_ok_and(|p| p == std::path::Path::new("/dev/null"));
    null && std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
        info.lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
            .is_some_and(|flags| flags & 0o3 == 0o2)
    })
}

#[cfg(not(target_os = "linux"))]
fn stdout_closed() -> bool {
    false
}
