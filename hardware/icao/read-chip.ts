import { createHash } from 'node:crypto';
import type { ApduTransceiver } from '../apdu/transceiver';
import { verifyActiveAuthentication } from './active-authentication';
import { performBac, systemRandom, type RandomSource } from './bac';
import { ChipChannel } from './channel';
import { performChipAuthentication } from './chip-authentication';
import { SUPPORTED_PARAMETER_IDS, type EcGroup } from './domain-parameters';
import { AccessControlError, CardStatusError, ChipAuthenticationError, IcaoError, SecureMessagingError } from './errors';
import { readFile, selectApplication, selectFile, type FragmentCache } from './file-reader';
import { EMRTD_AID, dataGroupForTag, type ChipFileName } from './files';
import { decodeAgreementPublicKey } from './keys';
import { mrzInformation, type MrzKeySeed } from './mrz-key';
import { paceProtocol } from './oids';
import { performPace, verifyChipAuthenticationMapping, type PacePassword, type PaceResult } from './pace';
import { cardSecurityContent, parseSecurityInfos, type SecurityInfo } from './security-infos';
import { readTlv, readTlvs } from './tlv';

export interface AccessPolicy {
  /** Try PACE first whenever EF.CardAccess announces it (ICAO 9303-11 §4.2). */
  paceFirst: true;
  /** Fall back to BAC when PACE is absent or fails (needs the MRZ). */
  bacFallback: boolean;
}

export interface ReadChipOptions {
  access: PacePassword;
  policy?: AccessPolicy;
  /** Files to read from the eMRTD application; DG14/DG15 are added when chip authentication needs them. */
  files: ChipFileName[];
  /** The caller's 8-byte AA challenge (the authority's `aa_challenge`). */
  aaChallenge?: Uint8Array;
  chipAuthentication: boolean;
  onProgress?(bytesRead: number, bytesTotal: number): void;
  cache?: FragmentCache;
  random?: RandomSource;
  now?: () => number;
  /** Stops the session between two APDUs (IcaoError code `aborted`); the fragment cache keeps what was read. */
  signal?: AbortSignal;
}

export type AccessProtocolResult =
  | { protocol: 'BAC' }
  | { protocol: 'PACE'; oid: string; parameterId: number; mapping: 'GM' | 'IM' | 'CAM'; cipher: string; password: 'MRZ' | 'CAN' };

export interface ChipAuthResult {
  method: 'AA' | 'CA' | 'PACE-CAM';
  result: 'valid' | 'invalid';
  /** AA only: the chip's signature over the caller's challenge. */
  aaSignature?: Uint8Array;
  detail?: string;
}

export interface ReadChipResult {
  accessProtocol: AccessProtocolResult;
  files: Partial<Record<ChipFileName, Uint8Array>>;
  /** Requested data groups the chip does not have (not listed in EF.COM). */
  absent: ChipFileName[];
  /** Absent when chip authentication was not requested or the chip offers none. */
  chipAuth?: ChipAuthResult;
  /** Every chip-auth step performed (e.g. CA and AA); chipAuth is the one reported. */
  chipAuthSteps: ChipAuthResult[];
  timings: { apdus: number; bytes: number; ms: number };
}

/** The cache key for a document: a hash of its access password, never the MRZ itself. */
export function documentCacheKey(access: PacePassword): string {
  const basis = 'mrz' in access ? `mrz:${mrzInformation(access.mrz)}` : `can:${access.can}`;
  return createHash('sha256').update(basis).digest('hex').slice(0, 32);
}

function choosePace(infos: SecurityInfo[]): { protocol: string; parameterId: number } | undefined {
  const candidates = infos.flatMap((i) => {
    if (i.kind !== 'PACEInfo' || i.parameterId === undefined) return [];
    const p = paceProtocol(i.protocol);
    if (!p || !SUPPORTED_PARAMETER_IDS.includes(i.parameterId)) return [];
    if (p.mapping === 'IM' && (p.agreement !== 'ECDH' || p.cipher !== 'AES-128')) return [];
    return [{ protocol: i.protocol, parameterId: i.parameterId, rank: (p.mapping === 'CAM' ? 0 : p.mapping === 'GM' ? 1 : 2) + (p.agreement === 'ECDH' ? 0 : 3) }];
  });
  candidates.sort((a, b) => a.rank - b.rank);
  const c = candidates[0];
  return c ? { protocol: c.protocol, parameterId: c.parameterId } : undefined;
}

