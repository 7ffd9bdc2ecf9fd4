// Node-style `error.stack` for every realm: Boa's own getter yields only the
// `    at fn (file:line:col)` frames; Node's stack starts with the
// `Name: message` header, may be decorated with the source line where a
// script threw (displayErrors), and shows top-level frames as `at file:l:c`.

/** Own symbol holding a header that replaces `Name: message` (coded errors). */
const kStackHeader = Symbol('jsvm.stackHeader');
/** Own symbol holding the host's frames of an error a host function threw (`hostError`). */
const kHostFrames = Symbol('jsvm.hostFrames');
/** Own symbol holding the `file:line\nsource\n^\n` decoration, once set. */
const kDecoration = Symbol('jsvm.decoration');

function errorHeader(error) {
  if (Object.prototype.hasOwnProperty.call(error, kStackHeader)) return error[kStackHeader];
  let name;
  let message;
  try { name = error.name; } catch { name = undefined; }
  try { message = error.message; } catch { message = undefined; }
  name = name === undefined ? 'Error' : `${name}`;
  message = message === undefined ? '' : `${message}`;
  if (name === '') return message;
  if (message === '') return name;
  return `${name}: ${message}`;
}

/**
 * The file of `jsvm run`'s main script: Node runs it inside a CommonJS
 * wrapper, so its top-level frames read `at Object.<anonymous> (file:l:c)`.
 */
let mainScriptFile;

function setMainScript(filename) {
  mainScriptFile = filename;
}

/**
 * Boa's frames as V8 prints them: top-level code (Boa's `<main> (file:l:c)`)
 * as `file:l:c`; no frame for code without a source position (a derived
 * class's implicit constructor) or for the engine's nameless natives. The
 * run path's own frames are dropped, so a run through the layer reads as
 * one through the fast path (guest/src/fast_run.rs), whose only frame is
 * `runInContext (native)`.
 */
