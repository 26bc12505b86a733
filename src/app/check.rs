//! `aides check`: one profile from the flags, or the profiles of `--input` streamed through the
//! writer of the chosen format. The shape of the output follows the input: one JSON object in, one
//! answer out; an array, several objects, or a file named `.ndjson`/`.jsonl` (even of one line) is a
//! batch. A batch goes in blocks of lines; with `--jobs N` (default: the available cores) and a JSON
//! format, worker threads parse, evaluate and serialise whole blocks while this thread reads the next
//! ones and writes the finished ones in input order, so that the output does not depend on N. A batch
//! shows its progress on a terminal after a second and ends with a one-line summary on stderr (`-q`
//! silences both).

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::ops::Range;
use std::path::Path;
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Shell, flag_error, flags_profile, load_for_evaluation, open_source};
use crate::cli::{CheckArgs, CheckFormat};
use crate::error::{Context, Error, Result};
use crate::exit::ExitCode;
use crate::input::{self, Event, Item, Problem, Shape};
use crate::output;
use crate::output::check::{BlockOut, CheckOptions, Format, Writer};
use crate::profile::Profile;
use crate::referentiel::Referentiel;
use crate::rules::model::RuleSet;

/// Bytes in a block of a batch (its lines, or its items already read by their size), or the writer's
/// number of items, whichever comes first: memory is bounded by the blocks in flight.
const BLOCK_BYTES: usize = 128 * 1024;

/// What the writer prints, from the command line.
fn output_options(args: &CheckArgs, shell: Shell) -> CheckOptions {
    CheckOptions {
        format: match args.format {
            CheckFormat::Table => Format::Table,
            CheckFormat::Json => Format::Json,
            CheckFormat::Ndjson => Format::Ndjson,
        },
        all: args.all,
        detail: args.detail,
        date: args.date.unwrap_or(shell.today),
        style: shell.style(),
    }
}

/// Whether a file is a batch by its name, whatever it holds.
fn named_batch(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ndjson") || e.eq_ignore_ascii_case("jsonl"))
}

/// The most worker threads `--jobs` accepts: more would only wait for the reader, and each costs a
/// stack.
pub(super) const MAX_JOBS: usize = 64;

/// Blocks between reading and writing at most, whatever the number of jobs: with a block's output at
/// most about 1 MB (16 full reports, or 128 KiB of lines answered in compact lines), memory in flight
/// stays under some 30 MB.
const MAX_IN_FLIGHT: u64 = 24;

/// The options of a batch of `check`, decided once from the command line (as fd's `Opts` become its
/// `Config`): nothing after `Options::new` reads the clap arguments, and what depends on the format
/// is what its writer declares.
pub(super) struct Options {
    /// The writer of the chosen format.
    pub(super) writer: Box<dyn Writer>,
    /// Worker threads for the batch's blocks.
    pub(super) jobs: usize,
    /// Neither progress nor summary on stderr (`-q`).
    pub(super) quiet: bool,
    /// The input is a batch by its name (`.ndjson`, `.jsonl`), whatever it holds.
    pub(super) batch_by_name: bool,
}

impl Options {
    /// The worker threads are `--jobs` (at most `MAX_JOBS`), else the available cores (as many at
    /// most); one for a writer that keeps its items on one thread (the table, whose bad items go to
    /// stderr between the answers).
    ///
    /// # Errors
    /// `--jobs` over `MAX_JOBS`.
    pub(super) fn new(args: &CheckArgs, shell: Shell) -> Result<Options> {
        if let Some(n) = args.jobs
            && n.get() > MAX_JOBS
        {
            return Err(Error::usage(
                Some(Context::Arg(format!("--jobs {n}"))),
                format!("au plus {MAX_JOBS} fils de calcul"),
                &format!(
                    "donnez un nombre de 1 à {MAX_JOBS} (au-delà, les fils attendraient la lecture), ou omettez --jobs pour un fil par cœur"
                ),
            ));
        }
        let writer = output::check::writer(output_options(args, shell));
        let jobs = if writer.parallel() {
            args.jobs.map_or_else(
                || std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_JOBS)),
                std::num::NonZeroUsize::get,
            )
        } else {
            1
        };
        Ok(Options {
            writer,
            jobs,
            quiet: shell.quiet,
            batch_by_name: args.input.as_deref().is_some_and(named_batch),
        })
    }
}

