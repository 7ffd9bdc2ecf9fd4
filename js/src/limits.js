// The run limits of a VM under a JavaScript host: the guest's `enter-run`,
// `leave-run` and `checkpoint` imports, answered from `performance.now()`
// and an interrupt flag (there is no fuel or epoch under jco). A stop is
// cooperative: the guest asks at its checkpoints and unwinds with Node's
// error, and the context keeps its state.

export class Limits {
  #scopes = [];
  #nextScope = 1;
  #pending;
  #interruptRequested = false;
  /** Set by `interrupt()` from another thread, when shared memory exists. */
  #sharedFlag;

  /**
   * @param {SharedArrayBuffer} [sharedBuffer] the flag's memory, when
   *   another agent made it (a page that runs this VM in a Worker)
   */
  constructor(sharedBuffer) {
    if (sharedBuffer !== undefined) this.#sharedFlag = new Int32Array(sharedBuffer, 0, 1);
    else if (typeof SharedArrayBuffer === 'function') this.#sharedFlag = new Int32Array(new SharedArrayBuffer(4));
  }

  /** The flag another agent (a Worker) sets to interrupt: `Atomics.store(flag, 0, 1)`. */
  get interruptFlag() {
    return this.#sharedFlag;
  }

  /** Asks the running guest code to stop (ERR_SCRIPT_EXECUTION_INTERRUPTED). */
  interrupt() {
    this.#interruptRequested = true;
  }

  /** A host call ends: forget its scopes and any stop it did not claim. */
  endCall() {
    this.#scopes.length = 0;
    this.#pending = undefined;
  }

  /** The guest's `enter-run`: a run with a timeout (ms) or breakOnSigint starts. */
  enterRun(timeoutMs, _breakOnSigint) {
    const id = this.#nextScope++;
    this.#scopes.push({ id, start: performance.now(), timeoutMs });
    return id;
  }

  /** The guest's `leave-run`: the run `id` and the runs inside it ended. */
  leaveRun(id) {
    while (this.#scopes.length > 0 && this.#scopes[this.#scopes.length - 1].id >= id) this.#scopes.pop();
    if (this.#pending !== undefined && this.#pending.scope >= id) this.#pending = undefined;
  }

  /** The guest's `checkpoint`: the stop it must unwind for, if any. */
  checkpoint() {
    if (this.#pending !== undefined) return this.#pending;
    const shared = this.#sharedFlag !== undefined && Atomics.exchange(this.#sharedFlag, 0, 0) !== 0;
    if (this.#interruptRequested || shared) {
      this.#interruptRequested = false;
      this.#pending = { scope: 0, reason: 'interrupted' };
      return this.#pending;
    }
    if (this.#scopes.length === 0) return undefined;
    const now = performance.now();
    const expired = this.#scopes.find((s) => s.timeoutMs != null && now - s.start > s.timeoutMs);
    if (expired !== undefined) this.#pending = { scope: expired.id, reason: 'timeout' };
    return this.#pending;
  }
}
