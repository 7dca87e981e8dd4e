/**
 * Diagnostics ports from the kiosk's store runtime (electron/host/session/kiosk-runtime): the
 * real audit log, outbox, terminal identity and authority client. The shells call this with the
 * runtime their composition opened.
 */
import { z } from 'zod';
import { CLOCK_SKEW_ALLOWANCE_S } from '../authority-client/client';
import { enroll, readIdentity } from '../identity/enrollment';
import type { CardReader } from '../../../hardware/ccid/ccid-reader';
import type { KioskRuntime as StoreRuntime } from '../session/kiosk-runtime';
import type { DiagnosticsPolicy, DiagnosticsPorts } from './ports';

/** The cached session policy as the authority sent it (authority-protocol.md §1), loosely read. */
const CachedPolicy = z.object({
  policy_version: z.string(),
  target_fmr: z.number().optional(),
  matchers: z.array(z.object({ name: z.string(), version: z.string(), threshold: z.number() })).default([]),
});

export function cachedPolicy(runtime: Pick<StoreRuntime, 'cache'>): DiagnosticsPolicy | null {
  const cached = runtime.cache.get<unknown>('session-policy');
  const parsed = CachedPolicy.safeParse(cached?.value);
  if (!parsed.success) return null;
  return {
    policyVersion: parsed.data.policy_version,
    targetFmr: parsed.data.target_fmr ?? null,
    matchers: parsed.data.matchers.map(({ name, version, threshold }) => ({ name, version, threshold })),
  };
}

/** `GET /v1/time` without a terminal identity (before enrollment), for reachability and skew. */
async function unauthenticatedSkew(authorityUrl: string, fetchImpl: typeof fetch): Promise<{ skewSeconds: number; withinAllowance: boolean }> {
  const url = new URL('v1/time', authorityUrl.endsWith('/') ? authorityUrl : `${authorityUrl}/`);
  const before = Date.now();
  const response = await fetchImpl(url, { signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' } });
  const after = Date.now();
  if (!response.ok) throw Object.assign(new Error(`GET /v1/time answered ${response.status}`), { code: 'authority-error' });
  const { now } = z.object({ now: z.number() }).parse(await response.json());
  const skewSeconds = Math.round((now * 1000 + 500 - (before + after) / 2) / 1000);
  return { skewSeconds, withinAllowance: Math.abs(skewSeconds) <= CLOCK_SKEW_ALLOWANCE_S };
}

export interface KioskPortsOptions {
  authorityUrl: string;
  /** The kiosk's shared reader: the test uses it and leaves it open (the kiosk keeps using it). */
  cardReader?: () => Promise<CardReader>;
  fetch?: typeof fetch;
}

export function diagnosticsPortsFor(runtime: StoreRuntime, options: KioskPortsOptions): DiagnosticsPorts {
  const fetchImpl = options.fetch ?? fetch;
  const outbox = runtime.outbox;
  const cardReader = options.cardReader;
  return {
    ...(cardReader ? { openReader: async () => ({ reader: await cardReader(), close: async () => {} }) } : {}),
    audit: runtime.audit,
    ...(outbox ? { outbox: { list: (state) => outbox.list(state), makeDue: () => outbox.makeDue(), wake: () => outbox.wake() } } : {}),
    authority: {
      url: options.authorityUrl,
      enrollment: () => {
        const identity = readIdentity(runtime.store);
        return identity ? { terminalId: identity.terminalId, authorityId: identity.authorityId } : null;
      },
      measureClockSkew: () => (runtime.client ? runtime.client.measureClockSkew() : unauthenticatedSkew(options.authorityUrl, fetchImpl)),
      enroll: async (enrollmentToken, name) => {
        const identity = await enroll({ authorityUrl: options.authorityUrl, enrollmentToken, name, key: runtime.key, store: runtime.store, fetch: fetchImpl });
        return { terminalId: identity.terminalId, authorityId: identity.authorityId };
      },
    },
    policy: () => cachedPolicy(runtime),
  };
}