pub(super) fn run(args: &CheckArgs, shell: Shell, out: &mut dyn Write) -> Result<ExitCode> {
    shell.stdin_ignored(args.input.as_deref(), &args.profil, "check");
    let loaded = load_for_evaluation(&args.rules)?;
    let rules = &loaded.rules;
    let flags = flags_profile(&args.profil, &rules.refs)?;
    let Some(input) = &args.input else {
        let mut p = flags;
        p.resolve_region(&rules.refs).map_err(|e| flag_error(&e))?;
        let writer = output::check::writer(output_options(args, shell));
        writer.single(out, rules, &p).map_err(Error::stdout)?;
        return Ok(ExitCode::Success);
    };
    let (source, file_len) = open_source(input)?;
    let mut opts = Options::new(args, shell)?;
    // Which path runs is a matter of speed alone: both give the same answers, messages and exit code,
    // and answer a waiting input as it comes (tests/hostile.rs compares a file with a named pipe of
    // the same content under and over SMALL_FILE, and runs a coprocess). So the mutants that only
    // change the choice (`<=` → `>` here, another length from `stdin_file_len`) are equivalent.
    if file_len.is_some_and(|n| n <= SMALL_FILE) {
        // A block at most: read and evaluated on this thread, no thread started.
        opts.jobs = 1;
        let mut reader = io::BufReader::with_capacity(FEED_CHUNK, source);
        return batch(rules, &flags, &opts, &mut reader, None, out);
    }
    let regular = file_len.is_some();
    let stall = Stall::spawn(source);
    let mut feed = Feed {
        stall: &stall,
        chunk: Vec::new(),
        pos: 0,
    };
    // A regular file never waits for a writer: its answers go out in blocks.
    let watch = (!regular).then_some(&stall);
    batch(rules, &flags, &opts, &mut feed, watch, out)
}

/// The profiles of `reader`, with `flags` laid over each, through the options' writer, on
/// `opts.jobs` threads.
pub(super) fn batch(
    rules: &RuleSet,
    flags: &Profile,
    opts: &Options,
    reader: &mut dyn io::BufRead,
    stall: Option<&Stall>,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    batch_with(rules, flags, opts, reader, stall, out, run_worker)
}

/// A worker thread's life: its loop, as it is.
fn run_worker(work: &mut dyn FnMut()) {
    work();
}

/// `batch`, each worker thread's loop run through `around` (tests watch the threads from there).
fn batch_with(
    rules: &RuleSet,
    flags: &Profile,
    opts: &Options,
    reader: &mut dyn io::BufRead,
    stall: Option<&Stall>,
    out: &mut dyn Write,
    around: fn(&mut dyn FnMut()),
) -> Result<ExitCode> {
    let writer = &*opts.writer;
    let ctx = Ctx {
        rules,
        flags,
        writer,
    };
    let mut batch = Batch {
        ctx,
        seen: if opts.batch_by_name {
            Seen::Batch
        } else {
            Seen::Nothing
        },
        block: Block::default(),
        stall,
        stall_decides: writer.same_alone(),
        sink: Sink {
            out,
            separator: writer.separator(),
            opened: false,
            any: false,
            profiles: 0,
            errors: 0,
            progress: Progress::new(opts.quiet),
            spare_blocks: Vec::new(),
            spare_outs: Vec::new(),
        },
    };
    let shape = if opts.jobs > 1 {
        batch.parallel(reader, opts.jobs, around)?
    } else {
        // A writer that evaluates apart from the reading takes the lines raw, parsed with their block.
        let raw = writer.parallel();
        let shape = input::stream(reader, &rules.refs, raw, &mut |event| {
            batch.push(event, None)
        })?;
        batch.flush_block(None)?;
        shape
    };
    // Nothing read is the same error whatever the source: stdin, a .json or a .ndjson file.
    if shape.is_none() && batch.sink.profiles == 0 && batch.sink.errors == 0 {
        return Err(Error::input(
            Some(Context::Input),
            "entrée vide, aucun profil",
            "un objet JSON, un tableau d'objets, ou un objet par ligne (NDJSON)",
        ));
    }
    if shape == Some(Shape::Array) && matches!(batch.seen, Seen::Nothing) {
        // An empty array is an empty batch: `[]` in JSON.
        batch.seen = Seen::Batch;
    }
    batch.finish()?;
    // The answers reach stdout before the summary reaches stderr, and a failed write is an error.
    batch.sink.out.flush().map_err(Error::stdout)?;
    let sink = &batch.sink;
    if sink.opened && !opts.quiet {
        let _ = writeln!(io::stderr(), "{}", summary(sink.profiles, sink.errors));
    }
    Ok(if sink.errors > 0 {
        ExitCode::Failure
    } else {
        ExitCode::Success
    })
}

