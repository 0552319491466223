//! `kiln-diff --seeds A..B`: differential testing of Kiln against wasmi on
//! wasm-smith modules, one module per seed.
//!
//! Seeds run in batches, each batch in a child process (this program run
//! again with a hidden flag), `--jobs` children at a time. A child that dies
//! (SIGSEGV, abort, ...) is reported as a `crash` divergence for the seed it
//! was running, and the rest of its batch goes on in a new child. Every
//! divergent module is saved to `--out` (default `target/differential/`):
//! `seed-N.wasm` as generated, `seed-N.min.wasm` shrunk with wasm-shrink while
//! it still diverges the same way, and `seed-N.txt` saying what diverged.

#![forbid(unsafe_code)]

use anyhow::{Context, Result, bail};
use kiln_differential::{Differ, Options, Verdict, generate, parse_range};
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: kiln-diff [--seeds A..B] [--jobs N] [--batch N] [--out DIR] [--fuel N]
                 [--max-bytes N] [--shrink-attempts N] [--shrink-per-kind N]

Runs one wasm-smith module per seed in Kiln and in wasmi and compares every
call's results or trap and every exported global, memory and table.

  --seeds A..B           seeds to run (default 0..1000)
  --jobs N               child processes at a time (default: CPUs)
  --batch N              seeds per child process (default 250)
  --out DIR              where divergent modules go (default target/differential)
  --fuel N               fuel per call in each engine (default 100000)
  --max-bytes N          most random bytes per module (default 4096)
  --lazy                 compile Kiln's modules lazily (each function on
                         its first call, no background thread)
  --shrink-attempts N    wasm-shrink gives up after N failed attempts (default 300)
  --shrink-per-kind N    shrink at most N modules per divergence kind (default 3)
  --check-file FILE      check one saved module (.wasm or .wat) instead; with
                         --seed N for the argument values; prints agree/diverge
  --print-wat FILE       print a saved .wasm module as text

Exit code: 0 when nothing diverged, 1 when something did, 2 on usage errors.";

struct Args {
    seeds: std::ops::Range<u64>,
    jobs: usize,
    batch: u64,
    out: PathBuf,
    options: Options,
    shrink_attempts: u32,
    shrink_per_kind: usize,
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let code = match run(&argv) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kiln-diff: {e:#}");
            2
        }
    };
    std::process::exit(code);
}

fn run(argv: &[String]) -> Result<i32> {
    let mut args = Args {
        seeds: 0..1000,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        batch: 250,
        out: PathBuf::from("target/differential"),
        options: Options::default(),
        shrink_attempts: 300,
        shrink_per_kind: 3,
    };
    // Hidden modes, used by the parent process.
    let mut mode = "run";
    let mut file: Option<PathBuf> = None;
    let mut seed = 0u64;
    let mut signature = String::new();
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().context(format!("{a} needs a value"));
        match a.as_str() {
            "--seeds" => args.seeds = parse_range(&val()?)?,
            "--jobs" => args.jobs = val()?.parse::<usize>()?.max(1),
            "--batch" => args.batch = val()?.parse::<u64>()?.max(1),
            "--out" => args.out = PathBuf::from(val()?),
            "--fuel" => args.options.fuel = val()?.parse()?,
            "--max-bytes" => args.options.max_input_bytes = val()?.parse()?,
            "--lazy" => args.options.lazy = true,
            "--shrink-attempts" => args.shrink_attempts = val()?.parse()?,
            "--shrink-per-kind" => args.shrink_per_kind = val()?.parse()?,
            "--child" => {
                mode = "child";
                args.seeds = parse_range(&val()?)?;
            }
            "--check-file" => {
                mode = "check-file";
                file = Some(PathBuf::from(val()?));
            }
            "--shrink-file" => {
                mode = "shrink-file";
                file = Some(PathBuf::from(val()?));
            }
            "--print-wat" => {
                print!("{}", kiln_differential::to_wat(&std::fs::read(val()?)?));
                return Ok(0);
            }
            "--seed" => seed = val()?.parse()?,
            "--signature" => signature = val()?,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(0);
            }
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    match mode {
        "child" => child(&args),
        "check-file" => check_file(&args, file.as_deref().unwrap(), seed),
        "shrink-file" => shrink_file(&args, file.as_deref().unwrap(), seed, &signature),
        _ => parent(&args),
    }
}

