// What Node prints when an exception ends the main program
// (lib/internal/process/execution.js, with util.inspect for the value): the
// place it was thrown — `file:line`, the source line, a caret — then the
// value. Node's lines about itself (`Node.js v20…`, the `--trace-uncaught`
// hint, headers quoting its own internal sources) are not printed.

function isErrorObject(value) {
  return value !== null && typeof value === 'object'
    && (value instanceof Error || Object.prototype.toString.call(value) === '[object Error]');
}

/**
 * V8 marks a script's uncaught exception at its `throw` statement; the
 * engine reports the thrown expression, so step back over the keyword when
 * it precedes the expression on the same line.
 */
function throwColumn(source, line, column) {
  const text = sourceLine(source, line);
  if (text === undefined) return column;
  const keyword = /\bthrow\s*$/.exec(text.slice(0, Math.max(0, column - 1)));
  return keyword ? keyword.index + 1 : column;
}

/**
 * The report of `thrown` ending the program `filename` (`source`). `site`
 * is `[file, line, column]` where it was thrown, when the engine knows;
 * `rejection` says it was a promise rejection nobody handled.
 */
function uncaughtReport(thrown, site, filename, source, isModule, rejection) {
  if (rejection && !isErrorObject(thrown)) {
    const message = 'This error originated either by throwing inside of an async function without a catch block, '
      + 'or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason '
      + `"${noSideEffectsToString(thrown)}".`;
    return `UnhandledPromiseRejection: ${message} {\n  code: 'ERR_UNHANDLED_REJECTION'\n}`;
  }
  if (isErrorObject(thrown)) {
    // A script's error is shown where it was thrown; a module's, or a
    // rejection's, where it was created (as V8 reports them). `site` is
    // where the engine last threw it.
    let header;
    if (!isModule && !rejection && site !== undefined && site[0] === filename) {
      header = sourceHeader(filename, source, site[1], throwColumn(source, site[1], site[2]));
    } else {
      const where = topLocation(thrown);
      if (where !== undefined && where.file === filename) header = sourceHeader(filename, source, where.line, where.column);
    }
    // An error decorated by a run inside the program keeps that decoration.
    if (Object.prototype.hasOwnProperty.call(thrown, kDecoration)) header = undefined;
    return (header === undefined ? '' : `${header}\n`) + inspect(thrown);
  }
  let header = '';
  if (site !== undefined && site[0] === filename) {
    header = sourceHeader(filename, source, site[1], throwColumn(source, site[1], site[2])) ?? '';
  }
  return `\n${header}${thrownText(thrown)}`;
}

/**
 * A thrown value that is no error as Node prints it: objects inspected,
 * primitives as their string (a symbol, which has none, as nothing).
 */
function thrownText(thrown) {
  if ((typeof thrown === 'object' && thrown !== null) || typeof thrown === 'function') return inspect(thrown);
  return typeof thrown === 'symbol' ? '' : String(thrown);
}

/**
 * V8's description of a value that runs none of its code, as Node quotes a
 * rejection reason: a primitive's string, a function's source, an error's
 * `name: message`, `#<Foo>` for an object whose `toString` is
 * Object.prototype's, else its built-in tag (`[object Array]`).
 */
function noSideEffectsToString(value) {
  if (typeof value === 'symbol') return Symbol.prototype.toString.call(value);
  if (typeof value === 'function') return Function.prototype.toString.call(value);
  if (typeof value !== 'object' || value === null) return String(value);
  if (isErrorObject(value)) {
    const data = (key) => {
      for (let o = value; o !== null; o = Object.getPrototypeOf(o)) {
        const desc = Object.getOwnPropertyDescriptor(o, key);
        if (desc !== undefined) return 'value' in desc ? desc.value : undefined;
      }
      return undefined;
    };
    const name = data('name') === undefined ? 'Error' : String(data('name'));
    const message = data('message') === undefined ? '' : String(data('message'));
    return name === '' ? message : message === '' ? name : `${name}: ${message}`;
  }
  let holder = value;
  while (holder !== null && !Object.prototype.hasOwnProperty.call(holder, 'toString')) holder = Object.getPrototypeOf(holder);
  const toString = holder === null ? undefined : Object.getOwnPropertyDescriptor(holder, 'toString').value;
  if (toString === Object.prototype.toString || (typeof toString === 'function' && toString.name === 'toString'
    && Object.getPrototypeOf(holder) === null && Object.prototype.hasOwnProperty.call(holder, 'hasOwnProperty'))) {
    for (let o = value; o !== null; o = Object.getPrototypeOf(o)) {
      const desc = Object.getOwnPropertyDescriptor(o, 'constructor');
      if (desc !== undefined && typeof desc.value === 'function' && desc.value.name !== '') return `#<${desc.value.name}>`;
    }
  }
  return `[object ${Object.prototype.toString.call(value).slice(8, -1)}]`;
}

/** The report of the program's own SyntaxError: the offending token underlined. */
function syntaxReport(message, line, column, filename, source) {
  const text = sourceLine(source, line) ?? '';
  const token = /^[\w$]+/.exec(text.slice(Math.max(0, column - 1)));
  const header = sourceHeader(filename, source, line, column, token ? token[0].length : 1);
  return `${header === undefined ? '' : `${header}\n`}SyntaxError: ${message}`;
}
