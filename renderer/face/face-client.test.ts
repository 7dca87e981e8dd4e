import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FaceClient, FaceWorkerError, REQUEST_TIMEOUT_MS } from './face-client';
import type { FaceWorkerMessage, FaceWorkerReply } from './face-protocol';

/** A worker stand-in: records what is posted; the test answers (or does not). */
class FakeWorker {
  onmessage: ((ev: MessageEvent<FaceWorkerReply>) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  posted: FaceWorkerMessage[] = [];
  terminated = false;
  postMessage(message: FaceWorkerMessage): void {
    this.posted.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(reply: FaceWorkerReply): void {
    this.onmessage?.({ data: reply } as MessageEvent<FaceWorkerReply>);
  }
}

describe('FaceClient', () => {
  let worker: FakeWorker;
  let client: FaceClient;
  beforeEach(() => {
    vi.useFakeTimers();
    worker = new FakeWorker();
    client = new FaceClient(worker as unknown as Worker);
  });
  afterEach(() => vi.useRealTimers());

  it('pairs replies with requests by id and turns worker errors into typed errors', async () => {
    const a = client.request({ op: 'setReference', handle: 'r' });
    const b = client.request({ op: 'passive' });
    worker.reply({ id: worker.posted[1]!.id, ok: false, error: { code: 'no-frames', message: 'nothing seen' } });
    worker.reply({ id: worker.posted[0]!.id, ok: true, response: { op: 'setReference', ok: true } });
    await expect(a).resolves.toEqual({ op: 'setReference', ok: true });
    await expect(b).rejects.toMatchObject({ code: 'no-frames' });
  });

  it('a worker that stops answering: the request fails as worker-timeout, the worker is ended, and so is everything after', async () => {
    const frame = client.request({ op: 'setReference', handle: 'r' });
    const queued = client.request({ op: 'passive' });
    const failed = expect(frame).rejects.toMatchObject({ code: 'worker-timeout' });
    const alsoFailed = expect(queued).rejects.toBeInstanceOf(FaceWorkerError);
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS.setReference - 1);
    expect(worker.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await failed;
    await alsoFailed;
    expect(worker.terminated).toBe(true);
    await expect(client.request({ op: 'info' })).rejects.toMatchObject({ code: 'worker-timeout' });
    // A late reply from the ended worker changes nothing.
    worker.reply({ id: worker.posted[0]!.id, ok: true, response: { op: 'setReference', ok: true } });
  });

  it('an answer in time clears the deadline', async () => {
    const r = client.request({ op: 'setReference', handle: 'r' });
    worker.reply({ id: worker.posted[0]!.id, ok: true, response: { op: 'setReference', ok: true } });
    await expect(r).resolves.toMatchObject({ ok: true });
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS.setReference * 2);
    expect(worker.terminated).toBe(false);
  });

  it('a crashed worker fails what waits, with its message', async () => {
    const r = client.request({ op: 'info' });
    worker.onerror?.({ message: 'RuntimeError: unreachable' } as ErrorEvent);
    await expect(r).rejects.toMatchObject({ code: 'worker-crashed', message: 'RuntimeError: unreachable' });
  });
});
