/** TEST-ONLY: a reference authority in a temporary folder, with a fake clock and helpers. */
import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuthorityConfigInput, parseAuthorityConfig } from '../config';
import { encodeResidentText } from '../cn-resident-text';
import { encodeDataGroup1 } from '../dg1';
import { createDocumentCheck, type DocumentCheck, sha256 } from '../document-check';
import type { AccountHolder } from '../holder-match';
import { jwkThumbprint } from '../jws';
import { type Authority, createAuthority } from '../server';
import { chipSign, fakeActiveAuthentication, fakeDg15, fakePassiveAuthentication, fakeSod } from './fake-passive-authentication';
import { type SessionAnswer, TestTerminal } from './test-terminal';

export const TEST_MATCHER = { name: 'test-matcher', version: '1.0.0', model_sha256: Buffer.alloc(32, 7).toString('base64url'), threshold: 0.62 };
export const HOLDER_MRZ =
  'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' + 'L898902C36UTO7408122F3004159ZE184226B<<<<<10';
export const HOLDER: AccountHolder = {
  documentNumber: 'L898902C3',
  birthDate: '740812',
  primaryIdentifier: 'Eriksson',
  secondaryIdentifier: 'Anna Maria',
  cnIdNumber: '11010519491231002X',
  cnName: '张三',
};

export interface CitizenKey {
  account_id: string;
  authority_id: string;
  kid: string;
  private_jwk: JWK;
}

export interface TestAuthority {
  authority: Authority;
  baseUrl: string;
  dir: string;
  clock: { now: number; advance(seconds: number): void };
  terminal: TestTerminal;
  enrollTerminal(name?: string): Promise<TestTerminal>;
  /** Creates an account; returns what the citizen app holds (fixtures/citizen-app AppKeyFile). */
  newCitizenKey(holder?: AccountHolder, displayName?: string): Promise<CitizenKey>;
  close(): Promise<void>;
}

export const fakeDocumentCheck: DocumentCheck = createDocumentCheck({
  passiveAuthentication: fakePassiveAuthentication,
  activeAuthentication: fakeActiveAuthentication,
});

