import { createHash } from 'node:crypto';
import { LdsError } from '../lds/lds-error';
import { parseSignedContent, parseSod, type DocumentSecurityObject, type HashAlgorithmName, type SignedContent } from '../lds/sod';
import { sameBytes, type CertificateInfo } from './certificate';
import { embeddedCertificates, findSignerCertificate, verifySignedContent } from './cms';
import { countryMatches } from './country';
import type { CscaStore } from './csca-store';

/** Why passive authentication refused a document; one stable code per failure. */
export type PassiveAuthenticationReason =
  | 'sod-malformed'
  | 'sod-unsupported-algorithm'
  | 'sod-digest-mismatch'
  | 'sod-signature-invalid'
  | 'dsc-missing'
  | 'unknown-csca'
  | 'dsc-signature-invalid'
  | 'dsc-expired'
  | 'dsc-not-yet-valid'
  | 'csca-expired'
  | 'csca-not-yet-valid'
  | 'country-mismatch'
  | 'dsc-revoked'
  | 'crl-signature-invalid'
  | 'crl-stale'
  | 'crl-missing'
  | 'dg-missing'
  | 'dg-not-in-sod'
  | 'dg-hash-mismatch';

export type PassiveAuthenticationCheckName =
  | 'sod-structure'
  | 'sod-signature'
  | 'dsc-issuer'
  | 'dsc-validity'
  | 'csca-validity'
  | 'country'
  | 'revocation'
  | 'data-group-hash';

export interface PassiveAuthenticationCheck {
  check: PassiveAuthenticationCheckName;
  /** `skipped`: an earlier failure made the check meaningless, or (revocation) no CRL was available. */
  status: 'passed' | 'failed' | 'skipped';
  reason?: PassiveAuthenticationReason;
  detail: string;
  /** For `data-group-hash`: the data group checked. */
  dataGroup?: number;
}

export interface PassiveAuthenticationInput {
  /** EF.SOD as read from the chip. */
  sod: Uint8Array;
  /** Every data group read, by number (EF bytes as read). DG1 is required. */
  dataGroups: ReadonlyMap<number, Uint8Array>;
  /** Hash of DG2 (with the SOD's algorithm) when DG2 itself is not at hand (authority side). */
  dg2Hash?: Uint8Array;
  trust: CscaStore;
  /** The moment validity periods and CRL freshness are judged at. */
  at: Date;
  /** The MRZ issuing state (3 letters, or D), compared with the certificates' country. */
  issuingState: string;
  /** Fail when no CRL of the CSCA is available (default: a missing CRL is reported, not fatal). */
  requireCrl?: boolean;
}

export interface PassiveAuthenticationResult {
  result: 'valid' | 'invalid';
  /** The failing checks' reasons, in check order, without duplicates. */
  reasons: PassiveAuthenticationReason[];
  checks: PassiveAuthenticationCheck[];
  /** base64url SHA-256 of the DSC's DER, when found in the SOD. */
  dsc_sha256: string | null;
  /** base64url SHA-256 of the CSCA's DER, when the DSC chained to one. */
  csca_sha256: string | null;
  /** RFC 3339 time at which a current, authentic CRL was consulted; null when none was. */
  crl_checked_at: string | null;
  hashAlgorithm: HashAlgorithmName | null;
  /** The SOD's data group hashes (e.g. for the attestation's `dg2_hash`). */
  sodHashes: ReadonlyMap<number, Uint8Array>;
}

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

const ALL_CHECKS: PassiveAuthenticationCheckName[] = [
  'sod-structure',
  'sod-signature',
  'dsc-issuer',
  'dsc-validity',
  'csca-validity',
  'country',
  'revocation',
];

