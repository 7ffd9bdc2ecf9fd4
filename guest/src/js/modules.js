// `vm.Module`, `vm.SourceTextModule` and `vm.SyntheticModule`
// (https://nodejs.org/docs/latest-v20.x/api/vm.html#class-vmmodule), after
// Node's lib/internal/vm/module.js: the linker runs here, in JavaScript,
// and records which module answers each request; the engine then loads the
// graph from those records (guest/src/modules.rs) and links it.
//
// The engine tracks status and evaluation errors; what Node adds on top
// (the `linking` status while the linker runs, and a linker's failure
// making the module `errored`) is tracked here.

/** Per-module state, by the Module object. */
const moduleStates = new WeakMap();
/** The module behind a namespace object handed out by `module.namespace`. */
const namespaceModules = new WeakMap();
const kNoError = Symbol('kNoError');
let mainModuleCounter = 0;

function ERR_VM_MODULE_STATUS(message) {
  return codedError(Error, 'ERR_VM_MODULE_STATUS', `Module status ${message}`);
}

function moduleState(module, className = 'Module') {
  const state = moduleStates.get(module);
  if (state === undefined) throw codedError(TypeError, 'ERR_INVALID_THIS', `Value of "this" must be of type ${className}`);
  return state;
}

/** A request's key: its specifier and its attributes, in key order. */
function requestKey(specifier, attributes) {
  const keys = Object.keys(attributes).sort();
  return JSON.stringify([specifier, ...keys.map((k) => [k, attributes[k]])]);
}

/**
 * The engine's status of a module, and `evaluating` while a synthetic
 * module's callback runs (the engine keeps it `linked` then; evaluating it
 * again from inside would re-enter the callback).
 */
function engineStatus(state) {
  return state.evaluating ? 'evaluating' : native.moduleStatus(state.handle);
}

class Module {
  constructor(options) {
    if (new.target === Module) {
      throw new TypeError('Module is not a constructor');
    }
    // Subclasses call `setupModule`; nothing reaches here from outside.
  }

  get identifier() {
    return moduleState(this).identifier;
  }

  get context() {
    return moduleState(this).contextObject;
  }

  get status() {
    return engineStatus(moduleState(this));
  }

  get error() {
    const state = moduleState(this);
    if (engineStatus(state) !== 'errored') throw ERR_VM_MODULE_STATUS('must be errored');
    if (state.stopError !== undefined) return state.stopError;
    return native.moduleError(state.handle);
  }

  get namespace() {
    const state = moduleState(this);
    const status = engineStatus(state);
    if (status === 'unlinked' || status === 'linking') throw ERR_VM_MODULE_STATUS('must not be unlinked or linking');
    const namespace = native.moduleNamespace(state.handle);
    namespaceModules.set(namespace, this);
    return namespace;
  }

  async link(linker) {
    const state = moduleState(this);
    validateFunction(linker, 'linker');
    if (this.status === 'linked') throw codedError(Error, 'ERR_VM_MODULE_ALREADY_LINKED', 'Module has already been linked');
    if (this.status !== 'unlinked') throw ERR_VM_MODULE_STATUS('must be unlinked');
    await state.link(linker);
    native.moduleLink(state.handle);
  }

  async evaluate(options = {}) {
    const state = moduleState(this);
    validateObject(options, 'options');
    let timeout = options.timeout;
    if (timeout === undefined) timeout = -1;
    else validateUint32(timeout, 'options.timeout', true);
    const { breakOnSigint = false } = options;
    validateBoolean(breakOnSigint, 'options.breakOnSigint');
    const status = engineStatus(state);
    if (status !== 'linked' && status !== 'evaluated' && status !== 'errored') {
      throw ERR_VM_MODULE_STATUS('must be one of linked, evaluated, or errored');
    }
    const record = state.record;
    let promise;
    try {
      promise = native.moduleEvaluate(state.handle, record.realm, timeout, breakOnSigint, record.microtaskMode === 'afterEvaluate');
    } catch (error) {
      // A stop (timeout, SIGINT) leaves the module errored with an error the
      // engine cannot show; Node's error stands for it.
      if (engineStatus(state) === 'errored') state.stopError = error;
      throw error;
    }
    await promise;
  }
}

