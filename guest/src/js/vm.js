// The `node:vm` API (https://nodejs.org/docs/latest-v20.x/api/vm.html) on
// top of the engine's primitives in `native`. Argument handling follows
// Node's lib/vm.js step for step, so validation order and error codes match.

const kDefaultFilename = 'evalmachine.<anonymous>';
const DONT_CONTEXTIFY = Symbol('vm_dont_contextify');
const USE_MAIN_CONTEXT_DEFAULT_LOADER = Symbol('vm_dynamic_import_main_context_default');
const kCachedDataMagic = [0x6a, 0x73, 0x76, 0x6d]; // "jsvm"
const kCachedDataVersion = 1;

/** Context records by context object (the sandbox, or the global for DONT_CONTEXTIFY). */
const contexts = new WeakMap();
/** Hidden per-Script state. */
const scriptState = new WeakMap();

/** "This context": the main realm, or a contextified view of the host's global (`useHostGlobal`). */
let mainRecord = { realm: native.mainRealm, global: globalThis, realGlobal: globalThis, SyntaxError, microtaskMode: undefined };
installStack(globalThis);

let defaultContextNameIndex = 1;

function isContext(object) {
  validateObject(object, 'object', { allowArray: true });
  return contexts.has(object);
}

/** The record of a context, or Node's error when it is none (lib/vm.js validateContext). */
function contextRecord(contextifiedObject) {
  if (!isContext(contextifiedObject)) throw ERR_INVALID_ARG_TYPE('contextifiedObject', 'vm.Context', contextifiedObject);
  return contexts.get(contextifiedObject);
}

function validateImportModuleDynamically(value, name) {
  if (value !== undefined && value !== USE_MAIN_CONTEXT_DEFAULT_LOADER) validateFunction(value, name);
}

/** `vm.createContext([contextObject[, options]])`. */
function createContext(contextObject = {}, options = {}) {
  // As in Node, `isContext` validates the argument (its name is "object").
  if (contextObject !== DONT_CONTEXTIFY && isContext(contextObject)) {
    return contextObject;
  }
  validateObject(options, 'options');
  const {
    name = `VM Context ${defaultContextNameIndex++}`,
    origin,
    codeGeneration,
    microtaskMode,
    importModuleDynamically,
  } = options;
  validateString(name, 'options.name');
  if (origin !== undefined) validateString(origin, 'options.origin');
  if (codeGeneration !== undefined) validateObject(codeGeneration, 'options.codeGeneration');
  let strings = true;
  let wasm = true;
  if (codeGeneration !== undefined) {
    ({ strings = true, wasm = true } = codeGeneration);
    validateBoolean(strings, 'options.codeGeneration.strings');
    validateBoolean(wasm, 'options.codeGeneration.wasm');
  }
  validateOneOf(microtaskMode, 'options.microtaskMode', ['afterEvaluate', undefined]);
  validateImportModuleDynamically(importModuleDynamically, 'options.importModuleDynamically');
  return makeContext(contextObject, { name, origin, strings, wasm, microtaskMode, importModuleDynamically });
}

/** Creates the realm behind a context and registers its context object. */
function makeContext(contextObject, settings) {
  const record = makeContextRecord(contextObject, settings);
  contexts.set(record.global, record);
  return record.global;
}

/**
 * Makes "this context" a contextified view of `hostGlobal`, the host's
 * global object, as a JavaScript host's `runInThisContext` needs: its code
 * reads and writes the host's global variables, and finds this guest's
 * built-ins (and `console`) for the names the host does not show. Like
 * Node's main context it is no `vm.Context`. Returns the realm's
 * `Error.prototype` and `Promise.prototype` (its errors and promises are
 * the node:vm layer's, as in Node) and its global.
 */
function useHostGlobal(hostGlobal) {
  const record = makeContextRecord(hostGlobal, { name: 'main', strings: true, wasm: true, microtaskMode: undefined },
    (realGlobal) => { realGlobal.console = globalThis.console; });
  mainRecord = record;
  return [record.errorPrototype, record.promisePrototype, record.realGlobal];
}

