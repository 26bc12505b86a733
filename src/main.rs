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

/// Whether the process was started with its standard output closed (`aides … >&-`).
fn stdout_closed() -> bool {
    #[cfg(target_os = "linux")]
    return at_start::stdout_closed();
    #[cfg(not(target_os = "linux"))]
    return false;
}

/// What is seen before the standard library's runtime starts. With descriptor 1 closed, the runtime
/// opens /dev/null read-write in its place before `main`, and that cannot be told apart, later, from a
/// /dev/null opened read-write on purpose (`1<>/dev/null`, a parent's "devnull" stream): so it is
/// looked at first, from the program's initialisers, which the C library runs before the runtime.
#[cfg(target_os = "linux")]
mod at_start {
    use std::sync::atomic::{AtomicBool, Ordering};

    static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

    /// Records whether descriptor 1 is missing from /proc/self/fd. Nothing is concluded when /proc
    /// cannot be read.
    extern "C" fn look() {
        let open = std::path::Path::new("/proc/self/fd");
        let missing = |fd: &str| {
            std::fs::symlink_metadata(open.join(fd))
                .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        };
        if open.is_dir() && missing("1") {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        }
    }

    /// The initialiser's entry. `#[used]` keeps it; `.init_array` is where the C library looks for
    /// functions to call before `main`, in every ELF program, with no argument this one reads.
    // The only unsafe code of the project: the attribute is unsafe because a wrong section could make
    // the loader call arbitrary data; this one holds a function pointer, which `.init_array` expects.
    #[allow(unsafe_code)]
    #[used]
    #[unsafe(link_section = ".init_array")]
    static LOOK: extern "C" fn() = look;

    pub(super) fn stdout_closed() -> bool {
        STDOUT_CLOSED.load(Ordering::Relaxed)
    }
}
