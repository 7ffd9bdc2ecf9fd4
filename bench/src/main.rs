//! Side-by-side figures, measured in one run (medians; machines are shared
//! and noisy, so read the ratios):
//!
//! 1. the costs of the jsvm API (new Vm, createContext, a trivial run);
//! 2. CPU-bound scripts in native Boa (as published, and with the project's
//!    patch and its stop check armed), and in the component with epochs only
//!    (wall-clock timeouts) and with fuel metering;
//! 3. timeout precision: requested vs actual for 20/50/200 ms;
//! 4. the first timeout of a fresh process, and memory while contexts are
//!    created and dropped (`fresh`).
//!
//! `cargo build --release`, then
//! `cargo build --release --manifest-path bench/Cargo.toml --bins && cargo run --release --manifest-path bench/Cargo.toml`
//! (the bench times native Boa with the `native_profile` binary built beside it).

mod fresh;

use std::time::{Duration, Instant};

use jsvm::{RunOptions, Vm};

/// CPU-bound workloads, each a block returning a number (checked equal
/// everywhere, so no side skips work).
const WORKLOADS: &[(&str, &str)] = &[
    ("fib(25)", "(() => { function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } return fib(25); })()"),
    ("loop+math 3M", "(() => { let s = 0; for (let i = 0; i < 3000000; i++) { s = (s + i * 7) % 1000003; } return s; })()"),
    (
        "objects+arrays",
        "(() => { const a = []; for (let i = 0; i < 200000; i++) a.push({ i, sq: i * i }); return a.filter(o => o.i % 3).map(o => o.sq % 97).reduce((x, y) => x + y, 0); })()",
    ),
    (
        "strings+json",
        "(() => { let n = 0; for (let i = 0; i < 20000; i++) { n += JSON.parse(JSON.stringify({ k: 'v' + i, a: [i, i + 1] })).k.length; } return n; })()",
    ),
];

/// Runaway scripts for timeout precision.
const RUNAWAYS: &[(&str, &str)] = &[
    // The loop the host once calibrated fuel per ms on, run forever.
    ("calibration loop", "(() => { let s = 0; for (let i = 0; ; i++) { s = (s + i * 7) % 1000003; } })()"),
    ("busy loop", "for (;;) {}"),
    ("calls", "(() => { function f(n) { return n + 1; } let i = 0; for (;;) i = f(i); })()"),
    ("globals via context", "var g = 0; for (;;) g++"),
    ("callback", "[1].forEach(() => { for (;;); })"),
];

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The median time of `runs` calls of `f`; what `f` returns is dropped
/// after the clock stops.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                let value = std::hint::black_box(f());
                let elapsed = start.elapsed();
                drop(value);
                elapsed
            })
            .collect(),
    )
}

/// The time per call of `f`: the median over `rounds` batches of `n` calls
/// each, so that work done every few calls (a garbage collection) is
/// counted, spread over the calls, as bench/vm-bench does.
fn per_call<T>(rounds: usize, n: u32, mut f: impl FnMut() -> T) -> Duration {
    time(rounds, || {
        let results: Vec<T> = (0..n).map(|_| f()).collect();
        results
    }) / n
}

/// Rounds of a paired comparison.
const ROUNDS: usize = 15;

/// Runs `a` and `b` back to back `ROUNDS` times (alternating which goes
/// first): their median times and the median of the ratios b/a.
fn paired<A, B>(mut a: impl FnMut() -> A, mut b: impl FnMut() -> B) -> (Duration, Duration, f64) {
    paired_measured(|| time(1, &mut a), || time(1, &mut b))
}