/**
 * Creates a context's realm and its record. A contextified realm's global
 * (guest/src/contextify.rs) starts ordinary: the built-ins, the layer's
 * shims and `ownGlobals(global)`'s definitions land on the global itself,
 * and only then does it begin to forward to `contextObject`.
 */
function makeContextRecord(contextObject, settings, ownGlobals) {
  // The record is the realm's referrer record too: `import()` in code with
  // no script (eval in a promise job) asks the context's callback.
  const record = { ...settings };
  const ownQueue = settings.microtaskMode === 'afterEvaluate';
  const contextified = contextObject !== DONT_CONTEXTIFY;
  const [realm, realGlobal, root] = native.createRealm(contextified, settings.strings, ownQueue, record);
  Object.assign(record, {
    realm, realGlobal, root, global: contextified ? contextObject : realGlobal,
    // The realm's own, whatever the context object shows under their names.
    SyntaxError: realGlobal.SyntaxError, errorPrototype: realGlobal.Error.prototype, promisePrototype: realGlobal.Promise.prototype,
  });
  record.referrer = record.global;
  realmsByRoot.set(record.root, record.realm);
  installRealmShims(record);
  ownGlobals?.(realGlobal);
  if (contextified) native.contextify(realGlobal, contextObject);
  return record;
}

/** Whether a main program (`jsvm run`, `Vm::run_main`) runs in the main realm. */
let mainIsProgram = false;

function mainProgramRuns() {
  mainIsProgram = true;
}

/**
 * The class of an error the layer throws back into running code (a missing
 * dynamic-import callback): `mainClass`, the main realm's, as Node makes
 * it, when a main program runs there (the main realm is the user's own);
 * otherwise the main realm is only the layer's, and the error is of
 * `importerClass`, the running code's realm: walking from it must not lead
 * into the realm that holds every context's record.
 */
function layerErrorClass(mainClass, importerClass) {
  return mainIsProgram || importerClass === undefined ? mainClass : importerClass;
}

/** Each context's realm box by its `Object.prototype`, where its objects' prototype chains end. */
const realmsByRoot = new WeakMap();

/**
 * The realm box of a context object's context, or of the context whose
 * `Object.prototype` is `root`; undefined for the main realm's objects.
 */
function realmOf(object, root) {
  return contexts.get(object)?.realm ?? realmsByRoot.get(root);
}

/**
 * Puts the layer's functions into a context: the `stack` accessor of
 * `Error.prototype` and the silent `console`, made natively in the
 * context's realm (guest/src/shims.rs), so that none of them, walked from
 * (`constructor`, `__proto__`), leads to the main realm. The accessor calls
 * the main realm's `stackOf`/`setStack` directly: no property of a
 * main-realm function is ever looked up where the context could have
 * replaced it.
 */
function installRealmShims(record) {
  const [accessor, silent] = native.realmShims(record.realm, stackOf, setStack, kConsoleMethods);
  installStack(record.realGlobal, accessor);
  Object.defineProperty(record.realGlobal, 'console', { value: silent, writable: true, enumerable: false, configurable: true });
}

/** The run options of a call that gives none. */
const kDefaultRunOptions = Object.freeze({ timeout: -1, displayErrors: true, breakOnSigint: false });

/** Options common to every run: `timeout`, `displayErrors`, `breakOnSigint`. */
function getRunOptions(options) {
  if (options === undefined) return kDefaultRunOptions;
  validateObject(options, 'options');
  const timeout = options.timeout;
  if (timeout !== undefined) validateUint32(timeout, 'options.timeout', true);
  const displayErrors = options.displayErrors;
  const breakOnSigint = options.breakOnSigint;
  if (timeout === undefined && displayErrors === undefined && breakOnSigint === undefined) return kDefaultRunOptions;
  if (displayErrors !== undefined) validateBoolean(displayErrors, 'options.displayErrors');
  if (breakOnSigint !== undefined) validateBoolean(breakOnSigint, 'options.breakOnSigint');
  return { timeout: timeout ?? -1, displayErrors: displayErrors ?? true, breakOnSigint: breakOnSigint ?? false };
}

