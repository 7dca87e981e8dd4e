/**
 * DocumentReaderService over an ICAO 9303 chip behind a smart-card reader: access control,
 * files, chip authentication (hardware/icao/read-chip), passive authentication against the
 * authority's CSCA list (hardware/icao/pa), reduced to the attestation's `doc` (§3) plus the
 * portrait for the face step. Nothing here is written anywhere.
 */
import type { CardSession } from '../../../hardware/readers';
import { CardRemovedError, NoCardError } from '../../../hardware/ccid/errors';
import { AccessControlError, IcaoError } from '../../../hardware/icao/errors';
import { parseDg1, type DataGroup1 } from '../../../hardware/icao/lds/dg1';
import { parseDg2 } from '../../../hardware/icao/lds/dg2';
import { decodePortrait } from '../../../hardware/icao/lds/portrait';
import { CscaStore } from '../../../hardware/icao/pa/csca-store';
import { verifyPassiveAuthentication, type PassiveAuthenticationReason } from '../../../hardware/icao/pa/passive-authentication';
import { readChip, type ReadChipResult } from '../../../hardware/icao/read-chip';
import type { PacePassword } from '../../../hardware/icao/pace';
import { HardwareError } from '../../../hardware/transport/errors';
import type { AttestationDocument } from '../attestation/schema';
import type { DocumentRejection, FaceReference } from './screen-state';
import { ReaderUnavailableError, type DocumentReaderService, type ReadDocumentOutcome, type ReadDocumentRequest } from './services';

export interface IcaoDocumentReaderOptions {
  /** Opens the reader and powers the card (e.g. `() => openCardSession(uri, options)`). */
  openCard(): Promise<CardSession>;
  now?: () => Date;
  /** Time between presence checks while waiting for a card. */
  pollMs?: number;
  /** Which access key to ask for when none was given (CAN for PACE-only cards, MRZ otherwise). */
  askFor?: 'mrz' | 'can';
}

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** What the citizen is told for a passive-authentication failure. */
export function rejectionForPa(reasons: readonly PassiveAuthenticationReason[]): DocumentRejection {
  if (reasons.some((r) => r === 'dg-hash-mismatch' || r === 'sod-digest-mismatch' || r === 'sod-signature-invalid' || r === 'dg-not-in-sod')) return 'tampered';
  if (reasons.some((r) => r === 'sod-malformed' || r === 'sod-unsupported-algorithm' || r === 'dg-missing')) return 'unsupported';
  return 'untrusted-issuer';
}

/** YYMMDD expiry, read with the usual 9303 century rule for expiry dates (always 20YY here). */
export function isExpired(dg1: DataGroup1, at: Date): boolean {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(dg1.expiryDate);
  if (!m) return true;
  const expiry = Date.UTC(2000 + Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59);
  return expiry < at.getTime();
}

export class IcaoDocumentReader implements DocumentReaderService {
  private card: CardSession | undefined;

  constructor(private readonly options: IcaoDocumentReaderOptions) {}

