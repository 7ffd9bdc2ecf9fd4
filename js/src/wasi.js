// The few WASI interfaces the guest imports, implemented with no ambient
// authority and nothing host-specific: an empty environment, no arguments,
// no stdin, standard output discarded and standard error kept (only a Rust
// panic message ever lands there, and it becomes part of a trap's report),
// clocks from `performance.now()` and `Date.now()`, randomness from
// `crypto.getRandomValues`. (The preview2-shim would hand the guest the
// host's `process.env`.)

/** What the guest wrote to stderr (a panic message), newest last. */
export const guestStderr = { text: '' };

class Pollable {
  ready() { return true; }
  block() {}
}

class IoError {
  toDebugString() { return 'jsvm: stream error'; }
}

class OutputStream {
  constructor(sink) { this.sink = sink; }
  checkWrite() { return 1n << 20n; }
  write(bytes) { this.sink(bytes); }
  blockingWriteAndFlush(bytes) { this.sink(bytes); }
  flush() {}
  blockingFlush() {}
  subscribe() { return new Pollable(); }
}

class InputStream {
  read() { throw { tag: 'closed' }; }
  blockingRead() { throw { tag: 'closed' }; }
  subscribe() { return new Pollable(); }
}

const decoder = new TextDecoder();
const stderr = new OutputStream((bytes) => {
  guestStderr.text = (guestStderr.text + decoder.decode(bytes)).slice(-4096);
});
const stdout = new OutputStream(() => {});

function randomBytes(length) {
  const bytes = new Uint8Array(Number(length));
  for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return bytes;
}

function randomU64() {
  const [hi, lo] = crypto.getRandomValues(new Uint32Array(2));
  return (BigInt(hi) << 32n) | BigInt(lo);
}

class TerminalInput {}
class TerminalOutput {}

/** The WASI imports, keyed as jco's instantiation expects them. */
export function wasiImports() {
  return {
    'wasi:cli/environment': { getEnvironment: () => [], getArguments: () => [], initialCwd: () => undefined },
    'wasi:cli/exit': {
      exit: (status) => {
        throw new WebAssembly.RuntimeError(`the guest exited (${status.tag === 'ok' ? 'ok' : 'error'})`);
      },
    },
    'wasi:cli/stdin': { getStdin: () => new InputStream() },
    'wasi:cli/stdout': { getStdout: () => stdout },
    'wasi:cli/stderr': { getStderr: () => stderr },
    'wasi:cli/terminal-input': { TerminalInput },
    'wasi:cli/terminal-output': { TerminalOutput },
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined },
    'wasi:clocks/monotonic-clock': {
      now: () => BigInt(Math.round(performance.now() * 1e6)),
      resolution: () => 1000n,
      subscribeDuration: () => new Pollable(),
      subscribeInstant: () => new Pollable(),
    },
    'wasi:clocks/wall-clock': {
      now: () => {
        const ms = Date.now();
        return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1e6 };
      },
      resolution: () => ({ seconds: 0n, nanoseconds: 1e6 }),
    },
    'wasi:io/error': { Error: IoError },
    'wasi:io/poll': { Pollable, poll: (list) => new Uint32Array(list.map((_, i) => i)) },
    'wasi:io/streams': { InputStream, OutputStream },
    'wasi:random/insecure-seed': { insecureSeed: () => [randomU64(), randomU64()] },
    'wasi:random/random': { getRandomBytes: randomBytes, getRandomU64: randomU64 },
    'wasi:random/insecure': { getInsecureRandomBytes: randomBytes, getInsecureRandomU64: randomU64 },
  };
}