/// Options every child gets, so it runs exactly what the parent asked.
fn option_args(args: &Args) -> Vec<String> {
    let mut out = vec![
        "--fuel".into(),
        args.options.fuel.to_string(),
        "--max-bytes".into(),
        args.options.max_input_bytes.to_string(),
        "--shrink-attempts".into(),
        args.shrink_attempts.to_string(),
    ];
    if args.options.lazy {
        out.push("--lazy".into());
    }
    out
}

/// The child: runs its seeds and reports each on stdout, one line per
/// event. `start N` comes first, so a crash names its seed.
fn child(args: &Args) -> Result<i32> {
    let differ = Differ::new(args.options.clone())?;
    let stdout = std::io::stdout();
    for seed in args.seeds.clone() {
        {
            let mut out = stdout.lock();
            writeln!(out, "start {seed}")?;
            out.flush()?;
        }
        let line = match differ.check_seed(seed) {
            Err(_) => format!("nogen {seed}"),
            Ok((_, Verdict::Agree(s))) => format!(
                "ok {seed} {} {} {} {} {}",
                s.calls,
                s.traps,
                s.inconclusive,
                u8::from(s.instantiate_failed),
                u8::from(s.instantiate_inconclusive)
            ),
            Ok((_, Verdict::OracleBug(note))) => {
                format!("oracle {seed} {}", note.replace('\n', " "))
            }
            Ok((_, Verdict::Diverge(d))) => format!(
                "div {seed} {}\t{}",
                d.signature(),
                d.detail.replace('\n', " ")
            ),
        };
        let mut out = stdout.lock();
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    Ok(0)
}

/// Checks one module file (binary or text); prints its verdict. Used as the crash predicate
/// while shrinking (a crash kills this process, not the shrinker).
fn check_file(args: &Args, file: &Path, seed: u64) -> Result<i32> {
    let wasm = wat::parse_file(file)?;
    let differ = Differ::new(args.options.clone())?;
    match differ.check(&wasm, seed) {
        Verdict::Agree(stats) => println!(
            "agree ({} calls compared, {} trapped in both, {} inconclusive)",
            stats.calls, stats.traps, stats.inconclusive
        ),
        Verdict::OracleBug(note) => println!("oracle bug: {note}"),
        Verdict::Diverge(d) => println!("diverge {}: {}", d.signature(), d.detail),
    }
    Ok(0)
}

/// Shrinks `file` (writing `file` with `.min.wasm`) while it still diverges
/// with `signature`. Runs as its own process, so a candidate that crashes
/// Kiln cannot take the run down.
fn shrink_file(args: &Args, file: &Path, seed: u64, signature: &str) -> Result<i32> {
    let wasm = std::fs::read(file)?;
    let differ = Differ::new(args.options.clone())?;
    let exe = std::env::current_exe()?;
    let tmp = file.with_extension("candidate.wasm");
    let out = min_path(file);
    let crash = signature == "crash";
    let mut best = wasm.len();
    let result = kiln_differential::shrink(&wasm, seed, args.shrink_attempts, |candidate| {
        let ok = if crash {
            std::fs::write(&tmp, candidate)?;
            let status = Command::new(&exe)
                .arg("--check-file")
                .arg(&tmp)
                .arg("--seed")
                .arg(seed.to_string())
                .args(option_args(args))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()?;
            !status.success()
        } else {
            kiln_differential::diverges_same_way(&differ, candidate, seed, signature)
        };
        if ok && candidate.len() < best {
            best = candidate.len();
            // Keep the best so far: if a later candidate crashes this
            // process, the work is not lost.
            std::fs::write(&out, candidate)?;
        }
        Ok(ok)
    });
    let _ = std::fs::remove_file(&tmp);
    let small = result?;
    std::fs::write(&out, &small)?;
    println!("{} -> {} bytes", wasm.len(), small.len());
    Ok(0)
}

fn min_path(file: &Path) -> PathBuf {
    file.with_extension("min.wasm")
}

/// A message from a child's reader thread.
enum Msg {
    Line(usize, String),
    Exit(usize, std::process::ExitStatus),
}

struct Batch {
    /// Seeds not yet reported (the next one is being run).
    next: u64,
    end: u64,
    running: Option<u64>,
}

#[derive(Default)]
struct Totals {
    seeds: u64,
    generated: u64,
    calls: u64,
    traps: u64,
    inconclusive: u64,
    inst_failed: u64,
    inst_inconclusive: u64,
    divergences: Vec<(u64, String, String)>,
    oracle_bugs: Vec<(u64, String)>,
}

fn parent(args: &Args) -> Result<i32> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let exe = std::env::current_exe()?;
    let start = Instant::now();
    let total = args.seeds.end - args.seeds.start;
    println!(
        "kiln-diff: seeds {}..{} ({total} modules), {} jobs, fuel {}, out {}",
        args.seeds.start,
        args.seeds.end,
        args.jobs,
        args.options.fuel,
        args.out.display()
    );
    let mut pending: Vec<(u64, u64)> = Vec::new();
    let mut s = args.seeds.start;
    while s < args.seeds.end {
        let e = (s + args.batch).min(args.seeds.end);
        pending.push((s, e));
        s = e;
    }
    pending.reverse();
    let (tx, rx) = mpsc::channel::<Msg>();
    let mut batches: HashMap<usize, Batch> = HashMap::new();
    let mut next_id = 0usize;
    let mut totals = Totals::default();
    let spawn = |id: usize, from: u64, to: u64, tx: mpsc::Sender<Msg>| -> Result<()> {
        let mut child = Command::new(&exe)
            .arg("--child")
            .arg(format!("{from}..{to}"))
            .args(option_args(args))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting a child process")?;
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(Msg::Line(id, line)).is_err() {
                    return;
                }
            }
            let status = child.wait().expect("waiting for a child");
            let _ = tx.send(Msg::Exit(id, status));
        });
        Ok(())
    };
    let mut last_progress = Instant::now();
    let mut shrunk_per_kind: BTreeMap<String, usize> = BTreeMap::new();
    let mut shrink_queue: Vec<(u64, String)> = Vec::new();
    loop {
        while batches.len() < args.jobs {
            let Some((from, to)) = pending.pop() else {
                break;
            };
            spawn(next_id, from, to, tx.clone())?;
            batches.insert(
                next_id,
                Batch {
                    next: from,
                    end: to,
                    running: None,
                },
            );
            next_id += 1;
        }
        if batches.is_empty() {
            break;
        }
        let msg = rx.recv().expect("children report");
        match msg {
            Msg::Line(id, line) => {
                let b = batches.get_mut(&id).expect("known child");
                let mut words = line.splitn(3, ' ');
                let (what, seed) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
                let seed: u64 = seed.parse().unwrap_or(u64::MAX);
                match what {
                    "start" => b.running = Some(seed),
                    "nogen" => {
                        totals.seeds += 1;
                        b.running = None;
                        b.next = seed + 1;
                    }
                    "ok" => {
                        totals.seeds += 1;
                        totals.generated += 1;
                        b.running = None;
                        b.next = seed + 1;
                        let n: Vec<u64> = words
                            .next()
                            .unwrap_or("")
                            .split(' ')
                            .filter_map(|w| w.parse().ok())
                            .collect();
                        if let [calls, traps, inc, ifail, iinc] = n[..] {
                            totals.calls += calls;
                            totals.traps += traps;
                            totals.inconclusive += inc;
                            totals.inst_failed += ifail;
                            totals.inst_inconclusive += iinc;
                        }
                    }
                    "oracle" => {
                        totals.seeds += 1;
                        totals.generated += 1;
                        b.running = None;
                        b.next = seed + 1;
                        let note = words.next().unwrap_or("").to_string();
                        println!("known oracle bug, seed {seed}: {note}");
                        totals.oracle_bugs.push((seed, note));
                    }
                    "div" => {
                        totals.seeds += 1;
                        totals.generated += 1;
                        b.running = None;
                        b.next = seed + 1;
                        let rest = words.next().unwrap_or("");
                        let (sig, detail) = rest.split_once('\t').unwrap_or((rest, ""));
                        report(args, &mut totals, seed, sig, detail)?;
                        queue_shrink(args, &mut shrunk_per_kind, &mut shrink_queue, seed, sig);
                    }
                    _ => {}
                }
            }
            Msg::Exit(id, status) => {
                let b = batches.remove(&id).expect("known child");
                if !status.success() || b.next < b.end {
                    // The child died: the seed it had started is a crash;
                    // the rest of the batch goes on in a new child.
                    let crashed = b.running.unwrap_or(b.next);
                    totals.seeds += 1;
                    totals.generated += 1;
                    let detail = format!("Kiln's process died ({status}) on this module");
                    report(args, &mut totals, crashed, "crash", &detail)?;
                    queue_shrink(
                        args,
                        &mut shrunk_per_kind,
                        &mut shrink_queue,
                        crashed,
                        "crash",
                    );
                    if crashed + 1 < b.end {
                        pending.push((crashed + 1, b.end));
                    }
                }
            }
        }
        if last_progress.elapsed() > Duration::from_secs(10) {
            last_progress = Instant::now();
            let secs = start.elapsed().as_secs_f64();
            println!(
                "progress: {}/{total} seeds, {} divergences, {:.0} s, {:.2} s per 1,000 modules",
                totals.seeds,
                totals.divergences.len(),
                secs,
                secs * 1000.0 / totals.seeds.max(1) as f64
            );
        }
    }
    let run_time = start.elapsed();
    for (seed, sig) in &shrink_queue {
        let file = args.out.join(format!("seed-{seed}.wasm"));
        println!("shrinking seed {seed} ({sig}) ...");
        let status = Command::new(&exe)
            .arg("--shrink-file")
            .arg(&file)
            .arg("--seed")
            .arg(seed.to_string())
            .arg("--signature")
            .arg(sig)
            .args(option_args(args))
            .stderr(Stdio::null())
            .status()?;
        if !status.success() {
            println!("  shrinking stopped early ({status}); the smallest module so far is kept");
        }
        let min = min_path(&file);
        if let Ok(small) = std::fs::read(&min) {
            std::fs::write(min.with_extension("wat"), kiln_differential::to_wat(&small))?;
            println!("  -> {}", min.display());
        }
    }
    let secs = run_time.as_secs_f64();
    println!();
    println!(
        "summary: {} seeds in {:.1} s ({:.2} s per 1,000 modules)",
        totals.seeds,
        secs,
        secs * 1000.0 / totals.seeds.max(1) as f64
    );
    println!(
        "  {} modules generated, {} calls compared ({} trapped in both), {} inconclusive calls (fuel/stack), {} modules failed to instantiate in both, {} with an inconclusive start",
        totals.generated,
        totals.calls,
        totals.traps,
        totals.inconclusive,
        totals.inst_failed,
        totals.inst_inconclusive
    );
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, sig, _) in &totals.divergences {
        *by_kind.entry(sig.as_str()).or_default() += 1;
    }
    println!("  {} divergences", totals.divergences.len());
    for (sig, n) in by_kind {
        println!("    {n:>6}  {sig}");
    }
    for (seed, sig, detail) in totals.divergences.iter().take(50) {
        println!("  seed {seed}: [{sig}] {detail}");
    }
    println!(
        "  {} disagreements in modules with a known oracle bug's shape (not counted)",
        totals.oracle_bugs.len()
    );
    for (seed, note) in totals.oracle_bugs.iter().take(20) {
        println!("  seed {seed}: {note}");
    }
    Ok(if totals.divergences.is_empty() { 0 } else { 1 })
}

