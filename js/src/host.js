// The `jsvm:vm/host` imports for JavaScript hosts: console output, host
// objects (functions registered with `registerHostFunction`) and the stop
// check, answered from the wall clock and an interrupt flag (there is no
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

export function checkpoint() {
  return 'continue';
}
