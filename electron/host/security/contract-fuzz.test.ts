/**
 * The contract under random and malformed payloads: every channel, fed arbitrary values through
 * the real dispatcher and the real host handlers, answers with an envelope (a validation error
 * for anything the schema refuses) and never throws, hangs or brings the host down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { channelNames, contract } from '../../common/contract';
import { loadConfig } from '../config';
import { createDiagnostics } from '../diagnostics/diagnostics-handlers';
import { memoryLockoutStore } from '../diagnostics/diagnostics-gate';
import { hashTechnicianPin } from '../diagnostics/technician-pin';
import { createDispatcher, type Dispatch } from '../dispatcher';
import { createHostHandlers } from '../host-services';
import { createKioskRuntime, type KioskRuntime } from '../kiosk/kiosk-runtime';
import { fakeServices } from '../session/fakes';
import { createLogger } from '../logger';
import { BRIDGE_PROTOCOL, startWebHost, type WebHost } from '../web-host';

const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-fuzz-'));
let dispatch: Dispatch;
const unexpected: Array<{ error: unknown; channel: string }> = [];
let close = () => {};
let session: KioskRuntime | undefined;

beforeAll(async () => {
  const pinHash = await hashTechnicianPin('314159', { log2N: 10, r: 8, p: 1 });
  const config = loadConfig({ env: {}, overrides: { dataDir, diagnostics: { pinHash } } });
  const diagnostics = createDiagnostics({
    config,
    lockout: memoryLockoutStore(),
    sweepIntervalMs: 0,
    ports: { listDevices: async () => ({ serial: [], hid: [], errors: [] }) },
  });
  close = diagnostics.close;
  // The real session runtime and state machine, over the session layer's fake services.
  session = createKioskRuntime({ services: fakeServices().services, tickMs: 1000 });
  dispatch = createDispatcher(
    createHostHandlers({ config, shell: 'web', diagnostics, session }),
    (error, channel) => unexpected.push({ error, channel }),
  );
});
afterAll(() => {
  close();
  session?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Values that often break hand-written validation: prototypes, huge numbers, deep nesting, odd strings. */
const hostile = fc.oneof(
  fc.anything({ withBigInt: false, withObjectString: true, withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, maxDepth: 4 }),
  fc.constantFrom(
    undefined,
    null,
    '',
    '[]',
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    2 ** 53,
    JSON.parse('{"__proto__":{"polluted":true}}'),
    { constructor: { prototype: { polluted: true } } },
    'x'.repeat(100_000),
    '\u0000\uD800',
  ),
);
const argsLike = fc.oneof(hostile, fc.array(hostile, { maxLength: 4 }));

function isEnvelope(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const envelope = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (envelope.ok === true) return 'value' in envelope;
  return envelope.ok === false && typeof envelope.error?.code === 'string' && typeof envelope.error.message === 'string';
}

describe('contract fuzzing through the real dispatcher and host handlers', () => {
  for (const name of channelNames) {
    const spec = contract[name];
    it(`${spec.channel}: arbitrary payloads get an envelope; refused arguments get invalid-arguments`, async () => {
      await fc.assert(
        fc.asyncProperty(argsLike, async (rawArgs) => {
          const envelope = await dispatch(spec.channel, rawArgs);
          expect(isEnvelope(envelope)).toBe(true);
          if (!spec.args.safeParse(rawArgs).success) {
            expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
          }
        }),
        { numRuns: 60 },
      );
    });
  }

  it('unknown and non-string channel names are refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), hostile), argsLike, async (wire, rawArgs) => {
        if (typeof wire === 'string' && channelNames.some((n) => contract[n].channel === wire)) return;
        const envelope = await dispatch(wire as string, rawArgs);
        expect(envelope).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
      }),
      { numRuns: 200 },
    );
  });

  it('well-formed diagnostics calls without a session token are refused, not crashed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), async (token) => {
        const envelope = await dispatch('diagnostics:configuration', [token]);
        expect(envelope).toMatchObject({ ok: false, error: { code: 'diagnostics-session-required' } });
      }),
      { numRuns: 50 },
    );
  });

  it('no handler threw an unexpected error or produced an invalid result', () => {
    expect(unexpected).toEqual([]);
  });
});

describe('the web host bridge under malformed frames', () => {
  let host: WebHost;
  const rendererDir = mkdtempSync(join(tmpdir(), 'kiosk-fuzz-renderer-'));
  beforeAll(async () => {
    host = await startWebHost({ dispatch, rendererDir, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await host.close();
    rmSync(rendererDir, { recursive: true, force: true });
  });

  it('answers every frame with an envelope and keeps the connection open', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/bridge`, [BRIDGE_PROTOCOL, `secret.${host.secret}`], { origin: host.origin });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const answers: unknown[] = [];
    ws.on('message', (data) => answers.push(JSON.parse(data.toString())));
    const frames = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.json(),
        fc.record({ id: fc.integer(), channel: fc.constantFrom(...channelNames.map((n) => contract[n].channel)), args: fc.anything({ maxDepth: 3 }) }).map((m) => JSON.stringify(m)),
      ),
      { numRuns: 150, seed: 20260 },
    );
    for (const frame of frames) ws.send(frame);
    const deadline = Date.now() + 10_000;
    while (answers.length < frames.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(answers).toHaveLength(frames.length);
    for (const answer of answers) expect(isEnvelope((answer as { envelope?: unknown }).envelope)).toBe(true);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
