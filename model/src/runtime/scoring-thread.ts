import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { DENSE_SIZE, FEATURE_SPEC } from "../features/spec.js";
import { INPUTS, OUTPUTS } from "../onnx/io-names.js";

export interface BatchScores {
  fieldProbs: Float32Array;
  docTypeProbs: Float32Array;
  /** The input buffers, handed back for the next batch (they were moved to the thread, not copied). */
  idx: Int32Array<ArrayBuffer>;
  dense: Float32Array<ArrayBuffer>;
}

export interface ScoringThreadOptions {
  intraOpThreads: number;
}

interface Reply {
  id: number;
  /** In the first reply: the thread's OS thread id, where the OS says it. */
  tid?: number;
  /** In the first reply: whether the session takes batches of any token width. */
  anyWidth?: boolean;
  error?: string;
  fieldProbs?: Float32Array;
  docTypeProbs?: Float32Array;
  idx?: Int32Array<ArrayBuffer>;
  dense?: Float32Array<ArrayBuffer>;
}

// onnxruntime-node runs a session on the calling thread (its async `run` only defers to the next
// turn of the event loop), so scoring on the main thread stalls featurization and page parsing.
// One worker thread owns the session and scores a batch while the main thread builds the next.
// The code is evaluated from a string so the same file works compiled and under the `source`
// condition (tests, tsx), where no .js sibling exists; it is CommonJS, as eval'd workers are.
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ort = require(workerData.ortPath);
const { dense: denseSize, docSlots, inputs, outputs } = workerData.spec;
const message = (err) => String((err && err.stack) || err);
// This thread's id in the operating system (Linux), so the worker can confine it to some CPUs.
let tid;
try {
  tid = Number(require("node:fs").readlinkSync("/proc/thread-self").split("/").pop()) || undefined;
} catch {
  tid = undefined;
}
let session;
// One request at a time, in arrival order; a close waits for the runs before it.
let queue = ort.InferenceSession.create(workerData.model, {
  intraOpNumThreads: workerData.intraOpThreads,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
  extra: { session: { intra_op: { allow_spinning: "0" } } },
}).then(
  (opened) => {
    session = opened;
    // Whether cand_idx's token dimension is symbolic: then a batch may be sent as narrow as its
    // widest row. Models exported up to docsift-kie 3.1.0 fix it at the full width.
    const candIdx = (session.inputMetadata || []).find((m) => m.name === inputs.candIdx);
    const anyWidth = Boolean(candIdx && candIdx.isTensor && typeof candIdx.shape[1] === "string");
    parentPort.postMessage({ id: 0, tid, anyWidth });
  },
  (err) => {
    parentPort.postMessage({ id: 0, error: message(err) });
    parentPort.close();
  },
);
async function score(m) {
  try {
    const n = Math.max(m.rows, 1);
    const out = await session.run({
      [inputs.candIdx]: new ort.Tensor("int32", m.idx.subarray(0, n * m.width), [n, m.width]),
      [inputs.candDense]: new ort.Tensor("float32", m.dense.subarray(0, n * denseSize), [n, denseSize]),
      [inputs.docIdx]: new ort.Tensor("int32", m.docBag, [1, docSlots]),
    });
    const fieldProbs = Float32Array.from(out[outputs.fieldProbs].data);
    const docTypeProbs = Float32Array.from(out[outputs.docTypeProbs].data);
    parentPort.postMessage({ id: m.id, fieldProbs, docTypeProbs, idx: m.idx, dense: m.dense }, [
      fieldProbs.buffer, docTypeProbs.buffer, m.idx.buffer, m.dense.buffer,
    ]);
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: message(err), idx: m.idx, dense: m.dense });
  }
}
// Ending the thread by closing its port, never by terminate(): killing a thread inside a native
// ONNX Runtime call aborts the whole process.
async function close() {
  await session.release().catch(() => undefined);
  parentPort.close();
}
parentPort.on("message", (m) => {
  queue = queue.then(() => (m.close ? close() : score(m)));
});
`;

const EMPTY_DOC = new Int32Array(FEATURE_SPEC.docSlots);

/**
 * An ONNX Runtime session on its own thread. Batches go in by transfer (no copy) and come back
 * with the scores; requests are answered in order. If the thread dies, pending and later
 * requests fail with its error until `close`.
 */
export class ScoringThread {
  private readonly worker: Worker;
  readonly #pending = new Map<number, { resolve(r: BatchScores): void; reject(e: Error): void }>();
  #nextId = 1;
  #failure: Error | undefined;
  #exited = false;
  #closing = false;

  #tid: number | undefined;
  #anyWidth = false;

  private constructor(worker: Worker) {
    this.worker = worker;
  }

  /** Starts the thread and waits until its session is open; a model ORT cannot load rejects. */
  static async start(model: Uint8Array, opts: ScoringThreadOptions): Promise<ScoringThread> {
    const ortPath = createRequire(import.meta.url).resolve("onnxruntime-node");
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        ortPath,
        model,
        intraOpThreads: opts.intraOpThreads,
        spec: {
          dense: DENSE_SIZE,
          docSlots: FEATURE_SPEC.docSlots,
          inputs: INPUTS,
          outputs: OUTPUTS,
        },
      },
    });
    const thread = new ScoringThread(worker);
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error): void => reject(err);
      worker.once("error", failed);
      worker.once("message", (m: Reply) => {
        worker.off("error", failed);
        // After a failed open the thread closes its port and ends by itself.
        if (m.error) reject(new Error(`ONNX Runtime could not open the model: ${m.error}`));
        else {
          thread.#tid = m.tid;
          thread.#anyWidth = m.anyWidth === true;
          resolve();
        }
      });
    });
    thread.#listen();
    // Like a session on the main thread, an idle scorer does not keep the process alive.
    worker.unref();
    return thread;
  }

  #listen(): void {
    this.worker.on("message", (m: Reply) => {
      const waiter = this.#pending.get(m.id);
      if (!waiter) return;
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) this.worker.unref();
      if (m.error) waiter.reject(new Error(`ONNX Runtime run failed: ${m.error}`));
      else
        waiter.resolve({
          fieldProbs: m.fieldProbs as Float32Array,
          docTypeProbs: m.docTypeProbs as Float32Array,
          idx: m.idx as Int32Array<ArrayBuffer>,
          dense: m.dense as Float32Array<ArrayBuffer>,
        });
    });
    const fail = (err: Error): void => {
      this.#failure ??= err;
      for (const waiter of this.#pending.values()) waiter.reject(this.#failure);
      this.#pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => {
      this.#exited = true;
      fail(new Error(`the scoring thread exited with code ${code}`));
    });
  }

  /**
   * Whether the model takes rows of any token width (its `cand_idx` slot dimension is symbolic,
   * as in every model exported since docsift-kie 4.0.0); otherwise only FEATURE_SPEC.slots.
   */
  get takesAnyWidth(): boolean {
    return this.#anyWidth;
  }

  /**
   * Scores the first `rows` rows, each `width` token ids wide in `idx` (only FEATURE_SPEC.slots
   * unless `takesAnyWidth`). `idx` and `dense`
   * move to the thread (they are unusable here until the promise hands them back); `docBag` is
   * copied.
   */
  score(
    idx: Int32Array<ArrayBuffer>,
    dense: Float32Array<ArrayBuffer>,
    rows: number,
    docBag: Int32Array = EMPTY_DOC,
    width: number = FEATURE_SPEC.slots,
  ): Promise<BatchScores> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<BatchScores>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // While a batch is out, the thread must keep the process alive: its answer is awaited.
      if (this.#pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, idx, dense, rows, width, docBag: docBag.slice() }, [
        idx.buffer,
        dense.buffer,
      ]);
    });
  }

  /** The thread's id in the operating system (Linux only), e.g. to confine it to some CPUs. */
  get tid(): number | undefined {
    return this.#tid;
  }

  /** Whether the thread has ended other than by `close` (a crash): it scores nothing more. */
  get failed(): boolean {
    return this.#exited && !this.#closing;
  }

  /** Lets the batches already sent finish, then releases the session and ends the thread. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#failure ??= new Error("the scoring thread is closed");
    if (this.#exited) return;
    const exited = new Promise((resolve) => this.worker.once("exit", resolve));
    this.worker.ref();
    this.worker.postMessage({ close: true });
    await exited;
  }
}
