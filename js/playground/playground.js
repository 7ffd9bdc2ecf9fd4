// The playground: code runs in a context of a Worker-backed VM
// (createWorkerVm), so the page stays responsive and Stop always works:
// on a cross-origin isolated page (`npm run playground` serves it so)
// Stop interrupts the run and the context stays; elsewhere it ends the
// Worker and the next run starts a fresh VM.

import { createWorkerVm } from '../dist/browser/jsvm.js';

const $ = (id) => document.getElementById(id);
const ui = {
  code: $('code'), context: $('context'), timeout: $('timeout'), memory: $('memory'), run: $('run'), stop: $('stop'),
  reset: $('reset'), clear: $('clear'), output: $('output'), state: $('state'), status: $('status'),
};

let vm;
let vmMemory;
let context;
let contextSource;
let running = false;

function print(text, kind = 'log') {
  const line = document.createElement('div');
  line.className = `line-${kind}`;
  line.textContent = text;
  ui.output.append(line);
  ui.output.scrollTop = ui.output.scrollHeight;
}

function show(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Error) return value.stack ?? String(value);
  if (value === undefined || typeof value !== 'object' || value === null) return String(value);
  try {
    return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v), 2);
  } catch {
    return String(value);
  }
}

function setRunning(on) {
  running = on;
  ui.run.disabled = on;
  ui.stop.disabled = !on;
}

/** The VM for the memory field (a new one when it changes). */
async function currentVm() {
  const memoryMiB = ui.memory.value === '' ? undefined : Number(ui.memory.value);
  if (vm === undefined || memoryMiB !== vmMemory) {
    vm?.terminate();
    vm = await createWorkerVm({
      memoryLimit: memoryMiB === undefined ? undefined : memoryMiB * 1024 * 1024,
      console: (level, text) => print(text, level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'log'),
    });
    vmMemory = memoryMiB;
    context = undefined;
  }
  return vm;
}

/** The context for the JSON box (a new one when it changes, or after a lost state). */
async function currentContext() {
  const source = ui.context.value;
  if (context === undefined || source !== contextSource) {
    const object = source.trim() === '' ? {} : JSON.parse(source);
    context = await vm.createContext(object);
    contextSource = source;
  }
  return context;
}

async function run() {
  if (running) return;
  setRunning(true);
  const started = performance.now();
  try {
    await currentVm();
    const ctx = await currentContext();
    const timeout = ui.timeout.value === '' ? undefined : Number(ui.timeout.value);
    const value = await vm.runInContext(ui.code.value, ctx, { timeout, filename: 'playground.js' });
    print(`← ${show(value)}`, 'result');
    ui.state.textContent = show(await ctx.read());
  } catch (error) {
    print(error instanceof Error ? `${error.stack ?? error}${error.code ? `\n  code: ${error.code}` : ''}` : `Uncaught ${show(error)}`, 'error');
    if (error?.code === 'ERR_VM_STATE_LOST') context = undefined;
    else if (context !== undefined) ui.state.textContent = show(await context.read().catch(() => undefined));
  } finally {
    print(`ran in ${(performance.now() - started).toFixed(1)} ms`, 'meta');
    setRunning(false);
  }
}

ui.run.addEventListener('click', run);
ui.stop.addEventListener('click', () => vm?.interrupt());
ui.reset.addEventListener('click', () => { context = undefined; ui.state.textContent = ''; print('(a new context on the next run)', 'meta'); });
ui.clear.addEventListener('click', () => { ui.output.textContent = ''; });
ui.code.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    run();
  } else if (event.key === 'Tab') {
    event.preventDefault();
    ui.code.setRangeText('  ', ui.code.selectionStart, ui.code.selectionEnd, 'end');
  }
});

const loadStart = performance.now();
await currentVm();
ui.status.textContent = `ready in ${(performance.now() - loadStart).toFixed(0)} ms · ${crossOriginIsolated ? 'Stop keeps the context (cross-origin isolated)' : 'Stop ends the Worker (not cross-origin isolated)'}`;
setRunning(false);
