import { parseArgs } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminUsageError, mrzBirthDate, runAdmin } from './admin-commands';
import { openDatabase } from './database';
import { AuthorityStore } from './store';

let dir: string;
let configFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'authority-admin-'));
  configFile = join(dir, 'authority.json');
  writeFileSync(
    configFile,
    JSON.stringify({ authority_id: 'adm-test', key_file: 'k.pem', db_path: 'a.db', trust_dir: 'trust', policy: { policy_version: 'p1' } }),
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function admin(...argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runAdmin(['--config', configFile, ...argv], { out: (l) => lines.push(l) });
  return { code, lines };
}

describe('authority admin CLI', () => {
  it('issues single-use enrollment tokens', async () => {
    const { code, lines } = await admin('enrollment-token');
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^et_[A-Za-z0-9_-]{32}$/);
  });

  it('creates an account and writes the app key file with mode 0600', async () => {
    const out = join(dir, 'anna.json');
    const { code, lines } = await admin('create-account', '--display-name', 'Anna Eriksson', '--out', out,
      '--document-number', 'L898902C3', '--birth-date', '1974-08-12', '--surname', 'Eriksson', '--given-names', 'Anna Maria');
    expect(code).toBe(0);
    const { account_id } = JSON.parse(lines[0]!) as { account_id: string };
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const keyFile = JSON.parse(readFileSync(out, 'utf8'));
    expect(keyFile).toMatchObject({ account_id, authority_id: 'adm-test', private_jwk: { kty: 'EC', crv: 'P-256', d: expect.any(String) } });
    const db = openDatabase(join(dir, 'a.db'));
    expect(new AuthorityStore(db).account(account_id)).toMatchObject({ birth_date: '740812', display_name_masked: 'A*** E*******', kid: keyFile.kid });
    db.close();
  });

  it('revokes a terminal and lists it', async () => {
    const db = openDatabase(join(dir, 'a.db'));
    const store = new AuthorityStore(db);
    const token = store.issueEnrollmentToken(1);
    store.enrollTerminal(token, { terminal_id: 'term_1', kid: 'k1', public_jwk: '{}', name: 'Hall A', enrolled_at: 1 });
    db.close();
    expect((await admin('revoke-terminal', 'term_1')).lines).toEqual(['revoked term_1']);
    const listed = JSON.parse((await admin('list-terminals')).lines[0]!);
    expect(listed).toMatchObject({ terminal_id: 'term_1', revoked_at: expect.any(Number) });
    await expect(admin('revoke-terminal', 'term_nope')).rejects.toBeInstanceOf(AdminUsageError);
  });

  it('issues enrollment tokens a command line takes as values (never starting with "-"), single use', () => {
    const db = openDatabase(join(dir, 'tokens.db'));
    const store = new AuthorityStore(db);
    const tokens = Array.from({ length: 500 }, () => store.issueEnrollmentToken(1));
    for (const token of tokens) {
      expect(token).toMatch(/^et_[A-Za-z0-9_-]{32}$/);
      const { values } = parseArgs({ args: ['--token', token], options: { token: { type: 'string' } } });
      expect(values.token).toBe(token);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(store.enrollTerminal(tokens[0]!, { terminal_id: 'term_t', kid: 'kt', public_jwk: '{}', name: 'Hall T', enrolled_at: 1 })).toBe(true);
    expect(store.enrollTerminal(tokens[0]!, { terminal_id: 'term_u', kid: 'ku', public_jwk: '{}', name: 'Hall U', enrolled_at: 1 })).toBe(false);
    db.close();
  });

  it('imports CSCAs and CRLs into the trust folder, refusing other files', async () => {
    const cert = join(dir, 'csca.der');
    writeFileSync(cert, Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]));
    expect((await admin('import-csca', cert)).code).toBe(0);
    expect(readFileSync(join(dir, 'trust', 'csca.der'))).toEqual(readFileSync(cert));
    await expect(admin('import-crl', cert)).rejects.toThrow(/\.crl/);
  });

  it('prints usage for no command and refuses unknown ones', async () => {
    expect((await admin()).code).toBe(2);
    await expect(admin('frobnicate')).rejects.toBeInstanceOf(AdminUsageError);
    expect(mrzBirthDate('740812')).toBe('740812');
    expect(() => mrzBirthDate('12/08/1974')).toThrow(AdminUsageError);
  });
});

describe('set-faults against a running server', () => {
  it('switches 503 on and off', async () => {
    const { startTestAuthority } = await import('./testing/harness');
    const t = await startTestAuthority();
    try {
      const lines: string[] = [];
      expect(await runAdmin(['set-faults', '--url', t.baseUrl, '--unavailable', '4'], { out: (l) => lines.push(l) })).toBe(0);
      expect(t.authority.faults.unavailableRetryAfter).toBe(4);
      expect((await fetch(new URL('/v1/time', t.baseUrl))).status).toBe(503);
      await runAdmin(['set-faults', '--url', t.baseUrl, '--available', '--latency-ms', '0'], { out: (l) => lines.push(l) });
      expect(t.authority.faults.unavailableRetryAfter).toBeNull();
      await expect(runAdmin(['set-faults', '--url', t.baseUrl, '--latency-ms', 'slow'], { out: () => {} })).rejects.toBeInstanceOf(AdminUsageError);
    } finally {
      await t.close();
    }
  });
});