/// The batch's last line on stderr.
fn summary(profiles: usize, errors: usize) -> String {
    let n = |n: usize| crate::fr::entier(u64::try_from(n).unwrap_or(u64::MAX));
    let lus = match profiles {
        0 => "aucun profil lu".to_owned(),
        1 => "1 profil lu".to_owned(),
        p => format!("{} profils lus", n(p)),
    };
    match errors {
        0 => format!("aides : {lus}, aucune erreur"),
        1 => format!("aides : {lus}, dont 1 en erreur (à sa place dans la sortie)"),
        e => format!(
            "aides : {lus}, dont {} en erreur (à leur place dans la sortie)",
            n(e)
        ),
    }
}

/// What evaluating an item needs, shared by the workers.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    rules: &'a RuleSet,
    flags: &'a Profile,
    writer: &'a dyn Writer,
}

impl Ctx<'_> {
    /// The profile of a single item, with the flags laid over it and its region resolved.
    fn profile(&self, item: Item) -> std::result::Result<Box<Profile>, Problem> {
        item.profile.and_then(|mut p| {
            p.overlay(self.flags);
            p.resolve_region(&self.rules.refs)
                .map(|()| p)
                .map_err(Problem::from)
        })
    }

    /// One batch item into a block's output: the item's profile with the flags laid over it and its
    /// region resolved, or the problem in its place.
    fn item(&self, item: Item, out: &mut BlockOut) -> io::Result<()> {
        out.profiles += 1;
        let at = out.out.len();
        let placed = match item.profile {
            Ok(mut p) => {
                p.overlay(self.flags);
                match p.resolve_region(&self.rules.refs) {
                    Ok(()) => {
                        self.writer.item(&mut out.out, self.rules, &p)?;
                        true
                    }
                    Err(e) => {
                        out.errors += 1;
                        let problem = Problem::from(e);
                        self.writer.error(
                            &mut out.out,
                            &mut out.err,
                            item.place,
                            p.label(),
                            &problem,
                        )?
                    }
                }
            }
            Err(problem) => {
                out.errors += 1;
                let id = item.id.as_deref();
                self.writer
                    .error(&mut out.out, &mut out.err, item.place, id, &problem)?
            }
        };
        if placed && out.first.is_none() {
            out.first = Some(at);
        }
        Ok(())
    }

    /// A whole block into `out`; the block is left empty, its buffers kept for the next one.
    fn block(&self, block: &mut Block, out: &mut BlockOut, refs: &Referentiel) -> io::Result<()> {
        for entry in block.entries.drain(..) {
            let item = match entry {
                Entry::Item(item) => *item,
                Entry::Line(n, range) => match input::parse_line(n, &block.bytes[range], refs) {
                    Some(item) => item,
                    None => continue,
                },
            };
            self.item(item, out)?;
        }
        block.bytes.clear();
        block.read = 0;
        Ok(())
    }
}

/// Items not yet evaluated: lines still to parse (their bytes in `bytes`), and items already read.
#[derive(Default)]
struct Block {
    bytes: Vec<u8>,
    entries: Vec<Entry>,
    /// Entries that are items already read (a JSON array, pretty-printed objects).
    read: usize,
}

enum Entry {
    /// Boxed, so that a block of lines stays small.
    Item(Box<Item>),
    /// A line's number and its bytes in `Block::bytes`.
    Line(usize, Range<usize>),
}