/** `runInNewContext`'s context options, named `contextName` etc. */
function getContextOptions(options) {
  if (!options) return {};
  const contextOptions = {
    name: options.contextName,
    origin: options.contextOrigin,
    codeGeneration: undefined,
    microtaskMode: options.microtaskMode,
  };
  if (contextOptions.name !== undefined) validateString(contextOptions.name, 'options.contextName');
  if (contextOptions.origin !== undefined) validateString(contextOptions.origin, 'options.contextOrigin');
  if (options.contextCodeGeneration !== undefined) {
    validateObject(options.contextCodeGeneration, 'options.contextCodeGeneration');
    const { strings, wasm } = options.contextCodeGeneration;
    if (strings !== undefined) validateBoolean(strings, 'options.contextCodeGeneration.strings');
    if (wasm !== undefined) validateBoolean(wasm, 'options.contextCodeGeneration.wasm');
    contextOptions.codeGeneration = { strings, wasm };
  }
  if (options.microtaskMode !== undefined) validateString(options.microtaskMode, 'options.microtaskMode');
  return contextOptions;
}

/** The last `//# sourceMappingURL=` magic comment of a source, as V8 reads it. */
function findSourceMapURL(code) {
  if (!code.includes('sourceMappingURL=')) return undefined;
  let url;
  const re = /\/\/[#@][ \t]sourceMappingURL=([^\s'"]+)[ \t]*$/gm;
  for (let m = re.exec(code); m !== null; m = re.exec(code)) url = m[1];
  return url;
}

/** A stable 64-bit FNV-1a digest of strings, as 8 bytes. */
function digest(parts) {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ c ^ (h1 >>> 7), 0x5bd1e995) >>> 0;
    }
    h1 = Math.imul(h1 ^ 0xff, 0x01000193) >>> 0;
  }
  return [h1 >>> 24, (h1 >>> 16) & 255, (h1 >>> 8) & 255, h1 & 255, h2 >>> 24, (h2 >>> 16) & 255, (h2 >>> 8) & 255, h2 & 255];
}

/**
 * Boa has no bytecode cache, so "cached data" is an honest, versioned stamp:
 * magic, format version, engine version and a digest of the source and the
 * options that change compilation. It is accepted exactly when it matches.
 */
function makeCachedData(kind, code, params) {
  const engine = native.engineVersion;
  const bytes = [...kCachedDataMagic, kCachedDataVersion, engine.length];
  for (let i = 0; i < engine.length; i++) bytes.push(engine.charCodeAt(i) & 255);
  bytes.push(...digest([kind, code, ...params]));
  return new Uint8Array(bytes);
}

function cachedDataMatches(given, expected) {
  const view = new Uint8Array(given.buffer, given.byteOffset, given.byteLength);
  return view.length === expected.length && expected.every((b, i) => view[i] === b);
}

/**
 * Compiles (per context, once) and runs a script's code, and decorates what
 * it throws when `displayErrors` says so: the fast paths' own run
 * (guest/src/fast_run.rs), so both paths run scripts one way.
 */
function runScriptIn(state, record, runOptions) {
  return native.runScriptIn(state, record, runOptions.timeout, runOptions.breakOnSigint, runOptions.displayErrors);
}

