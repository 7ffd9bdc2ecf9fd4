//! Side-by-side figures, measured in one run: the costs of the jsvm API
//! (new Vm, createContext, a trivial runInContext) and CPU-bound scripts in
//! the component against the same Boa version compiled natively.
//!
//! `cargo run --release -p jsvm-bench` prints medians; machines are shared
//! and noisy, so compare the ratios, not the absolute numbers.

use std::time::{Duration, Instant};

use boa_engine::{Context as BoaContext, Source};
use jsvm::Vm;

/// CPU-bound workloads: (name, script). Each returns a number so the work
/// cannot be skipped, and the result is checked to match natively.
const WORKLOADS: &[(&str, &str)] = &[
    ("fib(25)", "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } fib(25)"),
    (
        "loop+math 3M",
        "let s = 0; for (let i = 0; i < 3000000; i++) { s = (s + i * 7) % 1000003; } s",
    ),
    (
        "objects+arrays",
        "const a = []; for (let i = 0; i < 200000; i++) a.push({ i, sq: i * i }); a.filter(o => o.i % 3).map(o => o.sq % 97).reduce((x, y) => x + y, 0)",
    ),
    (
        "strings+json",
        "let n = 0; for (let i = 0; i < 20000; i++) { n += JSON.parse(JSON.stringify({ k: 'v' + i, a: [i, i + 1] })).k.length; } n",
    ),
];

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median((0..runs).map(|_| {
        let start = Instant::now();
        std::hint::black_box(f());
        start.elapsed()
    }).collect())
}

fn fmt(d: Duration) -> String {
    if d < Duration::from_millis(1) { format!("{:.1} µs", d.as_secs_f64() * 1e6) } else { format!("{:.2} ms", d.as_secs_f64() * 1e3) }
}

fn main() -> anyhow::Result<()> {
    // Loading the engine (deserializing the precompiled guest) happens once
    // per process: measured by the first Vm.
    let start = Instant::now();
    let mut vm = Vm::builder().console(|_, _| {}).build()?;
    let first_vm = start.elapsed();

    println!("jsvm API costs (median)");
    println!("  first Vm (engine load + instantiate) {}", fmt(first_vm));
    println!("  new Vm                               {}", fmt(time(20, || Vm::builder().console(|_, _| {}).build().unwrap())));
    println!("  createContext                        {}", fmt(time(200, || vm.create_context().unwrap())));
    let ctx = vm.create_context()?;
    println!("  runInContext('1 + 1')                {}", fmt(time(500, || vm.run_in_context(&ctx, "1 + 1").unwrap())));
    let mut native = BoaContext::default();
    println!("  native Boa eval('1 + 1')             {}", fmt(time(500, || native.eval(Source::from_bytes("1 + 1")).unwrap())));

    println!();
    println!("CPU-bound scripts, median of 5: component vs native Boa 0.22");
    println!("  {:<16} {:>12} {:>12} {:>8}", "workload", "component", "native", "ratio");
    for (name, code) in WORKLOADS {
        // A fresh context per run on both sides, so top-level declarations
        // do not collide and both include creating a global scope.
        let mut in_vm = || {
            let ctx = vm.create_context().unwrap();
            vm.run_in_context(&ctx, code).unwrap()
        };
        let expected = match in_vm() {
            jsvm::Value::Number(n) => n,
            other => anyhow::bail!("{name}: unexpected result {other:?}"),
        };
        let component = time(5, &mut in_vm);
        let mut native = BoaContext::default();
        let got = native.eval(Source::from_bytes(code)).unwrap().as_number();
        anyhow::ensure!(got == Some(expected), "{name}: native result {got:?} != {expected}");
        let native_time = time(5, || BoaContext::default().eval(Source::from_bytes(code)).unwrap());
        let ratio = component.as_secs_f64() / native_time.as_secs_f64();
        println!("  {:<16} {:>12} {:>12} {:>7.2}x", name, fmt(component), fmt(native_time), ratio);
    }
    Ok(())
}