function nodeFrames(frames) {
  return frames
    .split('\n')
    .filter((line) => line !== '' && !/^\s+at (codedError|hostError|apply|construct|get|set) \(node:internal\/vm:/.test(line)
      && !/^\s+at host\w+ \(native\)$/.test(line)
      && !/^\s+at (runScriptIn|runInContext|runInNewContext|runInThisContext) \(node:internal\/vm:/.test(line)
      && !/^\s+at runScriptIn \(native\)$/.test(line)
      && !/:\?:\?\)$/.test(line) && !/^\s+at\s+\(native\)$/.test(line))
    .map((line) => line.replace(/^(\s+at )<main> \((.*)\)$/, (_, at, where) => (
      mainScriptFile !== undefined && where.startsWith(`${mainScriptFile}:`) ? `${at}Object.<anonymous> (${where})` : `${at}${where}`)))
    .join('\n');
}

/** Boa's own `stack` accessor of each realm's `Error.prototype`, by that prototype. */
const boaStackAccessors = new WeakMap();

/** The Boa accessor behind `error`'s `stack`: of its realm, found along its prototype chain. */
function boaStackAccessor(error) {
  for (let o = error; o !== null; o = Object.getPrototypeOf(o)) {
    const found = boaStackAccessors.get(o);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The Node-style `stack` of `error` (the accessor's getter, with `this` passed in). */
function stackOf(error) {
  const boa = boaStackAccessor(error);
  // Reflect.apply, not `boa.get.call`: the context may have replaced its
  // realm's Function.prototype.call.
  const frames = boa === undefined ? undefined : Reflect.apply(boa.get, error, []);
  if (typeof frames !== 'string') return undefined;
  let body = nodeFrames(frames);
  if (Object.prototype.hasOwnProperty.call(error, kHostFrames)) body = body === '' ? error[kHostFrames] : `${error[kHostFrames]}\n${body}`;
  const text = body === '' ? errorHeader(error) : `${errorHeader(error)}\n${body}`;
  const decoration = Object.prototype.hasOwnProperty.call(error, kDecoration) ? error[kDecoration] : '';
  return decoration + text;
}

/** The accessor's setter, with `this` passed in. */
function setStack(error, value) {
  const boa = boaStackAccessor(error);
  if (boa !== undefined) Reflect.apply(boa.set, error, [value]);
}

/**
 * Replaces `Error.prototype.stack` of one realm (given its real global) by a
 * Node-style accessor built on Boa's own: `accessor` holds its `get` and
 * `set`, made in that realm (`installRealmShims`); the main realm's are
 * its own.
 */
function installStack(realGlobal, accessor = { get() { return stackOf(this); }, set(value) { setStack(this, value); } }) {
  const proto = realGlobal.Error.prototype;
  const original = Object.getOwnPropertyDescriptor(proto, 'stack');
  if (!original || typeof original.get !== 'function') return;
  boaStackAccessors.set(proto, { get: original.get, set: original.set });
  Object.defineProperty(proto, 'stack', { configurable: true, enumerable: false, get: accessor.get, set: accessor.set });
}

/** The first `file:line:col` location in an error's frames, if any. */
function topLocation(error) {
  let stack;
  try { stack = error.stack; } catch { return undefined; }
  if (typeof stack !== 'string') return undefined;
  const m = /\(?([^\s()]+):(\d+):(\d+)\)?$/m.exec(stack.split('\n').slice(1).join('\n'));
  return m ? { file: m[1], line: Number(m[2]), column: Number(m[3]) } : undefined;
}

/**
 * Line `line` (1-based) of `source`, split at \r\n, \n or \r as V8 counts
 * lines; undefined past the last. Found with indexOf: a RegExp split costs
 * time quadratic in the length of a line under Boa.
 */
function sourceLine(source, line) {
  if (!(line >= 1)) return undefined;
  const hasCR = source.indexOf('\r') >= 0;
  let start = 0;
  for (let n = 1; ; n++) {
    let end = start;
    if (hasCR) {
      while (end < source.length && source[end] !== '\n' && source[end] !== '\r') end++;
    } else {
      end = source.indexOf('\n', start);
      if (end < 0) end = source.length;
    }
    if (n === line) return source.slice(start, end);
    if (end >= source.length) return undefined;
    start = source[end] === '\r' && source[end + 1] === '\n' ? end + 2 : end + 1;
  }
}

/**
 * The `file:line`, source line and caret lines Node prints above an error
 * (without the blank line that follows them), for a 1-based `line` of
 * `source` and a 1-based `column`; `marks` carets (at least one, none past
 * the end of the line). The header shows `shownLine` (the line with the
 * script's lineOffset). Undefined when the line is not in the source.
 */
function sourceHeader(filename, source, line, column, marks = 1, shownLine = line) {
  const text = sourceLine(source, line);
  if (text === undefined) return undefined;
  const start = Math.max(0, column - 1);
  // Past the end of the line (input ended early), V8 marks nothing.
  const caret = ' '.repeat(start) + '^'.repeat(start >= text.length ? 0 : marks);
  return `${filename}:${shownLine}\n${text}\n${caret}\n`;
}

/**
 * Node's displayErrors decoration: `file:line`, the source line and a caret
 * in front of the stack of an error that escaped a script. Applied once.
 */
function decorateError(error, filename, source, lineOffset, location) {
  if (error === null || (typeof error !== 'object' && typeof error !== 'function')) return;
  if (Object.prototype.hasOwnProperty.call(error, kDecoration)) return;
  const where = location ?? topLocation(error);
  if (!where || (location === undefined && where.file !== filename)) return;
  const line = where.line - lineOffset;
  const text = sourceLine(source, line);
  if (text === undefined) return;
  // A SyntaxError (its location given) underlines the whole offending
  // token, as V8 does; a runtime error gets one caret.
  const token = location === undefined ? null : /^[\w$]+/.exec(text.slice(Math.max(0, where.column - 1)));
  const header = sourceHeader(filename, source, line, where.column, token ? token[0].length : 1, where.line);
  try {
    Object.defineProperty(error, kDecoration, {
      value: `${header}\n`,
      configurable: true,
    });
  } catch {
    // A frozen error keeps its plain stack.
  }
}
