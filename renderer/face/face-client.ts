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

type Pending = { resolve: (r: FaceResponse) => void; reject: (e: Error) => void };

export class FaceClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly worker: Worker) {
    worker.onmessage = (ev: MessageEvent<FaceWorkerReply>) => {
      const p = this.pending.get(ev.data.id);
      if (!p) return;
      this.pending.delete(ev.data.id);
      if (ev.data.ok) p.resolve(ev.data.response);
      else p.reject(new FaceWorkerError(ev.data.error.code, ev.data.error.message));
    };
    worker.onerror = (ev) => {
      for (const p of this.pending.values()) p.reject(new FaceWorkerError('worker-crashed', ev.message));
      this.pending.clear();
    };
  }

  static start(): FaceClient {
    return new FaceClient(new Worker(new URL('./face-worker.ts', import.meta.url), { type: 'module' }));
  }

  request<Op extends FaceRequest['op']>(request: Extract<FaceRequest, { op: Op }>, transfer: Transferable[] = []): Promise<Extract<FaceResponse, { op: Op }>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: FaceResponse) => void, reject });
      this.worker.postMessage({ id, request } satisfies FaceWorkerMessage, transfer);
    });
  }

  terminate(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new FaceWorkerError('worker-closed', 'face worker terminated'));
    this.pending.clear();
  }
}