/**
 * Reads an eMRTD: access control (PACE first when EF.CardAccess announces it, BAC fallback by
 * policy), the requested files under secure messaging, then chip authentication (PACE-CAM, CA
 * and/or AA). Interpretation (DG parsing, passive authentication) is the caller's.
 */
export async function readChip(transceiver: ApduTransceiver, options: ReadChipOptions): Promise<ReadChipResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const random = options.random ?? systemRandom;
  const policy = options.policy ?? { paceFirst: true, bacFallback: true };
  const channel = new ChipChannel(transceiver, options.signal);
  const document = documentCacheKey(options.access);
  const files: Partial<Record<ChipFileName, Uint8Array>> = {};
  const totals = new Map<ChipFileName, { read: number; total: number }>();
  const progress = (file: ChipFileName, read: number, total: number | undefined) => {
    totals.set(file, { read, total: total ?? read });
    let r = 0;
    let t = 0;
    for (const v of totals.values()) {
      r += v.read;
      t += v.total;
    }
    options.onProgress?.(r, t);
  };
  const read = (name: ChipFileName) =>
    readFile(channel, name, { cache: options.cache, document, onBytes: progress });

  // ICAO 9303-11 §4.2: EF.CardAccess (plain, in the master file) tells whether PACE is offered.
  let cardAccess: SecurityInfo[] = [];
  try {
    const raw = await read('CardAccess');
    files.CardAccess = raw;
    cardAccess = parseSecurityInfos(raw);
  } catch (e) {
    if (!(e instanceof IcaoError) || e instanceof SecureMessagingError) throw e;
    // No EF.CardAccess (6A82) or unreadable: BAC only.
  }

  let accessProtocol: AccessProtocolResult | undefined;
  let pace: PaceResult | undefined;
  const paceChoice = choosePace(cardAccess);
  if (paceChoice) {
    try {
      pace = await performPace(channel, paceChoice, options.access, random);
      accessProtocol = {
        protocol: 'PACE',
        oid: pace.protocol.oid,
        parameterId: pace.parameterId,
        mapping: pace.protocol.mapping,
        cipher: pace.protocol.cipher,
        password: 'mrz' in options.access ? 'MRZ' : 'CAN',
      };
    } catch (e) {
      if (!(e instanceof AccessControlError || e instanceof CardStatusError) || !policy.bacFallback || !('mrz' in options.access)) throw e;
      channel.sm = undefined;
    }
  }

  let cardSecurity: Uint8Array | undefined;
  if (accessProtocol) {
    if (pace?.cam || options.files.includes('CardSecurity')) {
      // EF.CardSecurity (master file, readable after PACE) carries the chip's static key for the CAM check.
      try {
        cardSecurity = await read('CardSecurity');
        files.CardSecurity = cardSecurity;
      } catch (e) {
        if (pace?.cam || !(e instanceof IcaoError) || e.code !== 'file-not-found') throw e;
      }
    }
    await selectApplication(channel, EMRTD_AID);
  } else {
    if (!('mrz' in options.access)) {
      throw new AccessControlError('no-access-protocol', 'the chip offers no PACE this reader supports, and BAC needs the MRZ');
    }
    await selectApplication(channel, EMRTD_AID);
    await performBac(channel, options.access.mrz, random);
    accessProtocol = { protocol: 'BAC' };
  }

  const wanted = new Set<ChipFileName>(options.files.filter((f) => f !== 'CardAccess' && f !== 'CardSecurity'));
  const chipAuthSteps: ChipAuthResult[] = [];
  if (options.chipAuthentication) {
    wanted.add('DG14');
    if (options.aaChallenge) wanted.add('DG15');
  }
  // EF.COM lists which DGs exist; optional DGs that are absent are skipped rather than failing.
  const com = await read('COM');
  files.COM = com;
  const present = new Set<ChipFileName>(['COM', 'SOD']);
  try {
    const tagList = readTlvs(readTlv(com).value).find((t) => t.tag === 0x5c)?.value ?? new Uint8Array(0);
    for (const tag of tagList) {
      const dg = dataGroupForTag(tag);
      if (dg) present.add(dg);
    }
  } catch {
    for (const f of wanted) present.add(f);
  }
  const absent: ChipFileName[] = [];
  const readIfPresent = async (name: ChipFileName) => {
    if (files[name] || !wanted.has(name) || absent.includes(name)) return;
    if (!present.has(name)) {
      absent.push(name);
      return;
    }
    files[name] = await read(name);
  };

  // Chip Authentication first, so the remaining files travel under its stronger keys.
  let caConfirmedAfter: number | undefined;
  if (options.chipAuthentication) {
    await readIfPresent('DG14');
    const dg14 = files.DG14;
    if (pace?.cam && cardSecurity) {
      chipAuthSteps.push(checkCam(pace, cardSecurity));
    } else if (dg14) {
      const hasCa = parseSecurityInfos(dg14).some((i) => i.kind === 'ChipAuthenticationInfo');
      if (hasCa) {
        await performChipAuthentication(channel, dg14, random);
        caConfirmedAfter = channel.stats.apdus;
      }
    }
  }
  try {
    for (const name of wanted) await readIfPresent(name);
    if (caConfirmedAfter !== undefined) {
      // ICAO 9303-11 §6.2: CA authenticates implicitly — a protected response must verify under the
      // new keys. A file read after CA already did; otherwise ask for one.
      if (channel.stats.apdus === caConfirmedAfter) await selectFile(channel, 0x011e, 'EF.COM');
      chipAuthSteps.unshift({ method: 'CA', result: 'valid' });
    }
  } catch (e) {
    // The first response under the CA keys does not verify: the chip does not hold DG14's key.
    if (e instanceof SecureMessagingError && caConfirmedAfter !== undefined && channel.stats.apdus === caConfirmedAfter + 1) {
      throw new ChipAuthenticationError('chip-authentication-failed', 'the chip cannot answer under the Chip Authentication keys (DG14 key not its own)', { cause: e });
    }
    throw e;
  }

  if (options.chipAuthentication && options.aaChallenge && files.DG15) {
    if (options.aaChallenge.length !== 8) throw new IcaoError('bad-argument', 'the AA challenge is 8 bytes');
    const r = await channel.send({ cla: 0, ins: 0x88, p1: 0, p2: 0, data: options.aaChallenge, le: 256 });
    if (r.sw !== 0x9000) throw new CardStatusError(r.sw, 'INTERNAL AUTHENTICATE');
    const verdict = verifyActiveAuthentication({ dg15: files.DG15, ...(files.DG14 ? { dg14: files.DG14 } : {}), challenge: options.aaChallenge, signature: r.data });
    chipAuthSteps.push({ method: 'AA', result: verdict.valid ? 'valid' : 'invalid', aaSignature: r.data, ...(verdict.reason ? { detail: verdict.reason } : {}) });
  }

  // The reported method: AA when performed (the authority can re-verify it), otherwise CA / PACE-CAM.
  const chipAuth = chipAuthSteps.find((s) => s.method === 'AA') ?? chipAuthSteps[0];
  return {
    accessProtocol,
    files,
    absent,
    ...(chipAuth ? { chipAuth } : {}),
    chipAuthSteps,
    timings: { apdus: channel.stats.apdus, bytes: channel.stats.bytes, ms: now() - started },
  };
}

function checkCam(pace: PaceResult, cardSecurity: Uint8Array): ChipAuthResult {
  const cam = pace.cam!;
  try {
    const infos = parseSecurityInfos(cardSecurityContent(cardSecurity));
    const keys = infos.filter((i) => i.kind === 'ChipAuthenticationPublicKeyInfo');
    for (const k of keys) {
      if (k.kind !== 'ChipAuthenticationPublicKeyInfo') continue;
      const pub = decodeAgreementPublicKey(k.subjectPublicKeyInfo);
      if (pub.kind !== 'EC') continue;
      if (verifyChipAuthenticationMapping(pub.group as EcGroup, cam.chipAuthenticationData, pub.point, cam.chipMappingPublicKey)) {
        return { method: 'PACE-CAM', result: 'valid' };
      }
    }
    return { method: 'PACE-CAM', result: 'invalid', detail: 'no EF.CardSecurity key matches the chip authentication data' };
  } catch (e) {
    return { method: 'PACE-CAM', result: 'invalid', detail: e instanceof Error ? e.message : String(e) };
  }
}

export type { MrzKeySeed, PacePassword };
