/**
 * Child process of the kill -9 test (fault-injection.test.ts): decides the configured upgrades
 * that are not yet decided, delivers everything pending, exits 0 when the outbox is empty.
 * It is killed at random points; nothing here knows that.
 */
import { openKiosk } from './test-harness';

interface ChildConfig {
  dataDir: string;
  authorityUrl: string;
  terminalId: string;
  authorityId: string;
  authorityJwks: { keys: import('jose').JWK[] };
  sessions: Array<{ session_id: string; nonce: string; submit_by: number }>;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.KIOSK_FAULT_CONFIG ?? '{}') as ChildConfig;
  const kiosk = await openKiosk({ ...config, backoff: { baseMs: 5, maxMs: 50 }, concurrency: 3, requestTimeoutMs: 2000 });
  process.stdout.write('ready\n');

  const decided = new Set(kiosk.outbox.list().map((e) => e.sessionId));
  const controller = new AbortController();
  const delivering = kiosk.outbox.run(controller.signal);
  for (const session of config.sessions) {
    if (decided.has(session.session_id)) continue;
    await kiosk.queue(session);
    kiosk.outbox.wake();
  }
  while (kiosk.outbox.depth() > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort();
  await delivering;
  kiosk.close();
  process.stdout.write('done\n');
  process.exit(0);
}

void main();
