import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { derBlocks, readCertificate, sameBytes, type CertificateInfo } from './certificate';
import { readCrl, type RevocationList } from './crl';
import { readMasterList, type MasterListOptions } from './master-list';
import { TrustStoreError } from './pa-error';

/** The authority's `GET /v1/csca` body (authority-protocol.md §4). */
export const AuthorityCscaList = z.object({
  version: z.string(),
  certificates: z.array(z.string().regex(/^[A-Za-z0-9_-]*$/)),
  crls: z.array(z.string().regex(/^[A-Za-z0-9_-]*$/)),
});
export type AuthorityCscaList = z.infer<typeof AuthorityCscaList>;

/** Trust anchors (CSCAs, including link certificates) and the CRLs of their issuers. */
export class CscaStore {
  private constructor(
    readonly anchors: readonly CertificateInfo[],
    readonly crls: readonly RevocationList[],
    /** The authority's list version, when loaded from it. */
    readonly version?: string,
  ) {}

  static fromDer(certificates: Uint8Array[], crls: Uint8Array[] = [], version?: string): CscaStore {
    return new CscaStore(certificates.map(readCertificate), crls.map(readCrl), version);
  }

  /** From an ICAO master list; its signature is verified first. */
  static fromMasterList(bytes: Uint8Array, options: MasterListOptions & { crls?: Uint8Array[] } = {}): CscaStore {
    return new CscaStore(readMasterList(bytes, options), (options.crls ?? []).map(readCrl));
  }

  /** From the authority's `/v1/csca` JSON (already parsed or as text). */
  static fromAuthorityJson(json: unknown): CscaStore {
    let value = json;
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json);
      } catch {
        throw new TrustStoreError('trust-list-invalid', 'CSCA list is not JSON');
      }
    }
    const parsed = AuthorityCscaList.safeParse(value);
    if (!parsed.success) throw new TrustStoreError('trust-list-invalid', `CSCA list: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));
    return CscaStore.fromDer(parsed.data.certificates.map(bytes), parsed.data.crls.map(bytes), parsed.data.version);
  }

  /**
   * From a folder: certificates as `*.der`, `*.cer`, `*.crt` or `*.pem` (PEM may hold several),
   * CRLs as `*.crl` (DER or PEM), master lists as `*.ml` (verified against their own CSCAs).
   * Other files are ignored.
   */
  static async fromFolder(dir: string): Promise<CscaStore> {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (error) {
      throw new TrustStoreError('unreadable', `cannot read ${dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const certs: CertificateInfo[] = [];
    const crls: RevocationList[] = [];
    for (const name of names) {
      const ext = name.toLowerCase().split('.').pop() ?? '';
      if (!['der', 'cer', 'crt', 'pem', 'crl', 'ml'].includes(ext)) continue;
      const bytes = new Uint8Array(await readFile(join(dir, name)));
      if (ext === 'crl') crls.push(...derBlocks(bytes, 'X509 CRL').map(readCrl));
      else if (ext === 'ml') certs.push(...readMasterList(bytes));
      else certs.push(...derBlocks(bytes, 'CERTIFICATE').map(readCertificate));
    }
    return new CscaStore(certs, crls);
  }

  merge(other: CscaStore): CscaStore {
    return new CscaStore([...this.anchors, ...other.anchors], [...this.crls, ...other.crls], this.version ?? other.version);
  }

  /** Anchors whose subject is the certificate's issuer (by DER name; key identifiers narrow it). */
  candidateIssuers(cert: CertificateInfo): CertificateInfo[] {
    return this.anchors.filter(
      (a) =>
        sameBytes(a.subjectDer, cert.issuerDer) &&
        (!cert.authorityKeyIdentifier || !a.subjectKeyIdentifier || sameBytes(cert.authorityKeyIdentifier, a.subjectKeyIdentifier)),
    );
  }

  /** CRLs that name this anchor as issuer (their signatures are checked by the caller). */
  crlsNaming(anchor: CertificateInfo): RevocationList[] {
    return this.crls.filter((c) => sameBytes(c.issuerDer, anchor.subjectDer));
  }
}