class Script {
  constructor(code, options = {}) {
    code = `${code}`;
    if (typeof options === 'string') options = { filename: options };
    else validateObject(options, 'options');
    const {
      filename = kDefaultFilename,
      lineOffset = 0,
      columnOffset = 0,
      cachedData,
      produceCachedData = false,
      importModuleDynamically,
      [kParsingContext]: parsingContext = undefined,
    } = options;
    validateString(filename, 'options.filename');
    validateInt32(lineOffset, 'options.lineOffset');
    validateInt32(columnOffset, 'options.columnOffset');
    if (cachedData !== undefined) validateBuffer(cachedData, 'options.cachedData');
    validateBoolean(produceCachedData, 'options.produceCachedData');
    validateImportModuleDynamically(importModuleDynamically, 'options.importModuleDynamically');

    const record = parsingContext === undefined ? mainRecord : contexts.get(parsingContext);
    const problem = native.checkScript(code);
    if (problem !== null) {
      const [message, line, column] = problem;
      const error = new record.SyntaxError(message);
      decorateError(error, filename, code, lineOffset, { line: line + lineOffset, column });
      throw error;
    }
    const importRecord = { referrer: this, importModuleDynamically };
    // Compiled code by context realm, held no longer than the context.
    const state = { code, filename, lineOffset, columnOffset, compiled: new WeakMap(), importRecord };
    scriptState.set(this, state);
    if (cachedData !== undefined) {
      this.cachedDataRejected = !cachedDataMatches(cachedData, makeCachedData('script', code, []));
    }
    if (produceCachedData) {
      this.cachedData = makeCachedData('script', code, []);
      this.cachedDataProduced = true;
    }
    // Node always has the own property, `undefined` without a magic comment.
    this.sourceMapURL = findSourceMapURL(code);
  }

  runInThisContext(options) {
    const runOptions = getRunOptions(options);
    return runScriptIn(stateOf(this), mainRecord, runOptions);
  }

  runInContext(contextifiedObject, options) {
    const record = contextRecord(contextifiedObject);
    return runScriptIn(stateOf(this), record, getRunOptions(options));
  }

  runInNewContext(contextObject, options) {
    const context = createContext(contextObject, getContextOptions(options));
    return this.runInContext(context, options);
  }

  createCachedData() {
    return makeCachedData('script', stateOf(this).code, []);
  }
}

function stateOf(script) {
  const state = scriptState.get(script);
  // What V8 says when a native method of Node's ContextifyScript is called on another object.
  if (state === undefined) throw new TypeError('Illegal invocation');
  return state;
}

/** Internal option: the context a Script is compiled for (Node's kParsingContext). */
const kParsingContext = Symbol('script parsing context');

function createScript(code, options) {
  return new Script(code, options);
}

/**
 * Scripts that `runInContext`, `runInNewContext` and `runInThisContext`
 * made, by file name and source, most recent last: running the same source
 * again skips validation and, in a context it already ran in, compilation
 * (V8 caches compilations by source too). Only calls whose options change
 * nothing but the file name and the run are cached; at most
 * `kRunCacheSize` entries, the oldest dropped first. A script's compiled
 * code per context lives no longer than the context.
 */
const runCache = new Map();
const kRunCacheSize = 256;

/** The script state for `code` run with `options` (a copy the caller made). */
function runScriptState(code, options) {
  const cacheable = typeof code === 'string' && options.lineOffset === undefined && options.columnOffset === undefined
    && options.cachedData === undefined && options.produceCachedData === undefined
    && options.importModuleDynamically === undefined
    && (options.filename === undefined || typeof options.filename === 'string');
  if (!cacheable) return stateOf(createScript(code, options));
  const key = `${options.filename ?? kDefaultFilename}\n${code}`;
  let state = runCache.get(key);
  if (state === undefined) {
    state = stateOf(createScript(code, options));
    if (runCache.size >= kRunCacheSize) runCache.delete(runCache.keys().next().value);
    runCache.set(key, state);
  }
  return state;
}

function runInContext(code, contextifiedObject, options) {
  const record = contextRecord(contextifiedObject);
  if (typeof options === 'string') {
    options = { filename: options, [kParsingContext]: contextifiedObject };
  } else {
    options = { ...options, [kParsingContext]: contextifiedObject };
  }
  const state = runScriptState(code, options);
  return runScriptIn(state, record, getRunOptions(options));
}

function runInNewContext(code, contextObject, options) {
  if (typeof options === 'string') options = { filename: options };
  contextObject = createContext(contextObject, getContextOptions(options));
  options = { ...options, [kParsingContext]: contextObject };
  const state = runScriptState(code, options);
  return runScriptIn(state, contexts.get(contextObject), getRunOptions(options));
}