/** Registers a new module's state; `identifier` defaults per context. */
function setupModule(module, options, makeHandle) {
  const { context, identifier } = options;
  let record = mainRecord;
  if (context !== undefined) {
    validateObject(context, 'options.context', { allowArray: true });
    if (!contexts.has(context)) throw ERR_INVALID_ARG_TYPE('options.context', 'vm.Context', context);
    record = contexts.get(context);
  }
  let name = identifier;
  if (name !== undefined) {
    validateString(name, 'options.identifier');
  } else if (record === mainRecord) {
    name = `vm:module(${mainModuleCounter++})`;
  } else {
    record.moduleCounter = (record.moduleCounter ?? 0) + 1;
    name = `vm:module(${record.moduleCounter - 1})`;
  }
  const state = {
    identifier: name,
    contextObject: context,
    record,
    error: kNoError,
    stopError: undefined,
    evaluating: false,
    statusOverride: undefined,
    handle: undefined,
    link: async () => {},
  };
  moduleStates.set(module, state);
  state.handle = makeHandle(state);
  return state;
}

class SourceTextModule extends Module {
  constructor(sourceText, options = {}) {
    validateString(sourceText, 'sourceText');
    validateObject(options, 'options');
    const {
      lineOffset = 0,
      columnOffset = 0,
      initializeImportMeta,
      importModuleDynamically,
      cachedData,
    } = options;
    validateInt32(lineOffset, 'options.lineOffset');
    validateInt32(columnOffset, 'options.columnOffset');
    if (initializeImportMeta !== undefined) validateFunction(initializeImportMeta, 'options.initializeImportMeta');
    if (importModuleDynamically !== undefined) validateFunction(importModuleDynamically, 'options.importModuleDynamically');
    if (cachedData !== undefined && !isArrayBufferView(cachedData)) {
      throw ERR_INVALID_ARG_TYPE('options.cachedData', ['Buffer', 'TypedArray', 'DataView'], cachedData);
    }
    super(options);
    const module = this;
    const state = setupModule(this, options, (state) => {
      // The record the engine hands back to the loader hooks below.
      state.referrer = { referrer: module, linked: new Map(), importModuleDynamically, initializeImportMeta };
      try {
        return native.moduleParse(state.record.realm, sourceText, state.identifier, lineOffset, columnOffset, state.referrer);
      } catch (error) {
        // Boa appends the position to the message; V8 does not.
        if (error instanceof state.record.SyntaxError) {
          error.message = error.message.replace(/ at line \d+, col \d+$/, '');
        }
        throw error;
      }
    });
    state.sourceText = sourceText;
    state.requests = native.moduleRequests(state.handle);
    state.link = (linker) => linkSourceText(module, state, linker);
    if (cachedData !== undefined && !cachedDataMatches(cachedData, makeCachedData('module', sourceText, []))) {
      throw codedError(Error, 'ERR_VM_MODULE_CACHED_DATA_REJECTED', 'cachedData buffer was rejected');
    }
  }

  get dependencySpecifiers() {
    const state = moduleState(this, 'SourceTextModule');
    state.dependencySpecifiers ??= state.requests.map(([specifier]) => specifier)
      .filter((s, i, all) => all.indexOf(s) === i);
    return state.dependencySpecifiers;
  }

  // Node's additions to the engine's view: `linking` while the linker
  // runs, and `errored` (with the linker's error) after it failed.
  get status() {
    const state = moduleState(this, 'SourceTextModule');
    if (state.error !== kNoError) return 'errored';
    if (state.statusOverride !== undefined) return state.statusOverride;
    return super.status;
  }

  get error() {
    const state = moduleState(this, 'SourceTextModule');
    if (state.error !== kNoError) return state.error;
    return super.error;
  }

  createCachedData() {
    const state = moduleState(this, 'SourceTextModule');
    const { status } = this;
    if (status === 'evaluating' || status === 'evaluated' || status === 'errored') {
      throw codedError(Error, 'ERR_VM_MODULE_CANNOT_CREATE_CACHED_DATA', 'Cached data cannot be created for a module which has been evaluated');
    }
    return makeCachedData('module', state.sourceText, []);
  }
}

/**
 * Node's kLink: asks the linker for every request at once, links the
 * unlinked modules it returns in turn, and records the answers.
 */
