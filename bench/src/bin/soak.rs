//! Soak (issue #9): long runs that a sandbox serving requests lives through.
//!
//! 1. One Vm creates, uses once and drops 100,000 contexts, through the
//!    Rust API and in guest JavaScript (`jsvm run`): throughput and memory
//!    after the first 1,000, at 50,000 and at 100,000.
//! 2. 8 threads each make 10,000 fresh Vms, and use each once: throughput
//!    and the process's resident memory at the start, middle and end.
//!
//! `cargo build --release && cargo run --release --manifest-path bench/Cargo.toml --bin soak`
//! (`JSVM_SOAK_SCALE=10` runs a tenth of each, to try it quickly).

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jsvm::Vm;

/// The `jsvm` command the host build made.
const JSVM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/release/jsvm");

/// Resident memory of this process, in MiB (`/proc/self/statm`).
fn rss_mib() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0.0);
    pages * 4096.0 / 1048576.0
}

fn scale() -> usize {
    std::env::var("JSVM_SOAK_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1).max(1)
}

/// The checkpoints of a run of `total`: after the first 1,000 (or 1%), the
/// middle and the end.
fn checkpoints(total: usize) -> [usize; 3] {
    [(total / 100).max(1), total / 2, total]
}

fn contexts_in_one_vm(total: usize) -> anyhow::Result<()> {
    println!("One Vm, {total} contexts created, used once, dropped (Rust API)");
    println!("  {:>9} {:>14} {:>16} {:>10}", "contexts", "contexts/s", "linear MiB", "RSS MiB");
    let mut vm = Vm::builder().memory_limit(256 << 20).console(|_, _| {}).build()?;
    let marks = checkpoints(total);
    let mut window = Instant::now();
    let mut last = 0;
    for i in 1..=total {
        let ctx = vm.create_context()?;
        vm.set_global(&ctx, "i", i as f64)?;
        let value: f64 = vm.eval(&ctx, "i + 1")?;
        anyhow::ensure!(value == i as f64 + 1.0, "context {i} answered {value}");
        if marks.contains(&i) {
            let rate = (i - last) as f64 / window.elapsed().as_secs_f64();
            println!("  {:>9} {:>14.0} {:>16.1} {:>10.1}", i, rate, vm.memory_size() as f64 / 1048576.0, rss_mib());
            window = Instant::now();
            last = i;
        }
    }
    Ok(())
}

fn contexts_in_guest(total: usize) -> anyhow::Result<()> {
    println!("One Vm, {total} contexts created, used once, dropped (guest JS under `jsvm run`)");
    println!("  {:>9} {:>14} {:>16}", "contexts", "contexts/s", "guest live MiB");
    let [first, middle, end] = checkpoints(total);
    let program = format!(
        "import vm from 'node:vm';\n\
         const live = async () => (await vm.measureMemory({{ execution: 'eager' }})).total.jsMemoryEstimate / 1048576;\n\
         let window = Date.now(), last = 0;\n\
         for (let i = 1; i <= {total}; i++) {{\n\
           const ctx = vm.createContext({{ i }});\n\
           if (vm.runInContext('i + 1', ctx) !== i + 1) throw new Error('wrong answer');\n\
           if (i === {first} || i === {middle} || i === {end}) {{\n\
             const rate = (i - last) / ((Date.now() - window) / 1000);\n\
             console.log(`  ${{String(i).padStart(9)}} ${{rate.toFixed(0).padStart(14)}} ${{(await live()).toFixed(1).padStart(16)}}`);\n\
             window = Date.now(); last = i;\n\
           }}\n\
         }}\n"
    );
    let dir = std::env::temp_dir().join(format!("jsvm-soak-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("contexts.mjs");
    std::fs::write(&file, program)?;
    let out = Command::new(JSVM).arg("run").arg(&file).output()?;
    anyhow::ensure!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    print!("{}", String::from_utf8_lossy(&out.stdout));
    Ok(())
}

fn fresh_vms(threads: usize, per_thread: usize) -> anyhow::Result<()> {
    let total = threads * per_thread;
    println!("{threads} threads x {per_thread} fresh Vms, each used once (new Vm, a context, one run)");
    println!("  {:>9} {:>10} {:>10}", "Vms", "Vms/s", "RSS MiB");
    let done = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let done = done.clone();
            std::thread::spawn(move || -> anyhow::Result<()> {
                for i in 0..per_thread {
                    let mut vm = Vm::builder().console(|_, _| {}).build()?;
                    let ctx = vm.create_context()?;
                    let value: f64 = vm.eval(&ctx, &format!("{t} * 100000 + {i}"))?;
                    anyhow::ensure!(value == (t * 100_000 + i) as f64);
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect();
    let marks = checkpoints(total);
    let (mut window, mut last, mut next) = (Instant::now(), 0, 0);
    while next < marks.len() {
        let now = done.load(Ordering::Relaxed);
        if now >= marks[next] {
            let rate = (now - last) as f64 / window.elapsed().as_secs_f64();
            println!("  {:>9} {:>10.1} {:>10.1}", now, rate, rss_mib());
            (window, last) = (Instant::now(), now);
            next += 1;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    for worker in workers {
        worker.join().expect("a soak thread panicked")?;
    }
    println!("  all {total} in {:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let scale = scale();
    contexts_in_one_vm(100_000 / scale)?;
    contexts_in_guest(100_000 / scale)?;
    fresh_vms(8, 10_000 / scale)?;
    Ok(())
}
