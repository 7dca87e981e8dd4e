/**
 * kill -9 the submission path at random points, with the authority up, down or answering 503;
 * afterwards every decided upgrade has arrived at the authority exactly once.
 * KIOSK_FAULT_KILLS sets the number of kills (default 50).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStubAuthority, type StubAuthority, type UpgradeFault } from '../authority-client/stub-authority';
import { openStore } from '../store/database';
import { scratchDirectory } from '../store/test-support';
import { registerKiosk } from './test-harness';

const KILLS = Number(process.env.KIOSK_FAULT_KILLS ?? 50);
const SESSIONS = Number(process.env.KIOSK_FAULT_SESSIONS ?? 60);
const CHILD_SOURCE = fileURLToPath(new URL('./fault-child.ts', import.meta.url));
let childScript = '';

function runChild(env: Record<string, string>, killAfterReadyMs: number | undefined, timeoutMs: number): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript], { env: { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not finish in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (killAfterReadyMs !== undefined && output.includes('ready')) {
        setTimeout(() => child.kill('SIGKILL'), killAfterReadyMs);
        killAfterReadyMs = undefined;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, output });
    });
  });
}

describe('outbox under kill -9', () => {
  let stub: StubAuthority;
  let dir: ReturnType<typeof scratchDirectory>;
  beforeAll(async () => {
    stub = await startStubAuthority({ processingMs: 3 });
    dir = scratchDirectory('kiosk-fault-');
    // One bundle up front: a child that starts in ~0.2 s instead of compiling TypeScript each time.
    childScript = join(dir.path, 'fault-child.cjs');
    await build({
      entryPoints: [CHILD_SOURCE],
      outfile: childScript,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['better-sqlite3'],
      logLevel: 'error',
    });
  });
  afterAll(async () => {
    await stub.close();
    dir.remove();
  });

  it(`every decided upgrade arrives exactly once after ${KILLS} kills`, { timeout: 120_000 }, async () => {
    const reg = await registerKiosk(stub, dir.path);
    const sessions = Array.from({ length: SESSIONS }, () => {
      const s = stub.createBoundSession(reg.terminalId);
      return { session_id: s.session_id, nonce: s.nonce, submit_by: s.submit_by };
    });
    const env = { KIOSK_FAULT_CONFIG: JSON.stringify({ dataDir: dir.path, ...reg, sessions }) };
    const modes: Array<() => UpgradeFault> = [
      () => 'none',
      () => 'drop',
      () => '503',
      () => (['none', 'drop', '503', '409-in-progress', 'drop-response'] as const)[Math.floor(Math.random() * 5)] ?? 'none',
    ];
    let killed = 0;
    let finishedEarly = 0;
    // Runs until KILLS children really died by SIGKILL (a child that finished first does not count).
    for (let i = 0; killed < KILLS && i < KILLS * 6; i += 1) {
      const mode = modes[Math.floor(Math.random() * modes.length)] ?? (() => 'none' as const);
      stub.setFaults(() => mode());
      const run = await runChild(env, Math.floor(Math.random() * 120), 20_000);
      if (run.signal === 'SIGKILL') killed += 1;
      else {
        expect(run.code, run.output).toBe(0);
        finishedEarly += 1;
      }
    }
    expect(killed).toBeGreaterThanOrEqual(KILLS);
    stub.setFaults(() => 'none');
    const final = await runChild(env, undefined, 30_000);
    expect(final.code, final.output).toBe(0);

    const store = openStore(join(dir.path, 'kiosk.db'));
    const rows = store.db.prepare('SELECT jti, session_id, state FROM outbox').all() as Array<{ jti: string; session_id: string; state: string }>;
    store.close();
    // Every configured upgrade was decided once and delivered.
    expect(rows).toHaveLength(SESSIONS);
    expect(new Set(rows.map((r) => r.session_id)).size).toBe(SESSIONS);
    expect(rows.every((r) => r.state === 'delivered')).toBe(true);
    // At the authority: each decided jti accepted exactly once, nothing else accepted.
    for (const r of rows) {
      expect(stub.counters.accepted.get(r.jti)).toBe(1);
      expect(stub.sessions.get(r.session_id)?.completed_jti).toBe(r.jti);
    }
    expect([...stub.counters.accepted.values()].reduce((a, b) => a + b, 0)).toBe(SESSIONS);
    expect(stub.counters.accepted.size).toBe(SESSIONS);
    // Report how hard the run was (not a timing assertion).
    process.stdout.write(`fault injection: ${killed} kills, ${finishedEarly} runs finished before the kill, ${stub.counters.upgradeRequests} upgrade requests\n`);
  });
});
