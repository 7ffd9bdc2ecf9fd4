// Every export of the package, typed as a node:vm user would write it.
import vm, {
  Script, Module, SourceTextModule, SyntheticModule, createContext, createScript, runInContext, runInNewContext,
  runInThisContext, isContext, compileFunction, measureMemory, constants, interrupt, interruptFlag, createVm,
} from 'jsvm';
import type { Vm } from 'jsvm';

const sandbox: vm.Context = createContext({ n: 1 });
const ok: boolean = isContext(sandbox);
const n: unknown = runInContext('n + 1', sandbox, { timeout: 50, breakOnSigint: false, filename: 'x.js' });
const fresh: unknown = runInNewContext('1', {}, { contextName: 'c', microtaskMode: 'afterEvaluate' });
const here: unknown = runInThisContext('1', { displayErrors: true });
const script: Script = new Script('1', { filename: 's.js', produceCachedData: true });
script.runInContext(sandbox);
script.runInNewContext({});
const data: Buffer = script.createCachedData();
const rejected: boolean | undefined = script.cachedDataRejected;
const url: string | undefined = script.sourceMapURL;
const legacy: Script = createScript('2');
const fn: Function = compileFunction('return a', ['a'], { parsingContext: sandbox, contextExtensions: [{}] });
const memory: Promise<vm.MemoryMeasurement> = measureMemory({ mode: 'summary' });
const plain: vm.Context = createContext(constants.DONT_CONTEXTIFY);
const loader: typeof constants.USE_MAIN_CONTEXT_DEFAULT_LOADER = constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
const mod: SourceTextModule = new SourceTextModule('export default 1', { context: sandbox, identifier: 'm' });
const synthetic: SyntheticModule = new SyntheticModule(['x'], function () { this.setExport('x', 1); });
const anyModule: Module = synthetic;
async function link(): Promise<void> {
  await mod.link(async () => synthetic);
  await mod.evaluate({ timeout: 10 });
}
interrupt();
const flag: Int32Array | undefined = interruptFlag;
const own: Vm = createVm({ memoryLimit: 64 * 1024 * 1024 });
const ownResult: unknown = own.runInContext('1', own.createContext({}));
own.interrupt();
export { own, ownResult, ok, n, fresh, here, data, rejected, url, legacy, fn, memory, plain, loader, anyModule, link, flag };
