import type { HeartbeatStatus } from './protocol';

export interface HeartbeatOptions {
  client: { heartbeat(status: HeartbeatStatus): Promise<void> };
  /** Current device and queue status; no personal data (§4). */
  status(): HeartbeatStatus;
  intervalMs?: number;
  signal: AbortSignal;
  /** A failed heartbeat is reported and the loop carries on. */
  onError?(error: unknown): void;
}

/** `POST /v1/terminals/{id}/heartbeat` every `intervalMs` (default 60 s) until `signal` aborts. */
export async function runHeartbeat(options: HeartbeatOptions): Promise<void> {
  const interval = options.intervalMs ?? 60_000;
  while (!options.signal.aborted) {
    try {
      await options.client.heartbeat(options.status());
    } catch (error) {
      options.onError?.(error);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, interval);
      function done() {
        clearTimeout(timer);
        options.signal.removeEventListener('abort', done);
        resolve();
      }
      options.signal.addEventListener('abort', done, { once: true });
    });
  }
}