/// What an item already read weighs in a block, in bytes: its box and its profile's.
const READ_ITEM_BYTES: usize = std::mem::size_of::<Item>() + std::mem::size_of::<Profile>();

impl Block {
    fn push(&mut self, entry: Entry) {
        self.read += usize::from(matches!(entry, Entry::Item(_)));
        self.entries.push(entry);
    }

    fn full(&self, items: usize) -> bool {
        self.entries.len() >= items || self.bytes.len() + self.read * READ_ITEM_BYTES >= BLOCK_BYTES
    }
}

/// Whether the input is one profile or a batch: known from the second profile, an array, or the
/// file's name.
enum Seen {
    Nothing,
    /// One profile read, held until the next one (or the end) tells.
    One(Box<Item>),
    Batch,
}

/// Where finished blocks go, in order.
struct Sink<'o> {
    out: &'o mut dyn Write,
    separator: &'static [u8],
    /// Whether the batch's output has begun.
    opened: bool,
    /// Whether an item has been written (the next one keeps its separator).
    any: bool,
    profiles: usize,
    errors: usize,
    progress: Progress,
    /// Buffers of the blocks written, for the next blocks (no fresh pages for each block).
    spare_blocks: Vec<Block>,
    spare_outs: Vec<BlockOut>,
}

impl Sink<'_> {
    /// Writes a finished block and keeps its buffers.
    fn write(&mut self, mut b: BlockOut) -> Result<()> {
        self.profiles += b.profiles;
        self.errors += b.errors;
        self.progress.tick(self.profiles);
        let res = match b.first {
            Some(at) if !self.any => {
                self.any = true;
                let skip = (at + self.separator.len()).min(b.out.len());
                self.out
                    .write_all(&b.out[..at])
                    .and_then(|()| self.out.write_all(&b.out[skip..]))
            }
            _ => self.out.write_all(&b.out),
        };
        res.map_err(Error::stdout)?;
        if !b.err.is_empty() {
            // The answers before go out first, so that the two streams interleave in order.
            self.out.flush().map_err(Error::stdout)?;
            let err = &b.err;
            self.progress
                .suspend(|| io::stderr().write_all(err))
                .map_err(Error::stdout)?;
        }
        b.clear();
        self.spare_outs.push(b);
        Ok(())
    }

    fn fresh_out(&mut self) -> BlockOut {
        self.spare_outs.pop().unwrap_or_default()
    }
}

/// A block for the workers: its sequence number, its items, and the buffer for its output.
type Work = (u64, Block, BlockOut);

/// Results of the workers: a block's sequence number and what it gave.
type Done = (u64, io::Result<()>, Block, BlockOut);

/// Hands blocks to the workers and writes their results in order.
struct Pool {
    work: mpsc::SyncSender<Work>,
    done: mpsc::Receiver<Done>,
    next_seq: u64,
    next_write: u64,
    waiting: BTreeMap<u64, BlockOut>,
    /// Blocks handed over and not written yet, at most `limit`.
    limit: u64,
}

struct Batch<'a, 'o> {
    ctx: Ctx<'a>,
    seen: Seen,
    block: Block,
    /// Tells when the input stalls (then what is evaluated is written); `None` in-process.
    stall: Option<&'a Stall>,
    /// Whether a stall after the first profile makes the input a batch: when the writer answers one
    /// profile alone as it answers the first of a batch (a JSON report would change shape, from an
    /// object to an array: it waits for the next profile or the end).
    stall_decides: bool,
    sink: Sink<'o>,
}

