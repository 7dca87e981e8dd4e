/** Test support: a well-formed decided upgrade with synthetic bytes (no real person). */
import { createHash } from 'node:crypto';
import type { DecidedUpgrade } from './attestation';

const b64u = (s: string) => Buffer.from(s).toString('base64url');
const sha = (s: string) => createHash('sha256').update(s).digest('base64url');

export function sampleDecidedUpgrade(overrides: Partial<DecidedUpgrade> & { session: DecidedUpgrade['session'] }): DecidedUpgrade {
  return {
    terminalId: 't-sample',
    authorityId: 'stub-authority',
    sw: { name: 'id-upgrade-kiosk', version: '0.1.0', build: 'test' },
    doc: {
      kind: 'icao9303',
      dg1: b64u('synthetic-dg1'),
      sod: b64u('synthetic-sod'),
      dg14: b64u('synthetic-dg14'),
      dg15: b64u('synthetic-dg15'),
      dg2_hash: sha('synthetic-dg2'),
      pa: { result: 'valid', dsc_sha256: sha('dsc'), csca_sha256: sha('csca'), crl_checked_at: null },
      chip_auth: { method: 'AA', result: 'valid', aa_signature: b64u('synthetic-aa-signature') },
    },
    bio: {
      matcher: { name: 'test-matcher', version: '1', model_sha256: sha('model') },
      score: 0.8,
      threshold: 0.5,
      target_fmr: 0.0001,
      decision: 'match',
      liveness: { method: 'passive-rgb', result: 'live', score: 0.97 },
      capture: { frames: 12, camera: 'fake' },
    },
    consent: { text_version: 'consent-v1', at: new Date().toISOString() },
    ...overrides,
  };
}
