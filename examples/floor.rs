//! The yardstick of `benches/whole-process.sh`: a program that only reads NDJSON, parses each line
//! with `serde_json` into a `Value` and writes it back compact, one line each, with 64 KiB buffers.
//! `aides check --format ndjson` does that and evaluates every aid: its time over this one is the cost
//! of the rules. Usage: `cargo run --release --example floor -- FILE > OUT`.

// A benchmark program: it reads a file and writes stdout (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::io::{BufRead, BufReader, BufWriter, Write};

fn main() -> std::io::Result<()> {
    let path = std::env::args_os().nth(1).expect("usage: floor FILE");
    let mut input = BufReader::with_capacity(64 * 1024, std::fs::File::open(path)?);
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        match serde_json::from_slice::<serde_json::Value>(&line) {
            Ok(v) => serde_json::to_writer(&mut out, &v)?,
            Err(e) => write!(out, "{{\"erreur\":\"{e}\"}}")?,
        }
        out.write_all(b"\n")?;
    }
    out.flush()
}
