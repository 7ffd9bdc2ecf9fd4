// Node-style `error.stack` for every realm: Boa's own getter yields only the
// `    at fn (file:line:col)` frames; Node's stack starts with the
// `Name: message` header, may be decorated with the source line where a
// script threw (displayErrors), and shows top-level frames as `at file:l:c`.

/** Own symbol holding a header that replaces `Name: message` (coded errors). */
const kStackHeader = Symbol('jsvm.stackHeader');
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

/** Boa prints top-level code as `<main> (file:l:c)`; Node prints `file:l:c`. */
function nodeFrames(frames) {
  return frames
    .split('\n')
    .filter((line) => line !== '' && !/^\s+at (codedError|hostError) \(node:internal\/vm:/.test(line))
    .map((line) => line.replace(/^(\s+at )<main> \((.*)\)$/, '$1$2'))
    .join('\n');
}

/**
 * Replaces `Error.prototype.stack` of one realm (given its real global) by a
 * Node-style accessor built on Boa's own.
 */
function installStack(realGlobal) {
  const proto = realGlobal.Error.prototype;
  const original = Object.getOwnPropertyDescriptor(proto, 'stack');
  if (!original || typeof original.get !== 'function') return;
  const boaGet = original.get;
  const boaSet = original.set;
  Object.defineProperty(proto, 'stack', {
    configurable: true,
    enumerable: false,
    get() {
      const frames = boaGet.call(this);
      if (frames === undefined) return undefined;
      const body = nodeFrames(frames);
      const text = body === '' ? errorHeader(this) : `${errorHeader(this)}\n${body}`;
      const decoration = Object.prototype.hasOwnProperty.call(this, kDecoration) ? this[kDecoration] : '';
      return decoration + text;
    },
    set(value) {
      boaSet.call(this, value);
    },
  });
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
 * Node's displayErrors decoration: `file:line`, the source line and a caret
 * in front of the stack of an error that escaped a script. Applied once.
 */
function decorateError(error, filename, source, lineOffset, location) {
  if (error === null || (typeof error !== 'object' && typeof error !== 'function')) return;
  if (Object.prototype.hasOwnProperty.call(error, kDecoration)) return;
  const where = location ?? topLocation(error);
  if (!where || (location === undefined && where.file !== filename)) return;
  const line = where.line - lineOffset;
  const lines = source.split(/\r\n|\n|\r/);
  const text = lines[line - 1];
  if (text === undefined) return;
  // A SyntaxError (its location given) underlines the whole offending
  // token, as V8 does; a runtime error gets one caret.
  const start = Math.max(0, where.column - 1);
  const token = location === undefined ? null : /^[\w$]+/.exec(text.slice(start));
  // Past the end of the line (input ended early), V8 marks nothing.
  const marks = start >= text.length ? 0 : token ? token[0].length : 1;
  const caret = ' '.repeat(start) + '^'.repeat(marks);
  try {
    Object.defineProperty(error, kDecoration, {
      value: `${filename}:${where.line}\n${text}\n${caret}\n\n`,
      configurable: true,
    });
  } catch {
    // A frozen error keeps its plain stack.
  }
}
