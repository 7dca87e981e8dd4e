import { beforeAll, describe, expect, it } from 'vitest';
import { buildCard, type BuiltCard } from '../../../fixtures/cards/card-builder';
import { loadCardProfile } from '../../../fixtures/cards/card-profile';
import { getTestPki, type TestPki } from '../../../fixtures/pki/test-pki';
import { inMemoryTransceiver } from '../../../fixtures/virtual-chip/test-image';
import { VirtualChip } from '../../../fixtures/virtual-chip/virtual-chip';
import type { CardSession } from '../../../hardware/readers';
import { AttestationDocument } from '../attestation/schema';
import { IcaoDocumentReader } from './icao-document-reader';
import type { ReadDocumentRequest } from './services';

let pki: TestPki;
const cards = new Map<string, BuiltCard>();
const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

beforeAll(async () => {
  pki = await getTestPki();
  for (const id of ['utopia-genuine', 'utopia-dg1-tampered', 'utopia-aa-clone']) cards.set(id, await buildCard(await loadCardProfile(id), pki));
}, 60_000);

function readerFor(card: BuiltCard) {
  const chip = new VirtualChip(card.image);
  return new IcaoDocumentReader({
    openCard: async () => ({ transceiver: inMemoryTransceiver(chip), atr: {} as CardSession['atr'], close: async () => undefined }),
    now: () => pki.at,
  });
}

const request = (card: BuiltCard, over: Partial<ReadDocumentRequest> = {}): ReadDocumentRequest => ({
  accessKey: { kind: 'mrz', documentNumber: card.image.mrz.documentNumber, birthDate: card.image.mrz.dateOfBirth, expiryDate: card.image.mrz.dateOfExpiry },
  aaChallenge: '0102030405060708',
  csca: { version: 't', certificates: [b64u(pki.csca.certificate)], crls: [b64u(pki.crl)] },
  signal: new AbortController().signal,
  onProgress: () => undefined,
  ...over,
});

describe('IcaoDocumentReader (virtual chip, test PKI)', () => {
  it('reads a genuine passport into a §3 doc with the portrait and a pseudonymisable number', async () => {
    const card = cards.get('utopia-genuine')!;
    const progress: string[] = [];
    const outcome = await readerFor(card).readDocument(request(card, { onProgress: (p) => progress.push(p.phase) }));
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    expect(AttestationDocument.safeParse(outcome.document).success).toBe(true);
    expect(outcome.document).toMatchObject({ kind: 'icao9303', pa: { result: 'valid' }, chip_auth: { result: 'valid' } });
    expect(outcome.portrait.format).toBe('image/jpeg');
    expect(outcome.documentNumber).toBe('UTO:L898902C3');
    expect(progress).toContain('reading');
    expect(progress.at(-1)).toBe('verifying');
  });

  it('asks for an access key first, and reports a wrong one as access-denied', async () => {
    const card = cards.get('utopia-genuine')!;
    const reader = readerFor(card);
    expect(await reader.readDocument(request(card, { accessKey: null }))).toEqual({ kind: 'access-key-needed', accessKind: 'mrz' });
    expect(await reader.readDocument(request(card, { accessKey: { kind: 'can', can: '000000' } }))).toEqual({ kind: 'access-denied', accessKind: 'can' });
  });

  it('refuses a tampered DG1, a cloned chip and an untrusted issuer', async () => {
    const tampered = cards.get('utopia-dg1-tampered')!;
    expect(await readerFor(tampered).readDocument(request(tampered))).toEqual({ kind: 'rejected', reason: 'tampered' });
    const clone = cards.get('utopia-aa-clone')!;
    expect(await readerFor(clone).readDocument(request(clone))).toEqual({ kind: 'rejected', reason: 'clone' });
    const genuine = cards.get('utopia-genuine')!;
    const noTrust = request(genuine, { csca: { version: 't', certificates: [b64u(pki.rogueCsca.certificate)], crls: [] } });
    expect(await readerFor(genuine).readDocument(noTrust)).toEqual({ kind: 'rejected', reason: 'untrusted-issuer' });
  });
});