/// [`paired`] over sides that measure themselves (each returns its time).
fn paired_measured(mut a: impl FnMut() -> Duration, mut b: impl FnMut() -> Duration) -> (Duration, Duration, f64) {
    let mut timed_a = Vec::new();
    let mut timed_b = Vec::new();
    let mut ratios = Vec::new();
    for round in 0..ROUNDS {
        let (ta, tb) = if round % 2 == 0 { (a(), b()) } else {
            let tb = b();
            (a(), tb)
        };
        ratios.push(tb.as_secs_f64() / ta.as_secs_f64());
        timed_a.push(ta);
        timed_b.push(tb);
    }
    ratios.sort_by(f64::total_cmp);
    (median(timed_a), median(timed_b), ratios[ROUNDS / 2])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn fmt(d: Duration) -> String {
    if d < Duration::from_millis(1) { format!("{:.1} µs", d.as_secs_f64() * 1e6) } else { format!("{:.1} ms", ms(d)) }
}

/// The patched engine's stop check, armed as the guest arms it, with a
/// handler that never stops (the cost of checking, not of stopping).
fn never_stop() -> bool {
    false
}

fn native_plain(code: &str) -> f64 {
    let mut ctx = boa_engine::Context::default();
    ctx.eval(boa_engine::Source::from_bytes(code)).unwrap().as_number().unwrap()
}

fn native_patched(code: &str) -> f64 {
    let mut ctx = boa_patched::Context::default();
    ctx.set_interrupt_handler(Some(never_stop), 10_000);
    ctx.eval(boa_patched::Source::from_bytes(code)).unwrap().as_number().unwrap()
}

/// A run of `code` in a fresh process of `native_profile` (the engine as
/// published, or patched with the check armed), as it reports its time.
fn native_in_process(engine: &str, code: &str) -> Duration {
    let program = std::env::current_exe().expect("the bench's path").with_file_name("native_profile");
    // Three runs a process, so its first-run costs (page faults, cold caches) weigh less.
    let out = std::process::Command::new(&program).args([engine, code, "3"]).output().expect("native_profile is built beside the bench (cargo build --release --manifest-path bench/Cargo.toml --bins)");
    let text = String::from_utf8_lossy(&out.stdout);
    let ms: f64 = text.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("native_profile said {text:?}"));
    Duration::from_secs_f64(ms / 1e3)
}

/// [`paired`] for the check's cost, each side in a process of its own: in
/// one process the engine that runs second meets the heap the other left
/// (the JSON workload read +13–15% there, −1.2% in instructions counted
/// by callgrind).
fn paired_processes(code: &str) -> (Duration, Duration, f64) {
    paired_measured(|| native_in_process("plain", code), || native_in_process("patched", code))
}

fn in_vm(vm: &mut Vm, code: &str) -> f64 {
    let ctx = vm.create_context().unwrap();
    vm.eval::<f64>(&ctx, code).unwrap()
}

fn quiet(fuel: bool) -> Vm {
    Vm::builder().fuel(fuel).console(|_, _| {}).build().unwrap()
}

/// Runs every section, or the one named by the first argument (`api`,
/// `cpu`, `timeouts` or `fresh`).
fn main() -> anyhow::Result<()> {
    let only = std::env::args().nth(1);
    let wanted = |section: &str| only.as_deref().is_none_or(|only| only == section);
    let start = Instant::now();
    let mut vm = quiet(false);
    let first_vm = start.elapsed();

    if wanted("api") {
        api_costs(&mut vm, first_vm)?;
    }
    if wanted("cpu") {
        cpu_bound(&mut vm)?;
    }
    if wanted("timeouts") {
        timeouts(&mut vm);
    }
    if wanted("fresh") {
        fresh::first_timeouts()?;
        println!();
        fresh::context_churn()?;
    }
    Ok(())
}

