import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '../../fixtures/sim/pty-pair';
import { classifyOpenError } from './errors';
import { SerialTransport } from './serial-transport';

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

function nextEvent(transport: SerialTransport, event: 'unplugged' | 'reconnected'): Promise<void> {
  return new Promise((resolve) => transport.once(event, () => resolve()));
}

describe('SerialTransport on a real pty', () => {
  it('carries bytes both ways', async () => {
    const pty = await openPtyPair();
    cleanup.push(() => pty.close());
    const host = await SerialTransport.open({ path: pty.hostPath, baudRate: 500000 });
    const device = await SerialTransport.open({ path: pty.devicePath, baudRate: 500000 });
    cleanup.push(() => host.close(), () => device.close());
    const got = new Promise<Uint8Array>((resolve) => device.once('data', resolve));
    await host.write(Uint8Array.of(1, 2, 3));
    expect([...(await got)]).toEqual([1, 2, 3]);
  });

  it('reports busy when the port is already open, and not-found for a missing path', async () => {
    const pty = await openPtyPair();
    cleanup.push(() => pty.close());
    const first = await SerialTransport.open({ path: pty.hostPath });
    cleanup.push(() => first.close());
    await expect(SerialTransport.open({ path: pty.hostPath })).rejects.toMatchObject({ code: 'busy' });
    await expect(SerialTransport.open({ path: '/dev/ttyNOPE9' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('detects the unplug and reconnects with backoff when the device returns', async () => {
    const link = join(tmpdir(), `kiosk-pty-${randomUUID()}`);
    let pty: PtyPair = await openPtyPair({ hostLink: link });
    cleanup.push(() => pty.close());
    const host = await SerialTransport.open({
      path: link,
      reconnect: { initialDelayMs: 20, maxDelayMs: 80, maxAttempts: Infinity },
    });
    cleanup.push(() => host.close());
    const unplugged = nextEvent(host, 'unplugged');
    await pty.close();
    await unplugged;
    expect(host.isOpen).toBe(false);
    await expect(host.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'unplugged' });
    const reconnected = nextEvent(host, 'reconnected');
    pty = await openPtyPair({ hostLink: link });
    await reconnected;
    const device = await SerialTransport.open({ path: pty.devicePath });
    cleanup.push(() => device.close());
    const got = new Promise<Uint8Array>((resolve) => device.once('data', resolve));
    await host.write(Uint8Array.of(9));
    expect([...(await got)]).toEqual([9]);
  });

  it('classifies OS open errors into typed errors', () => {
    const err = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(classifyOpenError('/dev/x', err('EACCES', 'Permission denied')).code).toBe('permission-denied');
    expect(classifyOpenError('/dev/x', err('ENOENT', 'No such file')).code).toBe('not-found');
    expect(classifyOpenError('/dev/x', new Error('Error Resource temporarily unavailable Cannot lock port')).code).toBe('busy');
    expect(classifyOpenError('/dev/x', new Error('weird')).code).toBe('open-failed');
  });
});