/** Collects checks in a fixed order; the verdict is derived from them. */
class CheckList {
  readonly checks: PassiveAuthenticationCheck[] = [];
  pass: Pass = (check, detail, dataGroup) =>
    this.checks.push({ check, status: 'passed', detail, ...(dataGroup !== undefined ? { dataGroup } : {}) });
  fail: Fail = (check, reason, detail, dataGroup) =>
    this.checks.push({ check, status: 'failed', reason, detail, ...(dataGroup !== undefined ? { dataGroup } : {}) });
  skip(check: PassiveAuthenticationCheckName, detail: string): void {
    this.checks.push({ check, status: 'skipped', detail });
  }
  skipRest(detail: string): void {
    for (const name of ALL_CHECKS) if (!this.checks.some((c) => c.check === name)) this.skip(name, detail);
  }
  sorted(): PassiveAuthenticationCheck[] {
    const order = (c: PassiveAuthenticationCheck) => {
      const i = ALL_CHECKS.indexOf(c.check);
      return i === -1 ? ALL_CHECKS.length : i;
    };
    return [...this.checks].sort((a, b) => order(a) - order(b) || (a.dataGroup ?? 0) - (b.dataGroup ?? 0));
  }
  reasons(): PassiveAuthenticationReason[] {
    return [...new Set(this.sorted().flatMap((c) => (c.status === 'failed' && c.reason ? [c.reason] : [])))];
  }
}

interface ChainInput {
  trust: CscaStore;
  at: Date;
  issuingState: string;
  requireCrl?: boolean;
}

/** Signature of a signed security object by its DSC, and the DSC → CSCA chain (ICAO 9303-11 §5.1.1). */
function checkSignerChain(
  content: SignedContent,
  what: string,
  input: ChainInput,
  list: CheckList,
): { dsc?: CertificateInfo; csca?: CertificateInfo; crlCheckedAt: string | null } {
  const dsc = findSignerCertificate(content, embeddedCertificates(content));
  if (!dsc) {
    list.fail('sod-signature', 'dsc-missing', `no certificate in ${what} matches the signer`);
    list.skipRest('no Document Signer certificate');
    return { crlCheckedAt: null };
  }
  const signature = verifySignedContent(content, dsc);
  if (signature.ok) list.pass('sod-signature', `${what} signed by the DSC it carries`);
  else {
    const reason = ({ 'digest-mismatch': 'sod-digest-mismatch', 'signature-invalid': 'sod-signature-invalid', 'unsupported-algorithm': 'sod-unsupported-algorithm' } as const)[signature.failure];
    list.fail('sod-signature', reason, signature.detail);
  }
  const csca = checkIssuer(dsc, input.trust, list.pass, list.fail);
  checkValidity('dsc-validity', dsc, input.at, 'dsc', list.pass, list.fail);
  if (!csca) {
    list.skipRest('DSC not issued by a trusted CSCA');
    return { dsc, crlCheckedAt: null };
  }
  checkValidity('csca-validity', csca, input.at, 'csca', list.pass, list.fail);
  const bad = [dsc, csca].filter((c) => !countryMatches(input.issuingState, c.country));
  if (bad.length === 0) list.pass('country', `certificates' country ${dsc.country ?? ''} fits issuing state ${input.issuingState}`);
  else list.fail('country', 'country-mismatch', `issuing state ${input.issuingState}, certificate country ${bad.map((c) => c.country ?? 'none').join('/')}`);
  const crlCheckedAt = checkRevocation(dsc, csca, input, list.pass, list.fail, (detail) => list.skip('revocation', detail));
  return { dsc, csca, crlCheckedAt };
}

/**
 * Passive authentication (ICAO 9303-11 §5.1, 9303-12 §7): SOD signature by its DSC, DSC issued by
 * a trusted CSCA of the issuing state and valid at `at`, DSC not revoked, and every data group
 * read hashing to the SOD's value. Pure: no I/O, no clock but `at`.
 */