impl Batch<'_, '_> {
    /// One event of the input, in order; `pool` evaluates full blocks in parallel. When the input
    /// stalls after it, everything read so far is answered and flushed.
    fn push(&mut self, event: Event<'_>, mut pool: Option<&mut Pool>) -> Result<()> {
        self.take(event, pool.as_deref_mut())?;
        let Some(stall) = self.stall else {
            return Ok(());
        };
        // After the first profile, a pause decides the shape of the output: only a long one (a
        // script waiting for its answer), not the moment a busy machine takes to see the end.
        let grace = match self.seen {
            Seen::One(_) if self.stall_decides => FIRST_STALL_GRACE,
            Seen::One(_) => return Ok(()),
            _ => STALL_GRACE,
        };
        if stall.would_wait(grace) {
            if let Seen::One(first) = std::mem::replace(&mut self.seen, Seen::Batch) {
                self.block.push(Entry::Item(first));
            }
            if matches!(self.seen, Seen::Batch) {
                self.flush_block(pool.as_deref_mut())?;
                if let Some(pool) = pool {
                    pool.drain(&mut self.sink)?;
                }
                self.sink.out.flush().map_err(Error::stdout)?;
            }
        }
        Ok(())
    }

    /// One event of the input into the current block (which goes out when full).
    fn take(&mut self, event: Event<'_>, pool: Option<&mut Pool>) -> Result<()> {
        let entry = match event {
            Event::Item(item) => {
                let in_array = matches!(item.place, input::Place::Element { .. });
                match std::mem::replace(&mut self.seen, Seen::Batch) {
                    Seen::Nothing if !in_array => {
                        self.seen = Seen::One(item);
                        return Ok(());
                    }
                    Seen::One(first) => {
                        self.block.push(Entry::Item(first));
                    }
                    Seen::Nothing | Seen::Batch => {}
                }
                Entry::Item(item)
            }
            Event::Line { n, text } => {
                if let Seen::One(first) = std::mem::replace(&mut self.seen, Seen::Batch) {
                    self.block.push(Entry::Item(first));
                }
                let start = self.block.bytes.len();
                self.block.bytes.extend_from_slice(text);
                Entry::Line(n, start..self.block.bytes.len())
            }
        };
        self.block.push(entry);
        if self.block.full(self.ctx.writer.block_items()) {
            self.flush_block(pool)?;
        }
        Ok(())
    }

    /// Evaluates the current block (here, or in the pool) and writes what is finished.
    fn flush_block(&mut self, pool: Option<&mut Pool>) -> Result<()> {
        if self.block.entries.is_empty() {
            return Ok(());
        }
        self.open()?;
        let next = self.sink.spare_blocks.pop().unwrap_or_default();
        let mut block = std::mem::replace(&mut self.block, next);
        let mut out = self.sink.fresh_out();
        if let Some(pool) = pool {
            return pool.send(block, out, &mut self.sink);
        }
        self.ctx
            .block(&mut block, &mut out, &self.ctx.rules.refs)
            .map_err(Error::stdout)?;
        self.sink.spare_blocks.push(block);
        self.sink.write(out)
    }

