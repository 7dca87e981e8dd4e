import { describe, expect, it } from 'vitest';
import { encodeResidentText } from './cn-resident-text';
import { createDocumentCheck, DocumentInvalid, type DocumentCheckContext } from './document-check';
import type { IcaoDoc } from './attestation';
import { fakeActiveAuthentication, fakePassiveAuthentication } from './testing/fake-passive-authentication';
import { icaoDoc } from './testing/harness';

const check = createDocumentCheck({ passiveAuthentication: fakePassiveAuthentication, activeAuthentication: fakeActiveAuthentication });
const session = { aa_challenge: '0011223344556677' } as never;
const ctx: DocumentCheckContext = {
  iat: Math.floor(Date.parse('2026-06-01T00:00:00Z') / 1000),
  aaChallenge: new Uint8Array(Buffer.from('0011223344556677', 'hex')),
  trust: { version: 'v', certificates: [], crls: [] },
  knownSamIds: new Set(['sam-1']),
};
const resident = (o: Partial<{ sam_id: string; method: string; text: Uint8Array }> = {}) => ({
  kind: 'cn-resident-id' as const,
  text: Buffer.from(o.text ?? encodeResidentText({ name: '张三', idNumber: '11010519491231002X', birthDate: '19491231' })).toString('base64url'),
  photo_hash: Buffer.alloc(32).toString('base64url'),
  sam_id: o.sam_id ?? 'sam-1',
  chip_auth: { method: o.method ?? 'SAM', result: 'valid' },
});

describe('createDocumentCheck (step 5 logic around the verifiers)', () => {
  it('AA: verifies the signature over the session challenge', async () => {
    await expect(check.check(icaoDoc(session), ctx)).resolves.toMatchObject({ kind: 'icao9303' });
    const wrongChallenge = { ...ctx, aaChallenge: new Uint8Array(8) };
    await expect(check.check(icaoDoc(session), wrongChallenge)).rejects.toBeInstanceOf(DocumentInvalid);
  });

  it('CA and PACE-CAM need DG14; an unknown method is refused', async () => {
    const doc = icaoDoc(session) as IcaoDoc;
    const { aa_signature: _sig, ...ca } = doc.chip_auth;
    await expect(check.check({ ...doc, chip_auth: { ...ca, method: 'CA' } }, ctx)).rejects.toThrow(/without DG14/);
    await expect(check.check({ ...doc, chip_auth: { ...ca, method: 'PACE-CAM' } }, ctx)).rejects.toThrow(/without DG14/);
    await expect(check.check({ ...doc, chip_auth: { ...ca, method: 'BAC' } }, ctx)).rejects.toThrow(/not AA, CA or PACE-CAM/);
    const withDg14 = icaoDoc(session, { dg14: new Uint8Array([0x6e, 0x00]) }) as IcaoDoc;
    await expect(check.check({ ...withDg14, chip_auth: { ...ca, method: 'CA' } }, ctx)).resolves.toMatchObject({ kind: 'icao9303' });
  });

  it('cn-resident-id: known SAM, SAM method, a text block that decodes', async () => {
    await expect(check.check(resident(), ctx)).resolves.toMatchObject({ kind: 'cn-resident-id', text: { idNumber: '11010519491231002X' } });
    await expect(check.check(resident({ sam_id: 'sam-2' }), ctx)).rejects.toThrow(/SAM this authority knows/);
    await expect(check.check(resident({ method: 'AA' }), ctx)).rejects.toThrow(/SAM/);
    await expect(check.check(resident({ text: new Uint8Array(100) }), ctx)).rejects.toThrow(/text block/);
  });
});
