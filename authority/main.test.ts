import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('authority/main.ts CLI', () => {
  it('starts from a config file with --port and --db, serves /v1/keys, stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authority-main-'));
    dirs.push(dir);
    const config = join(dir, 'authority.json');
    writeFileSync(config, JSON.stringify({ authority_id: 'cli-test', key_file: 'key.pem', db_path: 'ignored.db', trust_dir: 'trust', policy: { policy_version: 'p1' } }));
    const child = spawn(process.execPath, ['--import', 'tsx', 'authority/main.ts', '--config', config, '--port', '0', '--db', join(dir, 'cli.db')], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('authority did not start within 15 s')), 15_000);
        let buffered = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const m = /"listening":"([^"]+)"/.exec(buffered);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.once('exit', (code) => reject(new Error(`authority exited with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const keys = (await (await fetch(`${url}/v1/keys`)).json()) as { authority_id: string };
      expect(keys.authority_id).toBe('cli-test');
      expect(statSync(join(dir, 'cli.db')).isFile()).toBe(true);
      expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
