/**
 * The session's DocumentReaderService for ICAO 9303 chips on a CCID reader: waits for the card,
 * reads it (PACE/BAC, secure messaging, chip authentication over the authority's challenge),
 * runs passive authentication against the authority's CSCA list, and reduces the result to the
 * attestation's `doc` plus the portrait for the face step. A card lifted mid-read resumes from
 * the fragment cache when it is put back.
 *
 * Personal data (DG1, DG2, the cache) lives in memory only and is dropped when a read ends.
 */
import { createHash } from 'node:crypto';
import type { CardReader } from '../../../hardware/ccid/ccid-reader';
import { AccessControlError, CardStatusError, IcaoError } from '../../../hardware/icao/errors';
import { MemoryFragmentCache } from '../../../hardware/icao/file-reader';
import { parseDg1 } from '../../../hardware/icao/lds/dg1';
import { parseDg2 } from '../../../hardware/icao/lds/dg2';
import { decodePortrait } from '../../../hardware/icao/lds/portrait';
import { CscaStore } from '../../../hardware/icao/pa/csca-store';
import { verifyPassiveAuthentication, type PassiveAuthenticationReason } from '../../../hardware/icao/pa/passive-authentication';
import type { PacePassword } from '../../../hardware/icao/pace';
import { readChip } from '../../../hardware/icao/read-chip';
import type { DocumentRejection, FaceReference } from '../../common/session-state';
import type { AttestationDocument } from '../attestation/schema';
import { ReaderUnavailableError, type DocumentReaderService, type ReadDocumentOutcome, type ReadDocumentRequest } from '../session/services';

export interface ChipDocumentReaderOptions {
  /** The card reader; opened (or re-opened) on demand. Throws when the reader is not there. */
  reader(): Promise<CardReader>;
  /** Presence polling while waiting for a card. */
  pollMs?: number;
  /** How long presence polls may keep failing (reader busy, not answering) before it counts as gone. */
  unresponsiveGraceMs?: number;
  now?: () => Date;
}

/**
 * Many presence polls' worth of failures in a row. Short against the card-wait bound, long
 * against a reader that missed its ACK timeout once (§1: three tries of 300 ms) while busy.
 */
export const READER_UNRESPONSIVE_GRACE_MS = 5_000;

/**
 * A failed presence poll while waiting for the card: a reader that is gone (unplugged, closed)
 * is out of service at once; one that did not answer for a moment (a typed timeout or framing
 * error: busy, a slow or loaded device) is polled again until `graceMs` of failures in a row.
 */
export function judgePresenceFailure(error: unknown, failingForMs: number, graceMs: number = READER_UNRESPONSIVE_GRACE_MS): 'gone' | 'poll-again' {
  if (isReaderGone(error)) return 'gone';
  const code = (error as { code?: unknown } | null)?.code;
  const transient = code === 'ccid-timeout' || code === 'ccid-frame-error';
  return transient && failingForMs < graceMs ? 'poll-again' : 'gone';
}

/** Fragments of an interrupted read are kept this long for a resume, then dropped. */
const CACHE_LIFETIME_MS = 120_000;

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** ICAO 9303-11 §5.1 failures in the citizen's words. */
export function rejectionFor(reasons: readonly PassiveAuthenticationReason[]): DocumentRejection {
  const first = reasons[0];
  switch (first) {
    case 'dg-hash-mismatch':
    case 'dg-not-in-sod':
    case 'sod-digest-mismatch':
    case 'sod-signature-invalid':
      return 'tampered';
    case 'sod-malformed':
    case 'dg-missing':
      return 'unreadable';
    case 'sod-unsupported-algorithm':
      return 'unsupported';
    default:
      return 'untrusted-issuer';
  }
}

function isRemoval(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'card-removed' || code === 'no-card' || (error instanceof Error && error.name === 'CardRemovedError');
}

function isReaderGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'device-unplugged' || code === 'transport-closed' || (error instanceof Error && error.name === 'DeviceUnpluggedError');
}

/** YYMMDD of an expiry (ICAO 9303-3: a two-digit year of an expiry is in this century). */
function expired(expiryYymmdd: string, now: Date): boolean {
  if (!/^\d{6}$/.test(expiryYymmdd)) return false;
  const iso = `20${expiryYymmdd.slice(0, 2)}-${expiryYymmdd.slice(2, 4)}-${expiryYymmdd.slice(4, 6)}T23:59:59Z`;
  return Date.parse(iso) < now.getTime();
}

async function portraitOf(dg2: Uint8Array): Promise<FaceReference> {
  const portrait = parseDg2(dg2).portraits[0];
  if (!portrait) throw new IcaoError('bad-argument' as never, 'DG2 holds no portrait');
  if (portrait.format === 'jpeg') {
    return { format: 'image/jpeg', width: portrait.width, height: portrait.height, data: Buffer.from(portrait.image).toString('base64') };
  }
  // JPEG 2000 is decoded here (WASM), the renderer gets raw RGBA.
  const decoded = await decodePortrait(portrait.image);
  return { format: 'rgba', width: decoded.width, height: decoded.height, data: Buffer.from(decoded.rgba).toString('base64') };
}

