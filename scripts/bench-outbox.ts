/**
 * Outbox drain rate after an outage: queue N decided upgrades while the authority is down, bring
 * it back, and time how long the outbox takes to deliver them all (receipts verified).
 *
 *   npx tsx scripts/bench-outbox.ts [--count 1000] [--concurrency 1,4] [--runs 3]
 *
 * Runs against the kiosk's in-process stub authority (electron/host/authority-client/stub-authority.ts),
 * which checks request tokens and attestation signatures like the protocol says.
 */
import { parseArgs } from 'node:util';
import { startStubAuthority } from '../electron/host/authority-client/stub-authority';
import { openKiosk, registerKiosk } from '../electron/host/outbox/test-harness';
import { scratchDirectory } from '../electron/host/store/test-support';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '1,4' }, runs: { type: 'string', default: '3' } },
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

console.log(`outbox drain after an outage: ${count} queued attestations, ${runs} runs per setting, node ${process.version}`);
const results: Array<{ concurrency: number; rate: number }> = [];
for (const concurrency of concurrencies) {
  const drains: number[] = [];
  const queues: number[] = [];
  for (let r = 0; r < runs; r += 1) {
    const { queueMs, drainMs } = await oneRun(concurrency);
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
