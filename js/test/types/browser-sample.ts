// The browser entry's exports, typed as a page would use them.
import vm, { createContext, runInContext, createWorkerVm } from 'jsvm/browser';
import type { WorkerVm, WorkerContext, WorkerScript } from 'jsvm/browser';

const sandbox = createContext({ n: 1 });
const direct: unknown = runInContext('n + 1', sandbox, { timeout: 50 });
const viaDefault: unknown = vm.runInNewContext('1');

async function worker(): Promise<void> {
  const wvm: WorkerVm = await createWorkerVm({ memoryLimit: 32 << 20, stopGraceMs: 500, console: (level, text) => void [level, text] });
  const ctx: WorkerContext = await wvm.createContext({ a: 1 });
  const value: unknown = await wvm.runInContext('a + 1', ctx, { timeout: 100 });
  const script: WorkerScript = await wvm.createScript('a', { filename: 's.js' });
  const again: unknown = await script.runInContext(ctx);
  const copy: Record<string, unknown> = await ctx.read();
  const keeps: boolean = wvm.interruptKeepsState;
  wvm.interrupt();
  wvm.terminate();
  void [value, again, copy, keeps];
}
export { direct, viaDefault, worker };
