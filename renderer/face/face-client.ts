/** Main-thread handle on the face worker: request/response with typed errors. */
import type { FaceRequest, FaceResponse, FaceWorkerMessage, FaceWorkerReply } from './face-protocol';

export class FaceWorkerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FaceWorkerError';
  }
}

type Pending = { resolve: (r: FaceResponse) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> };

/**
 * How long one request may take before the worker counts as wedged (ms). Generous: loading the
 * models is seconds on a slow CPU, a frame or a portrait well under one. A WASM or GPU graph that
 * stops answering (seen with the GPU delegate: docs/FACE.md) must become an error the screen can
 * show, not a face step that waits for the session timeout.
 */
export const REQUEST_TIMEOUT_MS: Record<FaceRequest['op'], number> = {
  init: 60_000,
  info: 10_000,
  enrol: 20_000,
  locate: 20_000,
  score: 60_000,
  setReference: 10_000,
  frame: 10_000,
  bench: 120_000,
  passive: 10_000,
  endSession: 10_000,
};

export class FaceClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: FaceWorkerError | undefined;

  constructor(private readonly worker: Worker) {
    worker.onmessage = (ev: MessageEvent<FaceWorkerReply>) => {
      const p = this.pending.get(ev.data.id);
      if (!p) return;
      this.pending.delete(ev.data.id);
      clearTimeout(p.timer);
      if (ev.data.ok) p.resolve(ev.data.response);
      else p.reject(new FaceWorkerError(ev.data.error.code, ev.data.error.message));
    };
    worker.onerror = (ev) => this.fail(new FaceWorkerError('worker-crashed', ev.message));
  }

  /** The worker is gone or wedged: every waiting request fails, and so does every later one. */
  private fail(error: FaceWorkerError): void {
    this.dead ??= error;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
  }

  static start(): FaceClient {
    return new FaceClient(new Worker(new URL('./face-worker.ts', import.meta.url), { type: 'module' }));
  }

  request<Op extends FaceRequest['op']>(request: Extract<FaceRequest, { op: Op }>, transfer: Transferable[] = []): Promise<Extract<FaceResponse, { op: Op }>> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const limit = REQUEST_TIMEOUT_MS[request.op];
      const timer = setTimeout(() => {
        // A request answered out of order would be a protocol bug; one not answered means the
        // worker is stuck, and everything queued behind it with it.
        this.worker.terminate();
        this.fail(new FaceWorkerError('worker-timeout', `face worker did not answer '${request.op}' within ${limit / 1000} s`));
      }, limit);
      this.pending.set(id, { resolve: resolve as (r: FaceResponse) => void, reject, timer });
      this.worker.postMessage({ id, request } satisfies FaceWorkerMessage, transfer);
    });
  }

  terminate(): void {
    this.worker.terminate();
    this.fail(new FaceWorkerError('worker-closed', 'face worker terminated'));
  }
}
