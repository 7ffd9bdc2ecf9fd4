//! The Rust host's side of `python/bench/compare.py`: a new Vm (its first
//! call included), a trivial run in a context, and fib(25), as medians in
//! microseconds, one JSON object on stdout. The Python host measures the
//! same three in the same run of the comparison.
//!
//! `cargo bench --manifest-path host/Cargo.toml --bench host_costs`

use std::time::Instant;

use jsvm::Vm;

const FIB: &str = "(() => { function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } return fib(25); })()";

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn micros(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e6
}

fn main() -> jsvm::Result<()> {
    let new_vm = median(
        (0..9)
            .map(|_| {
                let start = Instant::now();
                let mut vm = Vm::new().expect("a Vm");
                let context = vm.create_context().expect("a context");
                vm.run_in_context(&context, "1 + 1").expect("a run");
                micros(start)
            })
            .collect(),
    );
    let mut vm = Vm::new()?;
    let context = vm.create_context()?;
    let trivial = median(
        (0..15)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..200 {
                    vm.run_in_context(&context, "1 + 1").expect("a run");
                }
                micros(start) / 200.0
            })
            .collect(),
    );
    let fib = median(
        (0..7)
            .map(|_| {
                let start = Instant::now();
                let value = vm.run_in_context(&context, FIB).expect("fib");
                assert!(matches!(value, jsvm::Value::Number(n) if n == 75025.0));
                micros(start)
            })
            .collect(),
    );
    println!("{{\"new_vm_us\": {new_vm:.1}, \"trivial_run_us\": {trivial:.2}, \"fib25_us\": {fib:.0}}}");
    Ok(())
}
