import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScreenState } from '../../common/session-state';
import { fakeServices } from '../session/fakes';
import { createKioskRuntime, type KioskRuntime } from './kiosk-runtime';

let runtime: KioskRuntime | undefined;
afterEach(() => {
  runtime?.stop();
  runtime = undefined;
  vi.useRealTimers();
});

describe('kiosk runtime', () => {
  it('publishes contract-valid screen states and turns named calls into machine events', async () => {
    vi.useFakeTimers();
    const { services } = fakeServices();
    runtime = createKioskRuntime({ services, tickMs: 1000 });
    const seen: string[] = [];
    runtime.subscribe((state) => seen.push(state.screen));
    expect(runtime.screen()).toMatchObject({ screen: 'attract', idleSecondsLeft: null });
    await runtime.handlers.sessionStart();
    expect(runtime.screen().screen).toBe('consent');
    expect(ScreenState.safeParse(runtime.screen()).success).toBe(true);
    await runtime.handlers.sessionCancel();
    expect(runtime.screen().screen).toBe('attract');
    expect(seen).toEqual(['consent', 'attract']);
  });

  it('shows the inactivity countdown in the last seconds of the screen timeout, and a touch restarts it', async () => {
    vi.useFakeTimers();
    const { services } = fakeServices();
    runtime = createKioskRuntime({ services, machine: { timeouts: { consent: 20_000 } }, warnMs: 5_000, tickMs: 1000 });
    await runtime.handlers.sessionStart();
    await vi.advanceTimersByTimeAsync(14_000);
    expect(runtime.screen().idleSecondsLeft).toBeNull();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(runtime.screen().idleSecondsLeft).toBe(4);
    await runtime.handlers.sessionActivity();
    expect(runtime.screen()).toMatchObject({ screen: 'consent', idleSecondsLeft: null });
    await vi.advanceTimersByTimeAsync(21_000);
    expect(runtime.screen()).toMatchObject({ screen: 'attract', idleSecondsLeft: null });
  });

  it('hands out the chip portrait only during the face step', async () => {
    const { services } = fakeServices();
    runtime = createKioskRuntime({ services });
    await expect(runtime.handlers.sessionFaceReference()).rejects.toMatchObject({ code: 'not-available' });
  });
});
