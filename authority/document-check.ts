import { createHash } from 'node:crypto';
import type { AttestationDoc, IcaoDoc, ResidentDoc } from './attestation';
import { parseResidentText, type ResidentText } from './cn-resident-text';
import { parseDataGroup1, type DataGroup1 } from './dg1';
import type { TrustAnchors } from './trust-store';

/** Step 5 refusal (422 document-invalid). */
export class DocumentInvalid extends Error {
  readonly code = 'document-invalid';
  constructor(message: string) {
    super(message);
    this.name = 'DocumentInvalid';
  }
}

export type DocumentFacts = { kind: 'icao9303'; dg1: DataGroup1 } | { kind: 'cn-resident-id'; text: ResidentText };

export interface DocumentCheckContext {
  /** The attestation's iat (seconds): DG1 expiry and certificate validity are judged at this time. */
  iat: number;
  aaChallenge: Uint8Array;
  trust: TrustAnchors;
  knownSamIds: ReadonlySet<string>;
}

/** Step 5 as one interface, so the server can be tested with a fake and given the real one. */
export interface DocumentCheck {
  check(doc: AttestationDoc, ctx: DocumentCheckContext): Promise<DocumentFacts>;
}

/** Passive authentication (ICAO 9303-11 §5.1): SOD signature, DSC → CSCA with CRL, data-group hashes. */
export type PassiveAuthenticationPort = (input: {
  sod: Uint8Array;
  dataGroups: ReadonlyMap<number, Uint8Array>;
  /** Data groups the kiosk sent only as a hash (DG2), hashed with the SOD's algorithm. */
  dataGroupHashes: ReadonlyMap<number, Uint8Array>;
  at: Date;
  trust: TrustAnchors;
  issuingState: string;
}) => Promise<{ dscSha256: Uint8Array; cscaSha256: Uint8Array }>;

/** Active authentication (ICAO 9303-11 §6.1) over the session's aa_challenge. */
export type ActiveAuthenticationPort = (input: {
  dg15: Uint8Array;
  dg14?: Uint8Array;
  challenge: Uint8Array;
  signature: Uint8Array;
}) => boolean | Promise<boolean>;

const bytes = (b64u: string) => new Uint8Array(Buffer.from(b64u, 'base64url'));
const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/** YYMMDD of an expiry date → YYYYMMDD; expiry dates are read in the 21st century. */
function expiryToIso(yymmdd: string): string {
  if (!/^\d{6}$/.test(yymmdd)) throw new DocumentInvalid('DG1 expiry date is not YYMMDD');
  return `20${yymmdd}`;
}

export function createDocumentCheck(ports: {
  passiveAuthentication: PassiveAuthenticationPort;
  activeAuthentication: ActiveAuthenticationPort;
}): DocumentCheck {
  async function checkIcao(doc: IcaoDoc, ctx: DocumentCheckContext): Promise<DocumentFacts> {
    let dg1: DataGroup1;
    try {
      dg1 = parseDataGroup1(bytes(doc.dg1));
    } catch (error) {
      throw new DocumentInvalid(`DG1: ${(error as Error).message}`);
    }
    if (doc.pa.result !== 'valid') throw new DocumentInvalid('pa.result is not valid');
    const dataGroups = new Map<number, Uint8Array>([[1, bytes(doc.dg1)]]);
    if (doc.dg14 !== undefined) dataGroups.set(14, bytes(doc.dg14));
    if (doc.dg15 !== undefined) dataGroups.set(15, bytes(doc.dg15));
    let pa: { dscSha256: Uint8Array; cscaSha256: Uint8Array };
    try {
      pa = await ports.passiveAuthentication({
        sod: bytes(doc.sod),
        dataGroups,
        dataGroupHashes: new Map([[2, bytes(doc.dg2_hash)]]),
        at: new Date(ctx.iat * 1000),
        trust: ctx.trust,
        issuingState: dg1.issuingState,
      });
    } catch (error) {
      throw new DocumentInvalid(`passive authentication: ${(error as Error).message}`);
    }
    if (b64u(pa.dscSha256) !== doc.pa.dsc_sha256) throw new DocumentInvalid('pa.dsc_sha256 is not the SOD signer');
    if (b64u(pa.cscaSha256) !== doc.pa.csca_sha256) throw new DocumentInvalid('pa.csca_sha256 is not the CSCA that verified');
    const iatDay = new Date(ctx.iat * 1000).toISOString().slice(0, 10).replace(/-/g, '');
    if (expiryToIso(dg1.expiryDate) < iatDay) throw new DocumentInvalid('document expired before the attestation');

    const chip = doc.chip_auth;
    if (chip.method === 'AA') {
      if (chip.result === 'valid') {
        if (doc.dg15 === undefined) throw new DocumentInvalid('AA without DG15');
        if (chip.aa_signature === undefined) throw new DocumentInvalid('AA without aa_signature');
        let ok: boolean;
        try {
          ok = await ports.activeAuthentication({
            dg15: bytes(doc.dg15),
            ...(doc.dg14 !== undefined ? { dg14: bytes(doc.dg14) } : {}),
            challenge: ctx.aaChallenge,
            signature: bytes(chip.aa_signature),
          });
        } catch (error) {
          throw new DocumentInvalid(`active authentication: ${(error as Error).message}`);
        }
        if (!ok) throw new DocumentInvalid('AA signature over aa_challenge does not verify');
      }
    } else if (chip.method === 'CA' || chip.method === 'PACE-CAM') {
      // The chip proved its DG14 key to the kiosk; the authority can only insist that DG14 is signed.
      if (doc.dg14 === undefined) throw new DocumentInvalid(`${chip.method} without DG14`);
    } else {
      throw new DocumentInvalid(`chip_auth.method ${JSON.stringify(chip.method)} is not AA, CA or PACE-CAM`);
    }
    return { kind: 'icao9303', dg1 };
  }

  function checkResident(doc: ResidentDoc, ctx: DocumentCheckContext): DocumentFacts {
    if (!ctx.knownSamIds.has(doc.sam_id)) throw new DocumentInvalid('sam_id is not a SAM this authority knows');
    if (doc.chip_auth.method !== 'SAM') throw new DocumentInvalid('cn-resident-id chip_auth.method must be SAM');
    if (bytes(doc.photo_hash).length !== 32) throw new DocumentInvalid('photo_hash is not a SHA-256');
    try {
      return { kind: 'cn-resident-id', text: parseResidentText(bytes(doc.text)) };
    } catch (error) {
      throw new DocumentInvalid(`text block: ${(error as Error).message}`);
    }
  }

  return {
    async check(doc, ctx) {
      return doc.kind === 'icao9303' ? checkIcao(doc, ctx) : checkResident(doc, ctx);
    },
  };
}

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}
