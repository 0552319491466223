//! `kiln run --profile=guest[,FILE[,INTERVAL]]`: a sampling profiler of
//! the guest. A thread advances the engine's epoch every INTERVAL; each
//! time wasm notices (at a function entry or loop header) the store's
//! epoch callback records the wasm call stack. When the program ends the
//! samples are written to FILE as an SVG flame graph (one box per
//! function on a stack, as wide as the share of samples it was on).

use anyhow::{Context, Result, bail};
use kiln::{Engine, Store, UpdateDeadline, WasmBacktrace};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where to write the flame graph, and how often to sample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuestProfile {
    /// The SVG file.
    pub path: PathBuf,
    /// Time between samples.
    pub interval: Duration,
}

impl GuestProfile {
    /// Parses what follows `guest` in `--profile=guest,FILE,INTERVAL`.
    pub fn parse(rest: &str) -> Result<GuestProfile> {
        let mut parts = rest.split(',').filter(|p| !p.is_empty());
        let path = parts.next().unwrap_or("kiln-guest-profile.svg").into();
        let interval = match parts.next() {
            Some(i) => crate::engine_opts::parse_duration(i)?,
            None => Duration::from_millis(1),
        };
        if parts.next().is_some() {
            bail!(
                "`--profile=guest` takes at most a file and an interval: guest[,FILE[,INTERVAL]]"
            );
        }
        if interval.is_zero() {
            bail!("the guest profiler's interval must be more than 0");
        }
        Ok(GuestProfile { path, interval })
    }

    /// Starts sampling `store`'s wasm; a `timeout` (from `-W timeout`)
    /// still ends the program, since the profiler owns the epoch deadline.
    pub fn start<T: 'static>(
        &self,
        engine: &Engine,
        store: &mut Store<T>,
        timeout: Option<Duration>,
    ) -> Samples {
        let samples = Samples::default();
        let stacks = samples.stacks.clone();
        let end = timeout.map(|t| Instant::now() + t);
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |cx| {
            if end.is_some_and(|end| Instant::now() >= end) {
                return Ok(UpdateDeadline::Interrupt);
            }
            let stack: Vec<String> = WasmBacktrace::capture(&cx)
                .frames()
                .iter()
                .rev()
                .map(|f| match &f.func_name {
                    Some(name) => name.clone(),
                    None => format!("<wasm function {}>", f.func_index),
                })
                .collect();
            if !stack.is_empty() {
                let mut stacks = stacks.lock().unwrap_or_else(|e| e.into_inner());
                *stacks.entry(stack).or_insert(0) += 1;
            }
            Ok(UpdateDeadline::Continue(1))
        });
        let engine = engine.clone();
        let interval = self.interval;
        // The ticker lives until the process exits, right after the run.
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(interval);
                engine.increment_epoch();
            }
        });
        samples
    }
}

/// The stacks sampled so far (outermost function first) and how often
/// each was seen.
#[derive(Clone, Default)]
pub struct Samples {
    stacks: Arc<Mutex<HashMap<Vec<String>, u64>>>,
}

impl Samples {
    /// Writes the flame graph.
    pub fn write(&self, profile: &GuestProfile) -> Result<()> {
        let stacks = self.stacks.lock().unwrap_or_else(|e| e.into_inner());
        let svg = flame_graph(&stacks, profile.interval);
        std::fs::write(&profile.path, svg).with_context(|| {
            format!(
                "cannot write the guest profile to {}",
                profile.path.display()
            )
        })
    }
}

/// A function on a stack, with the samples it was on and its callees.
#[derive(Default)]
struct Node {
    samples: u64,
    children: BTreeMap<String, Node>,
}

impl Node {
    fn depth(&self) -> usize {
        1 + self.children.values().map(Node::depth).max().unwrap_or(0)
    }
}

const WIDTH: f64 = 1200.0;
const ROW: f64 = 16.0;
const PAD: f64 = 10.0;
const TITLE: f64 = 30.0;