async function linkSourceText(module, state, linker) {
  state.statusOverride = 'linking';
  const answers = state.requests.map(async ([specifier, attributes]) => {
    const dependency = await linker(specifier, module, { attributes, assert: attributes });
    const dependencyState = moduleStates.get(dependency ?? {});
    if (dependencyState === undefined) {
      throw codedError(Error, 'ERR_VM_MODULE_NOT_MODULE', 'Provided module is not an instance of Module');
    }
    if (dependencyState.record !== state.record) {
      throw codedError(Error, 'ERR_VM_MODULE_DIFFERENT_CONTEXT', 'Linked modules must use the same context');
    }
    if (dependency.status === 'errored') {
      const error = codedError(Error, 'ERR_VM_MODULE_LINK_FAILURE', `request for '${specifier}' resolved to an errored module`);
      error.cause = dependency.error;
      throw error;
    }
    if (dependency.status === 'unlinked') await dependencyState.link(linker);
    state.referrer.linked.set(requestKey(specifier, attributes), dependencyState.handle);
  });
  try {
    await Promise.all(answers);
  } catch (error) {
    state.error = error;
    throw error;
  } finally {
    state.statusOverride = undefined;
  }
}

class SyntheticModule extends Module {
  constructor(exportNames, evaluateCallback, options = {}) {
    if (!Array.isArray(exportNames) || exportNames.some((e) => typeof e !== 'string')) {
      throw ERR_INVALID_ARG_TYPE('exportNames', 'Array of unique strings', exportNames);
    }
    exportNames.forEach((name, i) => {
      if (exportNames.indexOf(name, i + 1) !== -1) {
        throw ERR_INVALID_ARG_VALUE(`exportNames.${name}`, name, 'is duplicated');
      }
    });
    validateFunction(evaluateCallback, 'evaluateCallback');
    validateObject(options, 'options');
    super(options);
    const module = this;
    setupModule(this, options, (state) => {
      function steps() {
        state.evaluating = true;
        try {
          return Reflect.apply(evaluateCallback, module, []);
        } finally {
          state.evaluating = false;
        }
      }
      return native.moduleSynthetic(state.record.realm, exportNames, steps, this, state.identifier);
    });
  }

  setExport(name, value) {
    const state = moduleState(this, 'SyntheticModule');
    validateString(name, 'name');
    const status = engineStatus(state);
    if (status === 'unlinked' || status === 'linking') throw ERR_VM_MODULE_STATUS('must be linked');
    native.moduleSetExport(state.handle, name, value);
  }
}

/** The module a dynamic-import callback answered with, checked as Node does. */
function dynamicImportAnswer(answer) {
  const module = namespaceModules.get(answer) ?? answer;
  const state = moduleStates.get(module ?? {});
  if (state === undefined) {
    throw codedError(Error, 'ERR_VM_MODULE_NOT_MODULE', 'Provided module is not an instance of Module');
  }
  if (module.status === 'errored') throw module.error;
  module.namespace; // ERR_VM_MODULE_STATUS while unlinked or linking
  if (module.status === 'evaluating') throw ERR_VM_MODULE_STATUS('must not be evaluating');
  return state.handle;
}

/** What the engine's loader and the WIT exports call (guest/src/modules.rs, component.rs). */
const moduleHooks = {
  /** The host's explicit link step: `links` is `[[referrer, specifier, target], ...]`. */
  linkFromList(module, links) {
    return module.link((specifier, referrer) => {
      const found = links.find(([r, s]) => r === referrer && s === specifier);
      if (found === undefined) {
        throw codedError(Error, 'ERR_VM_MODULE_LINK_FAILURE',
          `request for '${specifier}' from ${referrer.identifier} was not answered by the host`);
      }
      return found[2];
    });
  },

  /** A static import of a linked `vm` module: the module `link()` recorded. */
  resolveStatic(record, specifier, attributes) {
    const handle = record.linked.get(requestKey(specifier, attributes));
    if (handle === undefined) {
      throw codedError(Error, 'ERR_VM_MODULE_LINK_FAILURE', `request for '${specifier}' is not linked`);
    }
    return handle;
  },

  /** `import()`: the referrer's callback (a promise of a module), or null for the default loader. */
  importDynamic(record, specifier, attributes, importerTypeError) {
    const callback = record.importModuleDynamically;
    if (callback === USE_MAIN_CONTEXT_DEFAULT_LOADER) return null;
    if (callback === undefined) {
      throw codedError(layerErrorClass(TypeError, importerTypeError), 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING',
        'A dynamic import callback was not specified.');
    }
    return (async () => dynamicImportAnswer(await callback(specifier, record.referrer, attributes)))();
  },

  /** The first use of `import.meta` in a module with an initializer. */
  initializeImportMeta(record, meta) {
    if (record.initializeImportMeta !== undefined) record.initializeImportMeta(meta, record.referrer);
  },
};
