//! A grammar-based fuzzer (issue #9): random programs, built from a small
//! JavaScript grammar seeded with the hostile shapes (deep nesting, long
//! chains, runaway loops, big allocations, Proxies, regexes, re-entrant
//! conversions, promise floods), run in one Vm under a tight fuel budget and
//! memory cap. It checks that the host never panics, that every error is
//! one the hostile suite classifies (a JavaScript error, or a lost state
//! for a forced stop or the memory cap), that the Vm answers after each
//! program, and it prints the figures of the run.
//!
//! `JSVM_FUZZ_SECONDS` sets how long it runs (default 60, what CI runs);
//! `JSVM_FUZZ_SEED` starts it from a given seed (default: from the clock,
//! printed, so a failure can be replayed); `JSVM_FUZZ_TRACE` names a file
//! each program is written to before it runs.

use std::time::{Duration, Instant};

use jsvm::{Error, RunOptions, Vm};

/// A small deterministic generator (xorshift64*): a failure is replayed
/// from its printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ATOMS: &[&str] = &[
    "0", "1", "-1", "2 ** 53", "NaN", "''", "'x'", "'\\uD800'", "'\\0'", "null", "undefined", "true", "[]", "{}",
    "a", "o", "f", "p", "s", "globalThis", "this", "Symbol.iterator", "new Error('e')", "/a+/g", "10n",
];

const BINARY: &[&str] = &["+", "-", "*", "/", "%", "**", "==", "===", "<", "&&", "||", "??", "&", "|", "<<", ",", "in", "instanceof"];

/// Shapes from the hostile classes, with a size the generator chooses.
const HOSTILE: &[&str] = &[
    "eval('['.repeat(N) + ']'.repeat(N))",
    "eval('('.repeat(N) + '1' + ')'.repeat(N))",
    "eval('{a:'.repeat(N) + '1' + '}'.repeat(N))",
    "eval('1' + '+1'.repeat(N))",
    "eval('a' + '[0]'.repeat(N))",
    "eval('function g(){'.repeat(N) + '}'.repeat(N))",
    "JSON.parse('['.repeat(N) + ']'.repeat(N))",
    "(() => { let x = []; for (let i = 0; i < N; i++) x = [x]; return JSON.stringify(x) })()",
    "(() => { let x = {}; for (let i = 0; i < N; i++) x = new Proxy(x, {}); return x.y })()",
    "(() => { let x = {}; for (let i = 0; i < N; i++) x = Object.create(x); return x.y })()",
    "(() => { let x = []; for (let i = 0; i < N; i++) x = [x]; return String(x) })()",
    "'x'.repeat(N * 1000)",
    "new Array(N * 1000).fill(0).map((v, i) => i)",
    "new Uint8Array(N * 10000).length",
    "(function r() { return r() })()",
    "({ get v() { return this.v } }).v",
    "new Proxy({}, { get(t, k, r) { return r[k] } }).z",
    "/(a+)+$/.test('a'.repeat(N % 30) + '!')",
    "(function fl() { Promise.resolve().then(fl) })()",
    "(async function af() { await null; return af() })()",
    "[...'x'.repeat(N)].sort(() => 0).join('')",
    "Function('return ' + '-'.repeat(N) + '1')()",
    "for (;;) {}",
    "while (true) { s += 'x' }",
    "Array.from({ length: N * 1000 }, (v, i) => i).reduce((x, y) => x + y, 0)",
    "Object.defineProperty(o, 'k', { get() { throw new TypeError('t') } }).k",
    "Reflect.ownKeys(new Proxy({}, { ownKeys() { return ['a', 'a'] } }))",
];

/// Fuel for one program: some tens of milliseconds.
const FUEL: u64 = 20_000_000;

struct Gen {
    rng: Rng,
}

impl Gen {
    fn expr(&mut self, depth: usize) -> String {
        if depth == 0 {
            return self.rng.pick(ATOMS).to_string();
        }
        match self.rng.below(9) {
            0 => format!("({} {} {})", self.expr(depth - 1), self.rng.pick(BINARY), self.expr(depth - 1)),
            1 => format!("[{}, {}]", self.expr(depth - 1), self.expr(depth - 1)),
            2 => format!("({{ k: {}, [{}]: {} }})", self.expr(depth - 1), self.expr(depth - 1), self.expr(depth - 1)),
            3 => format!("(() => {})()", self.expr(depth - 1)),
            4 => format!("String({})", self.expr(depth - 1)),
            5 => format!("{}?.[{}]", self.expr(depth - 1), self.expr(depth - 1)),
            6 => format!("typeof {}", self.expr(depth - 1)),
            7 => {
                let n = [1, 10, 100, 1_000, 10_000, 100_000][self.rng.below(6)];
                self.rng.pick(HOSTILE).replace('N', &n.to_string())
            }
            _ => self.rng.pick(ATOMS).to_string(),
        }
    }

