import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

/** Trust anchors for passive authentication, as served by GET /v1/csca. */
export interface TrustAnchors {
  version: string;
  certificates: Uint8Array[];
  crls: Uint8Array[];
}

export class TrustStoreError extends Error {
  readonly code = 'trust-store';
  constructor(message: string) {
    super(message);
    this.name = 'TrustStoreError';
  }
}

const CERT_EXT = new Set(['.der', '.cer', '.crt', '.pem']);
const CRL_EXT = new Set(['.crl']);

function derFrom(bytes: Buffer, label: string): Uint8Array[] {
  const text = bytes.toString('latin1');
  if (!text.includes('-----BEGIN')) return [new Uint8Array(bytes)];
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
}

/** Reads CSCA certificates and CRLs from a folder; the version is a digest of the whole set. */
export function loadTrustAnchors(dir: string): TrustAnchors {
  mkdirSync(dir, { recursive: true });
  const certificates: Uint8Array[] = [];
  const crls: Uint8Array[] = [];
  for (const name of readdirSync(dir).sort()) {
    const ext = extname(name).toLowerCase();
    if (CERT_EXT.has(ext)) certificates.push(...derFrom(readFileSync(join(dir, name)), 'CERTIFICATE'));
    else if (CRL_EXT.has(ext)) crls.push(...derFrom(readFileSync(join(dir, name)), 'X509 CRL'));
  }
  const digest = createHash('sha256');
  for (const der of [...certificates, ...crls]) digest.update(createHash('sha256').update(der).digest());
  return { version: digest.digest('base64url').slice(0, 22), certificates, crls };
}

/** Copies a CSCA certificate or CRL into the trust folder (admin CLI). */
export function importTrustFile(dir: string, file: string, kind: 'csca' | 'crl'): string {
  mkdirSync(dir, { recursive: true });
  const ext = extname(file).toLowerCase();
  const ok = kind === 'crl' ? CRL_EXT.has(ext) : CERT_EXT.has(ext);
  if (!ok) throw new TrustStoreError(`${file}: a ${kind} file must end in ${[...(kind === 'crl' ? CRL_EXT : CERT_EXT)].join(', ')}`);
  const target = join(dir, basename(file));
  copyFileSync(file, target);
  return target;
}