export function createChipDocumentReader(options: ChipDocumentReaderOptions): DocumentReaderService {
  const pollMs = options.pollMs ?? 200;
  const unresponsiveGraceMs = options.unresponsiveGraceMs ?? READER_UNRESPONSIVE_GRACE_MS;
  const now = options.now ?? (() => new Date());
  let cache = new MemoryFragmentCache();
  let staleCache: NodeJS.Timeout | undefined;
  const removalListeners = new Set<() => void>();
  let watched: CardReader | undefined;

  const open = async (): Promise<CardReader> => {
    let reader: CardReader;
    try {
      reader = await options.reader();
    } catch (error) {
      throw new ReaderUnavailableError(error instanceof Error ? error.message : String(error));
    }
    if (watched !== reader) {
      watched = reader;
      reader.on('card-removed', () => {
        for (const listener of removalListeners) listener();
      });
    }
    return reader;
  };

  return {
    async waitForCard(signal) {
      const reader = await open();
      let failingSince: number | undefined;
      while (!signal.aborted) {
        let present = false;
        try {
          present = await reader.cardPresent();
          failingSince = undefined;
        } catch (error) {
          failingSince ??= now().getTime();
          if (judgePresenceFailure(error, now().getTime() - failingSince, unresponsiveGraceMs) === 'gone') {
            throw new ReaderUnavailableError(error instanceof Error ? error.message : String(error));
          }
        }
        if (present) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          const inserted = () => {
            clearTimeout(timer);
            resolve();
          };
          reader.once('card-inserted', inserted);
          signal.addEventListener('abort', inserted, { once: true });
          setTimeout(() => reader.off('card-inserted', inserted), pollMs + 10).unref?.();
        });
      }
    },

    onCardRemoved(listener) {
      removalListeners.add(listener);
      return () => removalListeners.delete(listener);
    },

    async readDocument(request: ReadDocumentRequest): Promise<ReadDocumentOutcome> {
      const key = request.accessKey;
      // No MRZ scanner is fitted: the citizen types the MRZ (or the CAN) first.
      if (!key) return { kind: 'access-key-needed', accessKind: 'mrz' };
      const access: PacePassword =
        key.kind === 'mrz'
          ? { mrz: { documentNumber: key.documentNumber, dateOfBirth: key.birthDate, dateOfExpiry: key.expiryDate } }
          : { can: key.can };
      const reader = await open();
      clearTimeout(staleCache);
      const dropCache = () => {
        clearTimeout(staleCache);
        cache = new MemoryFragmentCache();
      };
      // A read cut short (card lifted) keeps what it read so the next read resumes; if no read
      // follows within the card-wait bound, the fragments are dropped all the same.
      request.signal.addEventListener('abort', () => {
        staleCache = setTimeout(dropCache, CACHE_LIFETIME_MS);
        staleCache.unref?.();
      }, { once: true });

      let chip: Awaited<ReturnType<typeof readChip>>;
      try {
        await reader.powerOn();
        chip = await readChip(reader, {
          access,
          files: ['COM', 'DG1', 'DG2', 'SOD'],
          aaChallenge: Uint8Array.from(Buffer.from(request.aaChallenge, 'hex')),
          chipAuthentication: true,
          cache,
          onProgress: (bytesRead, bytesTotal) => request.onProgress({ phase: 'reading', bytesRead, bytesTotal: Math.max(1, bytesTotal) }),
        });
      } catch (error) {
        if (isRemoval(error)) return { kind: 'removed' };
        if (isReaderGone(error)) throw new ReaderUnavailableError(error instanceof Error ? error.message : String(error));
        if (error instanceof AccessControlError || (error instanceof CardStatusError && (error.sw === 0x6300 || (error.sw & 0xfff0) === 0x63c0))) {
          dropCache();
          return { kind: 'access-denied', accessKind: key.kind };
        }
        dropCache();
        if (error instanceof IcaoError) return { kind: 'rejected', reason: 'unreadable' };
        throw error;
      }
      // Everything needed is in memory: the next citizen's read starts from an empty cache.
      dropCache();
      const dg1 = chip.files.DG1;
      const dg2 = chip.files.DG2;
      const sod = chip.files.SOD;
      if (!dg1 || !dg2 || !sod) return { kind: 'rejected', reason: 'unreadable' };
      request.onProgress({ phase: 'verifying', bytesRead: 1, bytesTotal: 1 });

      const mrz = parseDg1(dg1);
      const dataGroups = new Map<number, Uint8Array>([
        [1, dg1],
        [2, dg2],
      ]);
      if (chip.files.DG14) dataGroups.set(14, chip.files.DG14);
      if (chip.files.DG15) dataGroups.set(15, chip.files.DG15);
      const trust = CscaStore.fromAuthorityJson(request.csca);
      const pa = await verifyPassiveAuthentication({ sod, dataGroups, trust, at: now(), issuingState: mrz.issuingState });
      if (pa.result !== 'valid' || !pa.dsc_sha256 || !pa.csca_sha256) return { kind: 'rejected', reason: rejectionFor(pa.reasons) };

      const auth = chip.chipAuth;
      if (!auth) return { kind: 'rejected', reason: 'unsupported' };
      if (auth.result !== 'valid') return { kind: 'rejected', reason: 'clone' };
      if (expired(mrz.expiryDate, now())) return { kind: 'rejected', reason: 'expired' };

      const dg2Hash = pa.sodHashes.get(2) ?? createHash('sha256').update(dg2).digest();
      const document: AttestationDocument = {
        kind: 'icao9303',
        dg1: b64u(dg1),
        sod: b64u(sod),
        ...(chip.files.DG14 ? { dg14: b64u(chip.files.DG14) } : {}),
        ...(chip.files.DG15 ? { dg15: b64u(chip.files.DG15) } : {}),
        dg2_hash: b64u(dg2Hash),
        pa: { result: 'valid', dsc_sha256: pa.dsc_sha256, csca_sha256: pa.csca_sha256, crl_checked_at: pa.crl_checked_at },
        chip_auth:
          auth.method === 'AA'
            ? { method: 'AA', result: 'valid', aa_signature: b64u(auth.aaSignature ?? new Uint8Array()) }
            : { method: auth.method, result: 'valid' },
      };
      let portrait: FaceReference;
      try {
        portrait = await portraitOf(dg2);
      } catch {
        return { kind: 'rejected', reason: 'unreadable' };
      }
      return { kind: 'ok', document, portrait, documentNumber: mrz.documentNumber };
    },
  };
}