export async function verifyPassiveAuthentication(input: PassiveAuthenticationInput): Promise<PassiveAuthenticationResult> {
  const list = new CheckList();
  let sod: DocumentSecurityObject | undefined;
  try {
    sod = parseSod(input.sod);
    list.pass('sod-structure', `LDSSecurityObject v${sod.securityObject.version}, ${sod.securityObject.hashAlgorithm}`);
  } catch (error) {
    list.fail('sod-structure', 'sod-malformed', error instanceof LdsError ? `${error.code}: ${error.message}` : String(error));
    list.skipRest('EF.SOD unreadable');
  }
  const chain = sod ? checkSignerChain(sod, 'EF.SOD', input, list) : { crlCheckedAt: null };
  if (sod) checkDataGroups(sod, input, list.pass, list.fail);
  const reasons = list.reasons();
  const anyDataGroupChecked = list.checks.some((c) => c.check === 'data-group-hash' && c.status === 'passed');
  return {
    result: reasons.length === 0 && anyDataGroupChecked ? 'valid' : 'invalid',
    reasons,
    checks: list.sorted(),
    dsc_sha256: chain.dsc ? b64u(chain.dsc.sha256) : null,
    csca_sha256: chain.csca ? b64u(chain.csca.sha256) : null,
    crl_checked_at: chain.crlCheckedAt,
    hashAlgorithm: sod?.securityObject.hashAlgorithm ?? null,
    sodHashes: sod?.securityObject.dataGroupHashes ?? new Map(),
  };
}

/** ICAO 9303-11 §9.2 / BSI TR-03110: eContentType of EF.CardSecurity (id-SecurityObject). */
const SECURITY_OBJECT_OID = '0.4.0.127.0.7.3.2.1';

export interface CardSecurityInput extends ChainInput {
  /** EF.CardSecurity as read from the chip (ContentInfo, no outer tag). */
  cardSecurity: Uint8Array;
}

export interface CardSecurityResult {
  result: 'valid' | 'invalid';
  /** `sod-*` reasons here refer to EF.CardSecurity, the signed object checked. */
  reasons: PassiveAuthenticationReason[];
  checks: PassiveAuthenticationCheck[];
  dsc_sha256: string | null;
  csca_sha256: string | null;
  crl_checked_at: string | null;
  /** The signed SecurityInfos (SET OF SecurityInfo), to trust only when `result` is valid. */
  securityInfos: Uint8Array | null;
}

/**
 * Passive authentication of EF.CardSecurity: the chip's static key used by PACE-CAM and the
 * SecurityInfos are authentic only once this signature chains to a trusted CSCA.
 */
export async function verifyCardSecurity(input: CardSecurityInput): Promise<CardSecurityResult> {
  const list = new CheckList();
  let content: SignedContent | undefined;
  try {
    content = parseSignedContent(input.cardSecurity, SECURITY_OBJECT_OID, 'EF.CardSecurity');
    list.pass('sod-structure', 'EF.CardSecurity is SignedData over SecurityInfos');
  } catch (error) {
    list.fail('sod-structure', 'sod-malformed', error instanceof LdsError ? `${error.code}: ${error.message}` : String(error));
    list.skipRest('EF.CardSecurity unreadable');
  }
  const chain = content ? checkSignerChain(content, 'EF.CardSecurity', input, list) : { crlCheckedAt: null };
  const reasons = list.reasons();
  return {
    result: content && reasons.length === 0 ? 'valid' : 'invalid',
    reasons,
    checks: list.sorted(),
    dsc_sha256: chain.dsc ? b64u(chain.dsc.sha256) : null,
    csca_sha256: chain.csca ? b64u(chain.csca.sha256) : null,
    crl_checked_at: chain.crlCheckedAt,
    securityInfos: content?.eContent ?? null,
  };
}

type Pass = (check: PassiveAuthenticationCheckName, detail: string, dataGroup?: number) => void;
type Fail = (check: PassiveAuthenticationCheckName, reason: PassiveAuthenticationReason, detail: string, dataGroup?: number) => void;