    fn open(&mut self) -> Result<()> {
        if !self.sink.opened {
            self.sink.opened = true;
            let mut begin = Vec::new();
            self.ctx.writer.begin(&mut begin);
            self.sink.out.write_all(&begin).map_err(Error::stdout)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        match std::mem::replace(&mut self.seen, Seen::Nothing) {
            Seen::One(only) => {
                let place = only.place;
                let p = self
                    .ctx
                    .profile(*only)
                    .map_err(|problem| Error::Input(output::problem_fault(place, &problem)))?;
                self.ctx
                    .writer
                    .single(self.sink.out, self.ctx.rules, &p)
                    .map_err(Error::stdout)
            }
            Seen::Batch => {
                self.open()?;
                self.sink.progress.finish();
                let mut end = Vec::new();
                self.ctx.writer.end(&mut end, self.sink.any);
                self.sink.out.write_all(&end).map_err(Error::stdout)
            }
            Seen::Nothing => Ok(()),
        }
    }

    /// Reads the input here and evaluates its blocks on `jobs` threads.
    fn parallel(
        &mut self,
        reader: &mut dyn io::BufRead,
        jobs: usize,
        around: fn(&mut dyn FnMut()),
    ) -> Result<Option<Shape>> {
        let (work, inbox) = mpsc::sync_channel::<Work>(jobs);
        let (results, done) = mpsc::channel::<Done>();
        let inbox = Mutex::new(inbox);
        let ctx = self.ctx;
        std::thread::scope(|scope| {
            let mut workers = Vec::with_capacity(jobs);
            let mut spawn_failed = None;
            for _ in 0..jobs {
                let results = results.clone();
                let inbox = &inbox;
                let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
                    around(&mut || {
                        loop {
                            let next = inbox.lock().map(|rx| rx.recv());
                            let Ok(Ok((seq, mut block, mut out))) = next else {
                                break;
                            };
                            let res = ctx.block(&mut block, &mut out, &ctx.rules.refs);
                            if results.send((seq, res, block, out)).is_err() {
                                break;
                            }
                        }
                    });
                });
                match spawned {
                    Ok(worker) => workers.push(worker),
                    Err(e) => {
                        spawn_failed = Some(e);
                        break;
                    }
                }
            }
            drop(results);
            if let Some(e) = spawn_failed {
                // The threads already started stop when the work channel closes.
                drop(work);
                for worker in workers {
                    let _ = worker.join();
                }
                return Err(Error::input(
                    Some(Context::Arg(format!("--jobs {jobs}"))),
                    format!(
                        "le système refuse un fil de calcul de plus ({})",
                        crate::error::fr_io(&e)
                    ),
                    "donnez un --jobs plus petit",
                ));
            }
            let mut pool = Pool {
                work,
                done,
                next_seq: 0,
                next_write: 0,
                waiting: BTreeMap::new(),
                limit: (2 * jobs as u64 + 1).min(MAX_IN_FLIGHT),
            };
            let refs = &ctx.rules.refs;
            let shape = input::stream(reader, refs, true, &mut |event| {
                self.push(event, Some(&mut pool))
            });
            let flushed = shape.and_then(|shape| {
                self.flush_block(Some(&mut pool))?;
                pool.drain(&mut self.sink)?;
                Ok(shape)
            });
            // Closing the work channel stops the workers. Each is joined by hand: the scope's own
            // wait ends before a thread's locals are dropped (rust-lang/rust#116179), and a batch
            // must not return while its threads are still running.
            drop(pool);
            for worker in workers {
                if let Err(panic) = worker.join() {
                    std::panic::resume_unwind(panic);
                }
            }
            flushed
        })
    }
}

impl Pool {
    fn send(&mut self, block: Block, out: BlockOut, sink: &mut Sink<'_>) -> Result<()> {
        // Bounded memory: no more than `limit` blocks between reading and writing.
        while self.next_seq - self.next_write >= self.limit {
            self.wait_one(sink)?;
        }
        self.collect(sink)?;
        let seq = self.next_seq;
        self.next_seq += 1;
        self.work
            .send((seq, block, out))
            .map_err(|_| Error::stdout(io::Error::other("fils de calcul arrêtés")))
    }

    /// Writes the results that arrived, in order, without waiting.
    fn collect(&mut self, sink: &mut Sink<'_>) -> Result<()> {
        while let Ok(done) = self.done.try_recv() {
            self.arrived(done, sink)?;
        }
        Ok(())
    }

    /// Waits for one result, and writes what it makes writable.
    fn wait_one(&mut self, sink: &mut Sink<'_>) -> Result<()> {
        let done = self
            .done
            .recv()
            .map_err(|_| Error::stdout(io::Error::other("fils de calcul arrêtés")))?;
        self.arrived(done, sink)
    }

    fn arrived(&mut self, (seq, res, block, out): Done, sink: &mut Sink<'_>) -> Result<()> {
        res.map_err(Error::stdout)?;
        sink.spare_blocks.push(block);
        self.waiting.insert(seq, out);
        while let Some(out) = self.waiting.remove(&self.next_write) {
            sink.write(out)?;
            self.next_write += 1;
        }
        Ok(())
    }

    /// Writes every block still in flight.
    fn drain(&mut self, sink: &mut Sink<'_>) -> Result<()> {
        while self.next_write < self.next_seq {
            self.wait_one(sink)?;
        }
        Ok(())
    }
}

/// Bytes read from the input at a time, on the feed's thread.
const FEED_CHUNK: usize = 64 * 1024;

/// Up to this many bytes (half a block), a regular file is read and evaluated on the main thread: a
/// thread to read ahead and threads to evaluate apart would cost more to start than they save, and
/// they weighed on the start of a one-profile check.
const SMALL_FILE: u64 = FEED_CHUNK as u64;

