import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadAuthorityConfig, parseAuthorityConfig } from './config';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'authority-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const minimal = { authority_id: 'cn-gz-idauth', key_file: 'k.pem', db_path: 'a.db', trust_dir: 'trust', policy: { policy_version: 'p1' } };
const placeholder = { name: 'placeholder', version: '0', model_sha256: '00'.repeat(32), threshold: 1, placeholder: true };

describe('authority config', () => {
  it('fills the protocol defaults and resolves paths against the config folder', () => {
    const c = parseAuthorityConfig(minimal, dir);
    expect(c).toMatchObject({
      host: '127.0.0.1',
      session_ttl_seconds: 600,
      submit_window_seconds: 86_400,
      policy: { target_fmr: 1e-4, liveness_required: true, chip_auth_required: true, matchers: [] },
      key_file: join(dir, 'k.pem'),
      db_path: join(dir, 'a.db'),
    });
  });

  it('refuses unknown keys and wrong types with a typed error', () => {
    expect(() => parseAuthorityConfig({ ...minimal, colour: 'red' }, dir)).toThrow(ConfigError);
    expect(() => parseAuthorityConfig({ ...minimal, port: 'eighty' }, dir)).toThrow(/port/);
    expect(() => parseAuthorityConfig({ ...minimal, authority_id: 'has space' }, dir)).toThrow(ConfigError);
  });

  it('converts a hex model_sha256 to base64url', () => {
    const c = parseAuthorityConfig({ ...minimal, policy: { policy_version: 'p1', matchers: [{ ...placeholder, placeholder: false }] } }, dir);
    expect(c.policy.matchers[0]!.model_sha256).toBe(Buffer.alloc(32).toString('base64url'));
  });

  it('takes the calibrated matcher from matcher-policy.json in place of the placeholder', () => {
    const file = join(dir, 'matcher-policy.json');
    // As scripts/face-eval/eval.ts writes it: b64u hash and a calibration record the authority ignores.
    const sha = Buffer.from('ab'.repeat(32), 'hex').toString('base64url');
    writeFileSync(file, JSON.stringify({ name: 'faceplugin-fr', version: '112', model_sha256: sha, threshold: 0.41, target_fmr: 1e-4, calibration: { runs: [] } }));
    const c = parseAuthorityConfig({ ...minimal, policy: { policy_version: 'p1', matcher_policy_file: 'matcher-policy.json', matchers: [placeholder] } }, dir);
    expect(c.policy.matchers).toEqual([{ name: 'faceplugin-fr', version: '112', model_sha256: Buffer.from('ab'.repeat(32), 'hex').toString('base64url'), threshold: 0.41 }]);
  });

  it('keeps the placeholder while matcher-policy.json does not exist, and refuses one calibrated for another FMR', () => {
    const policy = { policy_version: 'p1', matcher_policy_file: 'missing.json', matchers: [placeholder] };
    expect(parseAuthorityConfig({ ...minimal, policy }, dir).policy.matchers[0]!.placeholder).toBe(true);
    writeFileSync(join(dir, 'm.json'), JSON.stringify({ name: 'x', version: '1', model_sha256: 'ab'.repeat(32), threshold: 0.4, target_fmr: 1e-3 }));
    expect(() => parseAuthorityConfig({ ...minimal, policy: { ...policy, matcher_policy_file: 'm.json' } }, dir)).toThrow(/target_fmr/);
  });

  it('the shipped default-config.json is valid', () => {
    const c = loadAuthorityConfig(join(import.meta.dirname, 'default-config.json'));
    expect(c.authority_id).toBe('dev-idauth');
    expect(c.policy.matchers.length).toBeGreaterThan(0);
  });
});
