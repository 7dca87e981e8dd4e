import { describe, expect, it, vi } from 'vitest';
import { createDispatcher, HostError, type HostHandlers } from './dispatcher';
import { unavailableSessionHandlers } from './kiosk/unavailable';
import { closedDiagnosticsHandlers } from './diagnostics/diagnostics-handlers';

const devices = { serial: [], hid: [], errors: [], configuredReader: 'sim:genuine' };
const info = { name: 'k', version: '1.0.0', shell: 'web' as const, platform: 'linux-x64', defaultLocale: 'en' as const };

function handlers(overrides: Partial<HostHandlers> = {}): HostHandlers {
  return { appInfo: async () => info, listDevices: async () => devices, ...unavailableSessionHandlers(), ...closedDiagnosticsHandlers(), ...overrides };
}

describe('createDispatcher', () => {
  it('routes a wire channel to its handler and validates the result', async () => {
    const dispatch = createDispatcher(handlers());
    await expect(dispatch('app:info', [])).resolves.toEqual({ ok: true, value: info });
  });

  it('refuses unknown channels and malformed arguments without calling a handler', async () => {
    const appInfo = vi.fn(async () => info);
    const dispatch = createDispatcher(handlers({ appInfo }));
    expect(await dispatch('app:nope', [])).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(await dispatch('app:info', ['extra'])).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    expect(await dispatch('app:info', 'not-a-tuple')).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    expect(appInfo).not.toHaveBeenCalled();
  });

  it('never lets an invalid result reach the renderer', async () => {
    const onUnexpected = vi.fn();
    const dispatch = createDispatcher(handlers({ appInfo: async () => ({ ...info, shell: 'other' }) as never }), onUnexpected);
    expect(await dispatch('app:info', [])).toMatchObject({ ok: false, error: { code: 'invalid-result' } });
    expect(onUnexpected).toHaveBeenCalledOnce();
  });

  it('keeps the code of a HostError and hides the details of any other failure', async () => {
    const dispatch = createDispatcher(
      handlers({
        appInfo: async () => {
          throw new HostError('reader-unplugged', 'The card reader was unplugged.');
        },
        listDevices: async () => {
          throw new Error('secret internal detail /dev/ttyUSB0');
        },
      }),
    );
    expect(await dispatch('app:info', [])).toEqual({ ok: false, error: { code: 'reader-unplugged', message: 'The card reader was unplugged.' } });
    const failed = await dispatch('devices:list', []);
    expect(failed).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(failed)).not.toContain('secret internal detail');
  });
});