/// Chunks read ahead of the batch at most.
const FEED_AHEAD: usize = 4;

/// How long the batch waits for more input before it writes what it has.
const STALL_GRACE: Duration = Duration::from_millis(2);

/// How long a lone first profile waits for more input before it is answered as the first of a batch.
const FIRST_STALL_GRACE: Duration = Duration::from_millis(50);

/// What the feed's thread has read, shared with the batch so that it can tell when the input stalls.
pub(super) struct Stall {
    chunks: mpsc::Receiver<io::Result<Vec<u8>>>,
    /// A chunk received while looking for a stall, for the next read.
    next: std::cell::RefCell<Option<io::Result<Vec<u8>>>>,
    /// Whether the reader has used up its current chunk.
    used_up: std::cell::Cell<bool>,
    /// Whether the input ended (or failed).
    ended: std::cell::Cell<bool>,
}

impl Stall {
    /// Whether the next read would wait for the input: the current chunk used up and nothing more
    /// within `grace`.
    fn would_wait(&self, grace: Duration) -> bool {
        if !self.used_up.get() || self.ended.get() || self.next.borrow().is_some() {
            return false;
        }
        match self.chunks.recv_timeout(grace) {
            Ok(chunk) => {
                *self.next.borrow_mut() = Some(chunk);
                false
            }
            Err(mpsc::RecvTimeoutError::Timeout) => true,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                self.ended.set(true);
                false
            }
        }
    }

    /// The next chunk, waiting for it; `None` at the end of the input.
    fn next_chunk(&self) -> Option<io::Result<Vec<u8>>> {
        let next = self.next.take().or_else(|| self.chunks.recv().ok());
        if next.is_none() {
            self.ended.set(true);
        }
        next
    }
}

/// The input of `check --input`, read on a thread of its own (so that a stall can be seen), in
/// chunks of at most `FEED_CHUNK` bytes, `FEED_AHEAD` of them ahead at most.
pub(super) struct Feed<'s> {
    stall: &'s Stall,
    chunk: Vec<u8>,
    pos: usize,
}

impl Stall {
    /// Starts reading `source` on its own thread. The thread ends at the end of the input, or at its
    /// next chunk once the batch has stopped.
    fn spawn(mut source: Box<dyn io::Read + Send>) -> Stall {
        let (tx, chunks) = mpsc::sync_channel(FEED_AHEAD);
        let reader = std::thread::Builder::new()
            .name("lecture".into())
            .spawn(move || {
                loop {
                    let mut buf = vec![0; FEED_CHUNK];
                    match source.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            buf.truncate(n);
                            if tx.send(Ok(buf)).is_err() {
                                break;
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            break;
                        }
                    }
                }
            });
        let stall = Stall {
            chunks,
            next: std::cell::RefCell::new(None),
            used_up: std::cell::Cell::new(true),
            ended: std::cell::Cell::new(false),
        };
        if let Err(e) = reader {
            // No thread: the input reads as failed, in its place.
            *stall.next.borrow_mut() = Some(Err(e));
        }
        stall
    }
}

impl io::Read for Feed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = io::BufRead::fill_buf(self)?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        io::BufRead::consume(self, n);
        Ok(n)
    }
}

impl io::BufRead for Feed<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.chunk.len() {
            self.pos = 0;
            match self.stall.next_chunk() {
                None => self.chunk.clear(),
                Some(Ok(chunk)) => self.chunk = chunk,
                Some(Err(e)) => {
                    self.chunk.clear();
                    return Err(e);
                }
            }
            self.stall.used_up.set(self.chunk.is_empty());
        }
        Ok(&self.chunk[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.chunk.len());
        self.stall.used_up.set(self.pos >= self.chunk.len());
    }
}

/// The progress of a long batch, on stderr when it is a terminal, from its first second on.
struct Progress {
    enabled: bool,
    start: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(quiet: bool) -> Self {
        Progress {
            enabled: !quiet && io::stderr().is_terminal(),
            start: Instant::now(),
            bar: None,
        }
    }