    fn statement(&mut self, depth: usize) -> String {
        match self.rng.below(7) {
            0 => format!("try {{ {} }} catch (e) {{ String(e) }}", self.statement(depth.saturating_sub(1))),
            1 => format!("if ({}) {{ {} }}", self.expr(depth), self.statement(depth.saturating_sub(1))),
            2 => format!("for (let i = 0; i < 3; i++) {{ {} }}", self.statement(depth.saturating_sub(1))),
            3 => format!("o.k = {};", self.expr(depth)),
            4 => format!("s = String({}).slice(0, 100);", self.expr(depth)),
            _ => format!("{};", self.expr(depth)),
        }
    }

    fn program(&mut self) -> String {
        let count = 1 + self.rng.below(4);
        let mut program = String::from("var a = [[1]], o = {}, f = () => f, p = Promise.resolve(1), s = '';\n");
        for _ in 0..count {
            program.push_str(&self.statement(3));
            program.push('\n');
        }
        program
    }
}

/// What a program's end says: whether it is one the hostile suite knows.
fn classify(result: &Result<jsvm::Value, Error>) -> Result<&'static str, String> {
    match result {
        Ok(_) => Ok("value"),
        Err(Error::Js(_)) => Ok("js error"),
        Err(Error::StateLost { code: Some("ERR_VM_MEMORY_LIMIT"), .. }) => Ok("lost: memory cap"),
        Err(Error::StateLost { code: Some("ERR_SCRIPT_EXECUTION_TIMEOUT"), .. }) => Ok("lost: forced stop"),
        Err(other) => Err(other.to_string()),
    }
}

#[test]
fn generated_programs_never_panic_the_host_and_trap_only_as_classified() {
    let seconds: u64 = std::env::var("JSVM_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed: u64 = std::env::var("JSVM_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1);
    println!("fuzz: seed {seed}, {seconds} s");
    // `JSVM_FUZZ_TRACE=file`: each program is written there before it runs
    // (what a hang was running).
    let trace = std::env::var_os("JSVM_FUZZ_TRACE");
    let mut generator = Gen { rng: Rng(seed) };
    let mut vm = Vm::builder().memory_limit(128 << 20).console(|_, _| {}).build().unwrap();
    // A fuel budget covers the whole call, the promise jobs it runs
    // included (a `timeout`, as in Node, covers only the script: a
    // microtask flood after it would run forever, as it does in Node).
    let options = RunOptions { fuel: Some(FUEL), ..RunOptions::default() };
    let start = Instant::now();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let mut findings = Vec::new();
    // Programs that took long despite the timeout (printed, not failed:
    // parsing and some natives run between checkpoints).
    let mut slow = Vec::new();
    while start.elapsed() < Duration::from_secs(seconds) {
        let program = generator.program();
        let ctx = match vm.create_context() {
            Ok(ctx) => ctx,
            Err(e) => {
                findings.push(format!("create_context after a program: {e}"));
                break;
            }
        };
        if let Some(path) = &trace {
            std::fs::write(path, &program).unwrap();
        }
        let began = Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| vm.run_in_context_with(&ctx, &program, &options)));
        if began.elapsed() > Duration::from_secs(2) {
            slow.push(format!("{:.1} s: {program}", began.elapsed().as_secs_f64()));
        }
        let Ok(result) = result else {
            findings.push(format!("the host panicked on:\n{program}"));
            break;
        };
        match classify(&result) {
            Ok(kind) => *counts.entry(kind).or_default() += 1,
            Err(error) => findings.push(format!("{error}\n--- program:\n{program}")),
        }
        let total: usize = counts.values().sum();
        if total % 5000 == 0 {
            println!("fuzz: after {total} programs the Vm's linear memory is {:.1} MiB", vm.memory_size() as f64 / 1048576.0);
        }
        let probe = vm.create_context().and_then(|c| vm.eval::<f64>(&c, "6 * 7"));
        if !matches!(probe, Ok(42.0)) {
            findings.push(format!("the Vm did not answer after:\n{program}\n({probe:?})"));
            break;
        }
    }
    let total: usize = counts.values().sum();
    for line in &slow {
        println!("fuzz: slow: {}", line.chars().take(300).collect::<String>());
    }
    println!("fuzz: {total} programs in {:.1} s: {counts:?}", start.elapsed().as_secs_f64());
    assert!(findings.is_empty(), "seed {seed}: {} finding(s):\n{}", findings.len(), findings.join("\n\n"));
    assert!(total > 0, "no program ran");
}