export async function startTestAuthority(
  overrides: Partial<AuthorityConfigInput> = {},
  /** null: the server's default (hardware/icao verifiers). */
  documentCheck: DocumentCheck | null = fakeDocumentCheck,
): Promise<TestAuthority> {
  const dir = mkdtempSync(join(tmpdir(), 'authority-test-'));
  const config = parseAuthorityConfig({
    authority_id: 'test-idauth',
    key_file: 'authority-key.pem',
    db_path: 'authority.db',
    port: 0,
    policy: { policy_version: 'test-policy-1', matchers: [TEST_MATCHER] },
    trust_dir: 'trust',
    known_sam_ids: ['sam-0001'],
    test_controls: true,
    ...overrides,
  }, dir);
  const clock = {
    now: Date.now(),
    advance(seconds: number) {
      this.now += seconds * 1000;
    },
  };
  const authority = await createAuthority(config, { clock: () => clock.now, ...(documentCheck ? { documentCheck } : {}) });
  const baseUrl = await authority.listen();
  const enrollTerminal = async (name = 'Hall A kiosk 1') =>
    TestTerminal.enroll(baseUrl, authority.store.issueEnrollmentToken(0), name, () => clock.now);
  const terminal = await enrollTerminal();
  return {
    authority,
    baseUrl,
    dir,
    clock,
    terminal,
    enrollTerminal,
    async newCitizenKey(holder = HOLDER, displayName = 'Anna Eriksson') {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const publicJwk = { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! };
      const kid = await jwkThumbprint(publicJwk);
      const accountId = authority.store.createAccount({ publicJwk, kid, displayName, holder }, 0);
      return { account_id: accountId, authority_id: config.authority_id, kid, private_jwk: privateKey.export({ format: 'jwk' }) as JWK };
    },
    async close() {
      await authority.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface DocOptions {
  mrz?: string;
  chipKey?: KeyObject;
  /** Sign the challenge with this key instead of the chip's. */
  aaSignWith?: KeyObject;
  tamperDg1?: boolean;
  /** Include this EF.DG14 (bound by the SOD). */
  dg14?: Uint8Array;
}

/** An icao9303 `doc` member whose SOD (fake) binds its data groups; AA over the session challenge. */
export function icaoDoc(session: SessionAnswer, o: DocOptions = {}) {
  const chipKey = o.chipKey ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const dg1 = encodeDataGroup1(o.mrz ?? HOLDER_MRZ);
  const dg15 = fakeDg15(chipKey);
  const dg2Hash = sha256(new TextEncoder().encode('portrait bytes stay on the kiosk'));
  const signed: Record<number, Uint8Array> = { 1: dg1, 15: dg15 };
  if (o.dg14) signed[14] = o.dg14;
  const sod = fakeSod(signed, dg2Hash);
  const shown = o.tamperDg1 ? encodeDataGroup1((o.mrz ?? HOLDER_MRZ).replace('ANNA', 'ANNE')) : dg1;
  const b = (x: Uint8Array) => Buffer.from(x).toString('base64url');
  const sodJson = JSON.parse(Buffer.from(sod).toString()) as { dsc_sha256: string; csca_sha256: string };
  return {
    kind: 'icao9303' as const,
    dg1: b(shown),
    sod: b(sod),
    ...(o.dg14 ? { dg14: b(o.dg14) } : {}),
    dg15: b(dg15),
    dg2_hash: b(dg2Hash),
    pa: { result: 'valid', dsc_sha256: sodJson.dsc_sha256, csca_sha256: sodJson.csca_sha256, crl_checked_at: null },
    chip_auth: { method: 'AA', result: 'valid', aa_signature: b(chipSign(o.aaSignWith ?? chipKey, session.aa_challenge)) },
  };
}

export function residentDoc(o: { idNumber?: string; name?: string; samId?: string } = {}) {
  const text = encodeResidentText({ name: o.name ?? '张三', idNumber: o.idNumber ?? '11010519491231002X', birthDate: '19491231' });
  return {
    kind: 'cn-resident-id' as const,
    text: Buffer.from(text).toString('base64url'),
    photo_hash: Buffer.from(sha256(new Uint8Array(1024))).toString('base64url'),
    sam_id: o.samId ?? 'sam-0001',
    chip_auth: { method: 'SAM', result: 'valid' },
  };
}

/** A complete attestation payload for a bound session; pass overrides per member. */
export function attestationPayload(terminal: TestTerminal, session: SessionAnswer, doc: object, overrides: Record<string, unknown> = {}) {
  const iat = terminal.now();
  return {
    iss: terminal.terminalId,
    aud: terminal.authorityId,
    iat,
    exp: Math.floor(Date.parse(session.submit_by) / 1000),
    jti: randomUUID(),
    session_id: session.session_id,
    nonce: session.nonce,
    policy_version: session.policy.policy_version,
    sw: { name: 'id-upgrade-kiosk', version: '0.1.0', build: 'test' },
    doc,
    bio: {
      matcher: { name: TEST_MATCHER.name, version: TEST_MATCHER.version, model_sha256: TEST_MATCHER.model_sha256 },
      score: 0.81,
      threshold: TEST_MATCHER.threshold,
      target_fmr: session.policy.target_fmr,
      decision: 'match',
      liveness: { method: 'passive-texture', result: 'live', score: 0.97 },
      capture: { frames: 12, camera: 'test-camera' },
    },
    consent: { text_version: 'consent-v1', at: new Date(iat * 1000).toISOString() },
    audit: { tree_size: 3, root: Buffer.alloc(32, 1).toString('base64url') },
    ...overrides,
  };
}