    fn tick(&mut self, count: usize) {
        if !self.enabled {
            return;
        }
        let bar = match &self.bar {
            Some(bar) => bar,
            None if self.start.elapsed() < Duration::from_secs(1) => return,
            None => {
                let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.enable_steady_tick(Duration::from_millis(200));
                self.bar.insert(bar)
            }
        };
        bar.set_message(progress_text(count, self.start.elapsed()));
    }

    /// Runs `f` with the bar hidden (a message on stderr).
    fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// The progress of a batch in French: « 17 232 profils évalués (43 618/s, 1 s) », thousands
/// separated by no-break spaces, a whole rate, the time in seconds (minutes past one).
fn progress_text(count: usize, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let rate = if secs > 0.0 {
        (count as f64 / secs).round() as u64
    } else {
        0
    };
    let whole = elapsed.as_secs();
    let time = if whole < 60 {
        format!("{whole}\u{a0}s")
    } else {
        format!("{}\u{a0}min\u{a0}{:02}\u{a0}s", whole / 60, whole % 60)
    };
    format!(
        "{} profils évalués ({}/s, {time})",
        crate::fr::entier(u64::try_from(count).unwrap_or(u64::MAX)),
        crate::fr::entier(rate)
    )
}

#[cfg(test)]
mod progress_tests {
    use std::time::Duration;

    #[test]
    fn progress_reads_in_french() {
        assert_eq!(
            super::progress_text(17_232, Duration::from_millis(395)),
            "17\u{a0}232 profils évalués (43\u{a0}625/s, 0\u{a0}s)"
        );
        assert_eq!(
            super::progress_text(1_000_000, Duration::from_secs(125)),
            "1\u{a0}000\u{a0}000 profils évalués (8\u{a0}000/s, 2\u{a0}min\u{a0}05\u{a0}s)"
        );
        assert_eq!(
            super::progress_text(0, Duration::ZERO),
            "0 profils évalués (0/s, 0\u{a0}s)"
        );
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// Worker threads that have ended, their thread-locals dropped (for one test: the only one
    /// that counts here).
    static ENDS: AtomicUsize = AtomicUsize::new(0);

    thread_local! {
        /// On a worker: counts the thread's end when its locals are dropped.
        static END: RefCell<Option<OnEnd>> = const { RefCell::new(None) };
    }

    struct OnEnd;

    impl Drop for OnEnd {
        fn drop(&mut self) {
            // A thread-local with work to do at the thread's end, as the standard library's own
            // channel contexts have.
            std::thread::sleep(Duration::from_millis(50));
            ENDS.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A worker's life with a thread-local that counts its end, around the loop.
    fn counted(work: &mut dyn FnMut()) {
        END.with(|e| *e.borrow_mut() = Some(OnEnd));
        work();
    }

    /// Found by the `pipeline` fuzz target (LeakSanitizer): `check_batch` returned while its workers
    /// were still dropping their thread-locals, which a caller sees as memory not yet freed and
    /// threads not yet gone.
    #[test]
    fn a_batch_returns_once_its_workers_have_ended() {
        let check =
            crate::cli::check_args("aides check -j 3 --format ndjson --date 2026-06-01".split(' '));
        let shell = super::Shell {
            today: chrono::NaiveDate::MIN,
            color: crate::cli::Color::Never,
            quiet: true,
        };
        let opts = super::Options::new(&check, shell).expect("three jobs are allowed");
        let loaded = crate::rules::embedded();
        let input = "{\"zone\":\"ZIP\",\"secteur\":1}\n{\"departement\":\"45\"}\n";
        let mut out = Vec::new();
        let code = super::batch_with(
            &loaded.rules,
            &crate::profile::Profile::default(),
            &opts,
            &mut input.as_bytes(),
            None,
            &mut out,
            counted,
        )
        .expect("the batch runs");
        assert_eq!(code, crate::exit::ExitCode::Success);
        assert_eq!(
            String::from_utf8_lossy(&out).lines().count(),
            2,
            "two answers"
        );
        assert_eq!(
            ENDS.load(Ordering::SeqCst),
            3,
            "every worker thread has ended, its thread-locals dropped, when the batch returns"
        );
    }
}
