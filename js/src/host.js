// The `jsvm:vm/host` imports for JavaScript hosts: console output, host
// objects (functions registered with `registerHostFunction`) and the run
// limits, answered from the wall clock and an interrupt flag (there is no
// fuel or epoch under jco).

const functions = [];

/** Registers a JS function the guest can call; returns its host handle. */
export function registerHostFunction(fn) {
  functions.push(fn);
  return functions.length - 1;
}

export function console(level, text) {
  const out = level === 'warn' || level === 'error' ? globalThis.console.error : globalThis.console.log;
  out(text);
}

export function call(target, _this, args) {
  const fn = functions[target];
  if (typeof fn !== 'function') {
    throw { name: 'ReferenceError', message: `host object ${target} does not exist`, stack: '', code: undefined, thrown: { tag: 'undefined' } };
  }
  return fn(...args);
}

export function get(_target, _key) {
  return { tag: 'undefined' };
}

export function set(_target, _key, _value) {
  return false;
}

export function dropHostObject(_target) {}

// --- limits: `timeout` and interrupts, measured with performance.now() ---

const scopes = [];
let nextScope = 1;
let interruptRequested = false;
let pending;

/** Asks the running guest code to stop (ERR_SCRIPT_EXECUTION_INTERRUPTED). */
export function requestInterrupt() {
  interruptRequested = true;
}

/** Ends a host call: forgets a stop of the whole call that was reported. */
export function endCall() {
  scopes.length = 0;
  pending = undefined;
}

export function enterRun(timeoutMs, _breakOnSigint) {
  const id = nextScope++;
  scopes.push({ id, start: performance.now(), timeoutMs });
  return id;
}

export function leaveRun(id) {
  while (scopes.length > 0 && scopes[scopes.length - 1].id >= id) scopes.pop();
  if (pending !== undefined && pending.scope >= id) pending = undefined;
}

export function checkpoint() {
  if (pending !== undefined) return pending;
  if (interruptRequested) {
    interruptRequested = false;
    pending = { scope: 0, reason: 'interrupted' };
    return pending;
  }
  const now = performance.now();
  const expired = scopes.find((s) => s.timeoutMs !== undefined && s.timeoutMs !== null && now - s.start > s.timeoutMs);
  if (expired !== undefined) pending = { scope: expired.id, reason: 'timeout' };
  return pending;
}

// --- the default module loader ---

let moduleSource;

/**
 * Lets the guest's default loader read modules: `source(id)` returns the
 * text of the module `id` (a root-relative path such as `/lib/x.mjs`) or
 * undefined when there is none. Without it every such import fails.
 */
export function setModuleSource(source) {
  moduleSource = source;
}

function loaderError(code, message) {
  return { name: 'Error', message, stack: `Error [${code}]: ${message}`, code, thrown: { tag: 'undefined' } };
}

export function loadModule(referrer, specifier) {
  if (specifier.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(specifier)) {
    throw loaderError('ERR_ACCESS_DENIED', `Access to '${specifier}' is denied: absolute paths and URLs are outside the module root`);
  }
  const relative = specifier.startsWith('./') || specifier.startsWith('../');
  const parts = relative && referrer ? referrer.split('/').filter(Boolean).slice(0, -1) : [];
  for (const part of specifier.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.pop() === undefined) {
        throw loaderError('ERR_ACCESS_DENIED', `Access to '${specifier}' is denied: it climbs above the module root`);
      }
    } else {
      parts.push(part);
    }
  }
  const id = `/${parts.join('/')}`;
  const source = moduleSource?.(id);
  if (typeof source !== 'string') {
    throw loaderError('ERR_MODULE_NOT_FOUND', `Cannot find module '${id}'${referrer ? ` imported from ${referrer}` : ''}`);
  }
  return { id, source };
}