/// An SVG flame graph of `stacks`: the outermost function at the bottom,
/// callees stacked above their callers, boxes as wide as their share of
/// the samples.
fn flame_graph(stacks: &HashMap<Vec<String>, u64>, interval: Duration) -> String {
    let mut root = Node::default();
    for (stack, &count) in stacks {
        root.samples += count;
        let mut node = &mut root;
        for name in stack {
            node = node.children.entry(name.clone()).or_default();
            node.samples += count;
        }
    }
    let depth = root.depth();
    let height = TITLE + depth as f64 * ROW + 2.0 * PAD;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<?xml version="1.0" standalone="no"?>
<svg version="1.1" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">
<style>text {{ font-family: monospace; font-size: 12px; }} rect {{ stroke: white; stroke-width: 0.5; }}</style>
<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="rgb(250,250,240)"/>
<text x="{x}" y="20" text-anchor="middle" font-size="16px">kiln guest profile: {samples} samples, every {interval:?}</text>"#,
        x = WIDTH / 2.0,
        samples = root.samples,
    );
    if root.samples > 0 {
        let scale = (WIDTH - 2.0 * PAD) / root.samples as f64;
        let mut x = PAD;
        for (name, node) in &root.children {
            draw(&mut svg, name, node, x, 0, height, scale, root.samples);
            x += node.samples as f64 * scale;
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// Draws `node` (and its callees) at `x`, `level` rows above the bottom.
#[allow(
    clippy::too_many_arguments,
    reason = "the layout's state, passed down the recursion"
)]
fn draw(
    svg: &mut String,
    name: &str,
    node: &Node,
    x: f64,
    level: usize,
    height: f64,
    scale: f64,
    total: u64,
) {
    let width = node.samples as f64 * scale;
    if width < 0.5 {
        return;
    }
    let y = height - PAD - (level + 1) as f64 * ROW;
    let percent = 100.0 * node.samples as f64 / total as f64;
    let label = fit(name, width);
    let name = escape(name);
    let _ = writeln!(
        svg,
        r#"<g><title>{name} ({samples} samples, {percent:.2}%)</title><rect x="{x:.2}" y="{y:.2}" width="{width:.2}" height="{h}" fill="{fill}"/><text x="{tx:.2}" y="{ty:.2}">{label}</text></g>"#,
        samples = node.samples,
        h = ROW - 1.0,
        fill = color(&name),
        tx = x + 3.0,
        ty = y + ROW - 4.0,
        label = escape(&label),
    );
    let mut child_x = x;
    for (child_name, child) in &node.children {
        draw(
            svg,
            child_name,
            child,
            child_x,
            level + 1,
            height,
            scale,
            total,
        );
        child_x += child.samples as f64 * scale;
    }
}

/// As much of `name` as fits in `width` pixels (7 per character), with
/// ".." marking a cut.
fn fit(name: &str, width: f64) -> String {
    let room = ((width - 6.0) / 7.0).floor() as usize;
    if name.chars().count() <= room {
        name.to_string()
    } else if room >= 3 {
        let kept: String = name.chars().take(room - 2).collect();
        format!("{kept}..")
    } else {
        String::new()
    }
}

/// A warm colour that depends only on the name, so a function keeps its
/// colour across graphs.
fn color(name: &str) -> String {
    let hash = name.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    });
    let r = 205 + (hash % 50);
    let g = (hash >> 8) % 230;
    let b = (hash >> 16) % 55;
    format!("rgb({r},{g},{b})")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_file_and_interval() {
        let p = GuestProfile::parse("").unwrap();
        assert_eq!(p.path, PathBuf::from("kiln-guest-profile.svg"));
        assert_eq!(p.interval, Duration::from_millis(1));
        let p = GuestProfile::parse(",out.svg,10ms").unwrap();
        assert_eq!(p.path, PathBuf::from("out.svg"));
        assert_eq!(p.interval, Duration::from_millis(10));
        assert!(GuestProfile::parse(",a,1ms,extra").is_err());
        assert!(GuestProfile::parse(",a,0s").is_err());
    }

    #[test]
    fn boxes_are_as_wide_as_their_samples() {
        let mut stacks = HashMap::new();
        stacks.insert(vec!["main".to_string(), "hot".to_string()], 3);
        stacks.insert(vec!["main".to_string(), "cold<&>".to_string()], 1);
        let svg = flame_graph(&stacks, Duration::from_millis(1));
        assert!(svg.contains("main (4 samples, 100.00%)"), "{svg}");
        assert!(svg.contains("hot (3 samples, 75.00%)"), "{svg}");
        assert!(
            svg.contains("cold&lt;&amp;&gt; (1 samples, 25.00%)"),
            "{svg}"
        );
        let width = |name: &str| -> f64 {
            let at = svg.find(&format!("<title>{name} (")).unwrap();
            let rest = &svg[at..];
            let w = rest.split("width=\"").nth(1).unwrap();
            w[..w.find('"').unwrap()].parse().unwrap()
        };
        assert!((width("hot") - 3.0 * width("cold&lt;&amp;&gt;")).abs() < 0.1);
        assert!((width("main") - (WIDTH - 2.0 * PAD)).abs() < 0.1);
    }
}
