/**
 * Outbox drain rate after an outage: queue N decided upgrades while the authority is down, bring
 * it back, and time how long the outbox takes to deliver them all (receipts verified).
 *
 *   npx tsx scripts/bench-outbox.ts [--target stub|reference] [--count 1000] [--concurrency 1,4] [--runs 3]
 *
 * `stub` (default): the kiosk's in-process stub authority (electron/host/authority-client/stub-authority.ts),
 * which checks request tokens and attestation signatures like the protocol says; the outage is
 * dropped connections. `reference`: the reference authority (authority/server.ts, via its test
 * harness: real terminal auth, idempotency and steps 1–7 with its fake document check); the
 * outage is its 503 `unavailable` fault; sessions are bound by the citizen-app simulator.
 */
import { parseArgs } from 'node:util';
import { enroll } from '../electron/host/identity/enrollment';
import { openKioskRuntime } from '../electron/host/session/kiosk-runtime';
import { queueDecidedUpgrade } from '../electron/host/attestation/attestation';
import { startStubAuthority } from '../electron/host/authority-client/stub-authority';
import { openKiosk, registerKiosk } from '../electron/host/outbox/test-harness';
import { scratchDirectory } from '../electron/host/store/test-support';

const { values } = parseArgs({
  options: { target: { type: 'string', default: 'stub' }, count: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '1,4' }, runs: { type: 'string', default: '3' } },
});
const count = Number(values.count);
const runs = Number(values.runs);
const concurrencies = String(values.concurrency).split(',').map(Number);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

async function oneRun(concurrency: number): Promise<{ queueMs: number; drainMs: number; requests: number }> {
  const stub = await startStubAuthority();
  const dir = scratchDirectory('bench-outbox-');
  try {
    const reg = await registerKiosk(stub, dir.path);
    const kiosk = await openKiosk({ dataDir: dir.path, ...reg, concurrency, backoff: { baseMs: 1000, maxMs: 60_000 } });
    stub.setFaults(() => 'drop');
    const t0 = performance.now();
    for (let i = 0; i < count; i += 1) await kiosk.queue(stub.createBoundSession(reg.terminalId));
    const queueMs = performance.now() - t0;
    // The outage: one failed round, every entry now backed off.
    await kiosk.outbox.drainDue();
    stub.setFaults(() => 'none');
    const requestsBefore = stub.counters.upgradeRequests;
    kiosk.outbox.makeDue();
    const t1 = performance.now();
    while (kiosk.outbox.depth() > 0) await kiosk.outbox.drainDue();
    const drainMs = performance.now() - t1;
    if (stub.counters.accepted.size !== count) throw new Error(`delivered ${stub.counters.accepted.size} of ${count}`);
    kiosk.close();
    return { queueMs, drainMs, requests: stub.counters.upgradeRequests - requestsBefore };
  } finally {
    await stub.close();
    dir.remove();
  }
}

async function oneReferenceRun(concurrency: number): Promise<{ queueMs: number; drainMs: number; requests: number }> {
  const { startTestAuthority, icaoDoc, TEST_MATCHER } = await import('../authority/testing/harness');
  const { CitizenApp } = await import('../fixtures/citizen-app/citizen-app');
  const t = await startTestAuthority();
  const dir = scratchDirectory('bench-outbox-ref-');
  try {
    const first = await openKioskRuntime({ dataDir: dir.path });
    await enroll({ authorityUrl: t.baseUrl, enrollmentToken: t.authority.store.issueEnrollmentToken(0), name: 'bench', key: first.key, store: first.store });
    first.close();
    const kiosk = await openKioskRuntime({ dataDir: dir.path, backoff: { baseMs: 1000, maxMs: 60_000 } });
    const { client, outbox, identity } = kiosk;
    if (!client || !outbox || !identity) throw new Error('not enrolled');
    await client.measureClockSkew();
    const now = () => Math.round(client.authorityNow() * 1000);
    const app = new CitizenApp(t.baseUrl, await t.newCitizenKey());
    const t0 = performance.now();
    for (let i = 0; i < count; i += 1) {
      const session = await client.openSession();
      await app.bind(session.qr, Math.floor(t.clock.now / 1000));
      await queueDecidedUpgrade(
        {
          terminalId: identity.terminalId,
          authorityId: identity.authorityId,
          session: { session_id: session.session_id, nonce: session.nonce, policy_version: session.policy.policy_version, submit_by: session.submit_by },
          sw: { name: 'id-upgrade-kiosk', version: '0.1.0', build: 'bench' },
          doc: icaoDoc(session) as never,
          bio: {
            matcher: { name: TEST_MATCHER.name, version: TEST_MATCHER.version, model_sha256: TEST_MATCHER.model_sha256 },
            score: 0.9,
            threshold: TEST_MATCHER.threshold,
            target_fmr: session.policy.target_fmr,
            decision: 'match',
            liveness: { method: 'bench', result: 'live', score: 0.99 },
            capture: { frames: 10, camera: 'bench' },
          },
          consent: { text_version: 'bench', at: new Date(now()).toISOString() },
        },
        { store: kiosk.store, audit: kiosk.audit, key: kiosk.key, now, sealer: kiosk.sealer },
      );
    }
    const queueMs = performance.now() - t0;
    t.authority.faults.unavailableRetryAfter = 0;
    await outbox.drainDue();
    t.authority.faults.unavailableRetryAfter = null;
    outbox.makeDue();
    const { Outbox } = await import('../electron/host/outbox/outbox');
    const draining = new Outbox({ store: kiosk.store, audit: kiosk.audit, submitter: client, now, concurrency, sealer: kiosk.sealer });
    const t1 = performance.now();
    while (draining.depth() > 0) {
      const { attempted } = await draining.drainDue();
      if (attempted === 0) await new Promise((r) => setTimeout(r, 10));
    }
    const drainMs = performance.now() - t1;
    const delivered = draining.list('delivered').length;
    if (delivered !== count) throw new Error(`delivered ${delivered} of ${count}: ${JSON.stringify(draining.list().find((e) => e.state !== 'delivered'))}`);
    kiosk.close();
    return { queueMs, drainMs, requests: count };
  } finally {
    await t.close();
    dir.remove();
  }
}

const target = String(values.target);
if (target !== 'stub' && target !== 'reference') throw new Error('--target is stub or reference');
console.log(`outbox drain after an outage (${target} authority): ${count} queued attestations, ${runs} runs per setting, node ${process.version}`);
const results: Array<{ concurrency: number; rate: number }> = [];
for (const concurrency of concurrencies) {
  const drains: number[] = [];
  const queues: number[] = [];
  for (let r = 0; r < runs; r += 1) {
    const { queueMs, drainMs } = target === 'stub' ? await oneRun(concurrency) : await oneReferenceRun(concurrency);
    drains.push(drainMs);
    queues.push(queueMs);
  }
  const rate = (count / median(drains)) * 1000;
  results.push({ concurrency, rate });
  console.log(
    `concurrency ${String(concurrency).padStart(2)}: drain median ${median(drains).toFixed(0)} ms → ${rate.toFixed(0)} attestations/s` +
      ` (queueing: ${((count / median(queues)) * 1000).toFixed(0)} decisions/s)`,
  );
}
const base = results[0];
if (base) for (const r of results.slice(1)) console.log(`ratio concurrency ${r.concurrency} / ${base.concurrency}: ${(r.rate / base.rate).toFixed(2)}×`);