  async waitForCard(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        this.card = await this.options.openCard();
        return;
      } catch (error) {
        if (!(error instanceof NoCardError)) {
          throw new ReaderUnavailableError(error instanceof Error ? error.message : String(error), { cause: error });
        }
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 500));
    }
  }

  async close(): Promise<void> {
    const card = this.card;
    this.card = undefined;
    await card?.close().catch(() => undefined);
  }

  async readDocument(request: ReadDocumentRequest): Promise<ReadDocumentOutcome> {
    if (!request.accessKey) return { kind: 'access-key-needed', accessKind: this.options.askFor ?? 'mrz' };
    const access: PacePassword =
      request.accessKey.kind === 'can'
        ? { can: request.accessKey.can }
        : { mrz: { documentNumber: request.accessKey.documentNumber, dateOfBirth: request.accessKey.birthDate, dateOfExpiry: request.accessKey.expiryDate } };
    if (!this.card) this.card = await this.options.openCard().catch((error: unknown) => {
      throw new ReaderUnavailableError(error instanceof Error ? error.message : String(error), { cause: error });
    });
    let chip: ReadChipResult;
    try {
      chip = await readChip(this.card.transceiver, {
        access,
        files: ['COM', 'DG1', 'DG2', 'DG14', 'DG15', 'SOD'],
        chipAuthentication: true,
        aaChallenge: new Uint8Array(Buffer.from(request.aaChallenge, 'hex')),
        onProgress: (bytesRead, bytesTotal) => request.onProgress({ phase: 'reading', bytesRead, bytesTotal }),
      });
    } catch (error) {
      // The next attempt starts from a fresh card session (new access control).
      await this.close();
      if (error instanceof AccessControlError) return { kind: 'access-denied', accessKind: request.accessKey.kind };
      if (error instanceof CardRemovedError || error instanceof NoCardError) return { kind: 'removed' };
      if (error instanceof IcaoError) return { kind: 'rejected', reason: 'unreadable' };
      if (error instanceof HardwareError) throw new ReaderUnavailableError(error.message, { cause: error });
      throw error;
    }
    await this.close();
    return this.interpret(chip, request);
  }

  private async interpret(chip: ReadChipResult, request: ReadDocumentRequest): Promise<ReadDocumentOutcome> {
    const { DG1: dg1Bytes, DG2: dg2Bytes, DG14: dg14, DG15: dg15, SOD: sod } = chip.files;
    if (!dg1Bytes || !dg2Bytes || !sod) return { kind: 'rejected', reason: 'unsupported' };
    request.onProgress({ phase: 'verifying', bytesRead: 0, bytesTotal: 0 });
    const at = this.options.now?.() ?? new Date();
    let dg1: DataGroup1;
    try {
      dg1 = parseDg1(dg1Bytes);
    } catch {
      return { kind: 'rejected', reason: 'unreadable' };
    }
    const dataGroups = new Map<number, Uint8Array>([[1, dg1Bytes], [2, dg2Bytes]]);
    if (dg14) dataGroups.set(14, dg14);
    if (dg15) dataGroups.set(15, dg15);
    let trust: CscaStore;
    try {
      trust = CscaStore.fromAuthorityJson(request.csca);
    } catch {
      return { kind: 'rejected', reason: 'untrusted-issuer' };
    }
    const pa = await verifyPassiveAuthentication({ sod, dataGroups, trust, at, issuingState: dg1.issuingState });
    if (pa.result !== 'valid' || !pa.dsc_sha256 || !pa.csca_sha256) return { kind: 'rejected', reason: rejectionForPa(pa.reasons) };
    if (isExpired(dg1, at)) return { kind: 'rejected', reason: 'expired' };
    const auth = chip.chipAuth;
    if (!auth) return { kind: 'rejected', reason: 'unsupported' };
    if (auth.result !== 'valid') return { kind: 'rejected', reason: 'clone' };
    const dg2Hash = pa.sodHashes.get(2);
    if (!dg2Hash) return { kind: 'rejected', reason: 'unsupported' };
    const document: AttestationDocument = {
      kind: 'icao9303',
      dg1: b64u(dg1Bytes),
      sod: b64u(sod),
      ...(dg14 ? { dg14: b64u(dg14) } : {}),
      ...(dg15 ? { dg15: b64u(dg15) } : {}),
      dg2_hash: b64u(dg2Hash),
      pa: { result: 'valid', dsc_sha256: pa.dsc_sha256, csca_sha256: pa.csca_sha256, crl_checked_at: pa.crl_checked_at },
      chip_auth:
        auth.method === 'AA'
          ? { method: 'AA', result: 'valid', aa_signature: b64u(auth.aaSignature ?? new Uint8Array()) }
          : { method: auth.method, result: 'valid' },
    };
    let portrait: FaceReference;
    try {
      portrait = await toFaceReference(dg2Bytes);
    } catch {
      return { kind: 'rejected', reason: 'unsupported' };
    }
    return { kind: 'ok', document, portrait, documentNumber: `${dg1.issuingState}:${dg1.documentNumber}` };
  }
}

/** The first DG2 portrait: JPEG passes through, JPEG 2000 is decoded to RGBA here (the renderer cannot). */
export async function toFaceReference(dg2Bytes: Uint8Array): Promise<FaceReference> {
  const first = parseDg2(dg2Bytes).portraits[0];
  if (!first) throw new Error('DG2 has no portrait');
  if (first.format === 'jpeg') return { format: 'image/jpeg', width: first.width, height: first.height, data: Buffer.from(first.image).toString('base64') };
  const decoded = await decodePortrait(first.image);
  return { format: 'rgba', width: decoded.width, height: decoded.height, data: Buffer.from(decoded.rgba).toString('base64') };
}
