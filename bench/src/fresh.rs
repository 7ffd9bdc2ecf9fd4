//! Figures that one warm process cannot give: the first timeout of a fresh
//! `jsvm run` process, and memory while a Vm creates and drops contexts
//! (in guest JS, through the Rust API, and node:vm beside them).

use std::process::Command;
use std::time::Duration;

use jsvm::{RunOptions, Vm};

/// The `jsvm` command the host build made (`cargo build --release`).
const JSVM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/release/jsvm");

/// Runs `program` (an ES module) with `command` and returns its stdout.
fn run_module(command: &mut Command, program: &str) -> anyhow::Result<String> {
    let dir = std::env::temp_dir().join(format!("jsvm-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("program.mjs");
    std::fs::write(&file, program)?;
    let out = command.arg(&file).output()?;
    anyhow::ensure!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// The first 50 ms timeout of fresh `jsvm run` processes (median of 5).
pub fn first_timeouts() -> anyhow::Result<()> {
    println!("First 50 ms timeout in a fresh `jsvm run` process (wall ms, median of 5 processes)");
    println!("  {:<18} {:>14} {:>14}", "runaway", "default clock", "--wall-clock");
    for (name, code) in [
        ("old calibration loop", "(() => { let s = 0; for (let i = 0; ; i++) { s = (s + i * 7) % 1000003; } })()"),
        ("for (;;) {}", "for (;;) {}"),
    ] {
        let program = format!(
            "import vm from 'node:vm';\nconst ctx = vm.createContext({{}});\nconst start = Date.now();\n\
             try {{ vm.runInContext({code:?}, ctx, {{ timeout: 50 }}); }} catch {{}}\nconsole.log(Date.now() - start);\n"
        );
        let mut figures = Vec::new();
        for wall in [false, true] {
            let mut samples = Vec::new();
            for _ in 0..5 {
                let mut command = Command::new(JSVM);
                command.arg("run");
                if wall {
                    command.arg("--wall-clock");
                }
                samples.push(run_module(&mut command, &program)?.trim().parse::<f64>()?);
            }
            figures.push(median(samples));
        }
        println!("  {:<18} {:>14.1} {:>14.1}", name, figures[0], figures[1]);
    }
    Ok(())
}

/// Memory after 1,000 and 10,000 contexts created, used once and dropped.
pub fn context_churn() -> anyhow::Result<()> {
    println!("Memory while one Vm creates, runs once in, and drops 10,000 contexts (MiB)");
    println!("  {:<44} {:>10} {:>10}", "", "1,000", "10,000");
    let churn = "for (let i = 0; i < 10000; i++) {\n\
          const ctx = vm.createContext({ i });\n\
          vm.runInContext('i + 1', ctx);\n\
          if (i === 999 || i === 9999) console.log(await used());\n\
        }\n";
    let guest = format!(
        "import vm from 'node:vm';\n\
         const used = async () => (await vm.measureMemory({{ execution: 'eager' }})).total.jsMemoryEstimate / 1048576;\n{churn}"
    );
    let out = run_module(Command::new(JSVM).arg("run"), &guest)?;
    let figures: Vec<&str> = out.lines().collect();
    println!("  {:<44} {:>10.1} {:>10.1}", "jsvm run: guest live bytes (measureMemory)", figures[0].parse::<f64>()?, figures[1].parse::<f64>()?);

    let mut vm = Vm::builder().console(|_, _| {}).build()?;
    let mut sizes = Vec::new();
    for i in 0..10_000 {
        let ctx = vm.create_context()?;
        vm.set_global(&ctx, "i", i)?;
        vm.run_in_context_with(&ctx, "i + 1", &RunOptions { timeout: Some(Duration::from_secs(5)), ..Default::default() })?;
        if i == 999 || i == 9_999 {
            sizes.push(vm.memory_size() as f64 / 1048576.0);
        }
    }
    println!("  {:<44} {:>10.1} {:>10.1}", "Rust API: linear memory (Vm::memory_size)", sizes[0], sizes[1]);

    let node = format!(
        "import vm from 'node:vm';\n\
         const used = async () => {{ globalThis.gc(); return process.memoryUsage().heapUsed / 1048576; }};\n{churn}"
    );
    match run_module(Command::new("node").arg("--expose-gc"), &node) {
        Ok(out) => {
            let figures: Vec<&str> = out.lines().collect();
            println!("  {:<44} {:>10.1} {:>10.1}", "node:vm: heapUsed after gc()", figures[0].parse::<f64>()?, figures[1].parse::<f64>()?);
        }
        Err(error) => println!("  node:vm: not measured ({error})"),
    }
    Ok(())
}