function checkIssuer(dsc: CertificateInfo, trust: CscaStore, pass: Pass, fail: Fail): CertificateInfo | undefined {
  const candidates = trust.candidateIssuers(dsc);
  if (candidates.length === 0) {
    fail('dsc-issuer', 'unknown-csca', 'no trusted CSCA has the DSC issuer name');
    return undefined;
  }
  const csca = candidates.find((c) => dsc.isSignedBy(c));
  if (!csca) {
    fail('dsc-issuer', 'dsc-signature-invalid', `DSC signature verifies with none of ${candidates.length} CSCA(s) of that name`);
    return undefined;
  }
  pass('dsc-issuer', 'DSC signed by a trusted CSCA');
  return csca;
}

function checkValidity(check: 'dsc-validity' | 'csca-validity', cert: CertificateInfo, at: Date, who: 'dsc' | 'csca', pass: Pass, fail: Fail): void {
  const period = `${cert.notBefore.toISOString()} – ${cert.notAfter.toISOString()}`;
  if (at < cert.notBefore) fail(check, `${who}-not-yet-valid`, `valid from ${period}`);
  else if (at > cert.notAfter) fail(check, `${who}-expired`, `valid ${period}`);
  else pass(check, `valid ${period}`);
}

function checkRevocation(
  dsc: CertificateInfo,
  csca: CertificateInfo,
  input: ChainInput,
  pass: Pass,
  fail: Fail,
  skip: (detail: string) => void,
): string | null {
  const named = input.trust.crlsNaming(csca);
  const authentic = named.filter((crl) => crl.isSignedBy(csca));
  if (named.length > 0 && authentic.length === 0) {
    fail('revocation', 'crl-signature-invalid', `${named.length} CRL(s) name the CSCA but none is signed by it`);
    return null;
  }
  // Revocation is final: an older authentic CRL listing the DSC is enough.
  if (authentic.some((crl) => crl.revokes(dsc.serialNumber))) {
    fail('revocation', 'dsc-revoked', 'the CSCA revoked this DSC');
    return null;
  }
  if (authentic.length === 0) {
    if (input.requireCrl) fail('revocation', 'crl-missing', 'no CRL of the CSCA is available');
    else skip('no CRL of the CSCA is available');
    return null;
  }
  const current = authentic.filter((crl) => crl.thisUpdate <= input.at && (!crl.nextUpdate || input.at <= crl.nextUpdate));
  if (current.length === 0) {
    fail('revocation', 'crl-stale', 'every CRL of the CSCA is past its next update (or not yet issued)');
    return null;
  }
  pass('revocation', `DSC not on the CSCA's CRL (issued ${current[0]?.thisUpdate.toISOString() ?? ''})`);
  return input.at.toISOString();
}

function checkDataGroups(sod: DocumentSecurityObject, input: PassiveAuthenticationInput, pass: Pass, fail: Fail): void {
  const { hashAlgorithm, dataGroupHashes } = sod.securityObject;
  if (!input.dataGroups.has(1)) fail('data-group-hash', 'dg-missing', 'DG1 was not supplied', 1);
  const compare = (dg: number, actual: Uint8Array) => {
    const expected = dataGroupHashes.get(dg);
    if (!expected) fail('data-group-hash', 'dg-not-in-sod', `DG${dg} has no hash in the SOD`, dg);
    else if (!sameBytes(expected, actual)) fail('data-group-hash', 'dg-hash-mismatch', `DG${dg} does not hash to the SOD's value`, dg);
    else pass('data-group-hash', `DG${dg} ${hashAlgorithm} matches`, dg);
  };
  for (const [dg, bytes] of [...input.dataGroups.entries()].sort(([a], [b]) => a - b)) {
    compare(dg, new Uint8Array(createHash(hashAlgorithm).update(bytes).digest()));
  }
  if (input.dg2Hash && !input.dataGroups.has(2)) compare(2, input.dg2Hash);
}