/// What the API's calls cost, the first Vm's load included.
fn api_costs(vm: &mut Vm, first_vm: Duration) -> anyhow::Result<()> {
    println!("jsvm API costs (median)");
    println!("  first Vm (engine load + instantiate) {}", fmt(first_vm));
    // A new Vm is ready only after its first call, which builds the guest's
    // engine and node:vm layer: the figure includes it.
    let ready = || {
        let mut vm = quiet(false);
        let ctx = vm.create_context().unwrap();
        vm.eval::<f64>(&ctx, "1 + 1").unwrap();
        vm
    };
    println!("  new Vm ready (first call included)   {}", fmt(time(20, ready)));
    println!("    of which the instantiation         {}", fmt(time(20, || quiet(false))));
    println!("  createContext (GC included)          {}", fmt(per_call(9, 50, || vm.create_context().unwrap())));
    let ctx = vm.create_context()?;
    println!("  runInContext('1 + 1')                {}", fmt(per_call(9, 200, || vm.run_in_context(&ctx, "1 + 1").unwrap())));
    let mut native = boa_engine::Context::default();
    println!("  native Boa eval('1 + 1')             {}", fmt(time(500, || native.eval(boa_engine::Source::from_bytes("1 + 1")).unwrap())));
    println!();
    Ok(())
}

/// The CPU-bound workloads: native Boa, patched Boa, the component.
fn cpu_bound(vm: &mut Vm) -> anyhow::Result<()> {
    println!("CPU-bound scripts, each run in a fresh context/Context. Overheads are the median of");
    println!("{ROUNDS} paired ratios, the two sides of a pair run back to back (robust to drift);");
    println!("native Boa runs in a fresh process per run (bench/src/bin/native_profile.rs).");
    println!(
        "  {:<15} {:>10} {:>10} {:>7} {:>11} {:>10} {:>7} {:>7}",
        "workload", "native", "+check", "check", "wasm+epoch", "+fuel", "fuel", "total"
    );
    let mut fuel_vm = quiet(true);
    for (name, code) in WORKLOADS {
        let expected = native_plain(code);
        anyhow::ensure!(native_patched(code) == expected && in_vm(vm, code) == expected && in_vm(&mut fuel_vm, code) == expected, "{name}: results differ");
        let (plain, patched, check) = paired_processes(code);
        let (epoch, fuel, fuel_cost) = paired(|| in_vm(vm, code), || in_vm(&mut fuel_vm, code));
        println!(
            "  {:<15} {:>10} {:>10} {:>+6.1}% {:>11} {:>10} {:>+6.1}% {:>6.2}x",
            name,
            fmt(plain),
            fmt(patched),
            (check - 1.0) * 100.0,
            fmt(epoch),
            fmt(fuel),
            (fuel_cost - 1.0) * 100.0,
            fuel.as_secs_f64() / plain.as_secs_f64(),
        );
    }
    println!();
    Ok(())
}

/// How close a timeout's stop comes to what was asked, by both clocks.
fn timeouts(vm: &mut Vm) {
    let mut fuel_vm = quiet(true);
    println!("Timeout precision: actual ms for a requested timeout (median of 5)");
    println!("  {:<18} {:>6} {:>14} {:>14}", "runaway", "asked", "CPU clock", "wall clock");
    for (name, code) in RUNAWAYS {
        for asked in [20u64, 50, 200] {
            let options = RunOptions { timeout: Some(Duration::from_millis(asked)), ..RunOptions::default() };
            let measure = |vm: &mut Vm| {
                time(5, || {
                    let ctx = vm.create_context().unwrap();
                    let err = vm.run_in_context_with(&ctx, code, &options).unwrap_err();
                    assert_eq!(err.code(), Some("ERR_SCRIPT_EXECUTION_TIMEOUT"), "{name}: {err}");
                })
            };
            let fuel = measure(&mut fuel_vm);
            let wall = measure(vm);
            println!("  {:<18} {:>6} {:>9.1} ({:>+4.0}%) {:>7.1} ({:>+4.0}%)", name, asked, ms(fuel), (ms(fuel) / asked as f64 - 1.0) * 100.0, ms(wall), (ms(wall) / asked as f64 - 1.0) * 100.0);
        }
    }
    println!();
}