/// Records a divergence and saves its module and description.
fn report(args: &Args, totals: &mut Totals, seed: u64, sig: &str, detail: &str) -> Result<()> {
    println!("DIVERGENCE seed {seed}: [{sig}] {detail}");
    let wasm = generate(seed, &args.options)?;
    std::fs::write(args.out.join(format!("seed-{seed}.wasm")), &wasm)?;
    std::fs::write(
        args.out.join(format!("seed-{seed}.wat")),
        kiln_differential::to_wat(&wasm),
    )?;
    std::fs::write(
        args.out.join(format!("seed-{seed}.txt")),
        format!(
            "seed {seed}\nsignature {sig}\n{detail}\nreproduce: kiln-diff --seeds {seed} --fuel {} --max-bytes {}\n",
            args.options.fuel, args.options.max_input_bytes
        ),
    )?;
    totals
        .divergences
        .push((seed, sig.to_string(), detail.to_string()));
    Ok(())
}

fn queue_shrink(
    args: &Args,
    per_kind: &mut BTreeMap<String, usize>,
    queue: &mut Vec<(u64, String)>,
    seed: u64,
    sig: &str,
) {
    let n = per_kind.entry(sig.to_string()).or_default();
    if *n < args.shrink_per_kind {
        *n += 1;
        queue.push((seed, sig.to_string()));
    }
}
