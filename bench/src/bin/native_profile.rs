//! Runs a workload `runs` times in native Boa, as published (`plain`) or
//! patched with the stop check armed as the guest arms it (`patched`), and
//! prints the time per run. The benchmark times the check's cost with it,
//! one process per run; a profiler or callgrind can compare the two:
//!
//! `cargo run --release --manifest-path bench/Cargo.toml --bin native_profile -- patched 'code' 20`
//! `valgrind --tool=callgrind target/release/native_profile patched 'code' 1` (instructions)

fn never_stop() -> bool {
    false
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (engine, code, runs) = (args.get(1).map_or("plain", String::as_str), args.get(2).cloned().unwrap_or_default(), args.get(3).and_then(|n| n.parse().ok()).unwrap_or(10));
    let start = std::time::Instant::now();
    for _ in 0..runs {
        if engine == "patched" {
            let mut ctx = boa_patched::Context::default();
            ctx.set_interrupt_handler(Some(never_stop), 10_000);
            ctx.eval(boa_patched::Source::from_bytes(&code)).unwrap();
        } else {
            let mut ctx = boa_engine::Context::default();
            ctx.eval(boa_engine::Source::from_bytes(&code)).unwrap();
        }
    }
    println!("{engine}: {:.1} ms per run", start.elapsed().as_secs_f64() * 1e3 / runs as f64);
}