function runInThisContext(code, options) {
  if (typeof options === 'string') options = { filename: options };
  else if (options !== undefined) validateObject(options, 'options');
  options = { ...options };
  const state = runScriptState(code, options);
  return runScriptIn(state, mainRecord, getRunOptions(options));
}

/** `vm.compileFunction(code[, params[, options]])`. */
function compileFunction(code, params, options = {}) {
  validateString(code, 'code');
  if (params !== undefined) validateStringArray(params, 'params');
  validateObject(options, 'options');
  const {
    filename = '',
    columnOffset = 0,
    lineOffset = 0,
    cachedData = undefined,
    produceCachedData = false,
    parsingContext = undefined,
    contextExtensions = [],
    importModuleDynamically,
  } = options;
  validateString(filename, 'options.filename');
  validateInt32(columnOffset, 'options.columnOffset');
  validateInt32(lineOffset, 'options.lineOffset');
  if (cachedData !== undefined) validateBuffer(cachedData, 'options.cachedData');
  validateBoolean(produceCachedData, 'options.produceCachedData');
  if (parsingContext !== undefined) {
    if (typeof parsingContext !== 'object' || parsingContext === null || !contexts.has(parsingContext)) {
      throw ERR_INVALID_ARG_TYPE('options.parsingContext', 'Context', parsingContext);
    }
  }
  validateArray(contextExtensions, 'options.contextExtensions');
  contextExtensions.forEach((extension, i) => {
    validateObject(extension, `options.contextExtensions[${i}]`, { nullable: true });
  });
  validateImportModuleDynamically(importModuleDynamically, 'options.importModuleDynamically');

  const record = parsingContext === undefined ? mainRecord : contexts.get(parsingContext);
  const paramList = params ?? [];
  const importRecord = { referrer: undefined, importModuleDynamically };
  const fn = native.compileFunction(record.realm, code, paramList, filename, lineOffset, columnOffset,
    contextExtensions.filter((e) => e !== null), importRecord);
  importRecord.referrer = fn;
  const expected = makeCachedData('function', code, paramList);
  if (cachedData !== undefined) fn.cachedDataRejected = !cachedDataMatches(cachedData, expected);
  if (produceCachedData) {
    fn.cachedDataProduced = true;
    fn.cachedData = expected;
  }
  return fn;
}

function measureMemory(options = {}) {
  validateObject(options, 'options');
  const { mode = 'summary', execution = 'default' } = options;
  validateOneOf(mode, 'options.mode', ['summary', 'detailed']);
  validateOneOf(execution, 'options.execution', ['default', 'eager']);
  // As in V8, 'eager' collects garbage first, so the figure is what is
  // still reachable.
  if (execution === 'eager') native.gc();
  const used = native.memoryUsage();
  const result = { total: { jsMemoryEstimate: used, jsMemoryRange: [used, used] } };
  if (mode === 'detailed') {
    result.current = { jsMemoryEstimate: used, jsMemoryRange: [used, used] };
    result.other = [];
  }
  return Promise.resolve(result);
}

const constants = Object.freeze({ __proto__: null, DONT_CONTEXTIFY, USE_MAIN_CONTEXT_DEFAULT_LOADER });

/**
 * What the fast paths (guest/src/fast_run.rs) read: they run a Script, or
 * a source that ran before, in a context when no options need checking,
 * and call the functions here for everything else.
 */
const fast = {
  contexts, scriptState, runCache, decorateError, defaultFilename: kDefaultFilename,
  runInContext, scriptRunInContext: Script.prototype.runInContext,
};
Object.defineProperty(Script.prototype, 'runInContext', { value: native.fastScriptRunInContext(Script.prototype.runInContext) });

const vm = {
  Script,
  createContext,
  createScript,
  runInContext: native.fastRunInContext(runInContext),
  runInNewContext,
  runInThisContext,
  isContext,
  compileFunction,
  measureMemory,
  constants,
  Module,
  SourceTextModule,
  SyntheticModule,
};
