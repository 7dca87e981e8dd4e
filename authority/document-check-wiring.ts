import { verifyActiveAuthentication } from '../hardware/icao/active-authentication';
import { CscaStore } from '../hardware/icao/pa/csca-store';
import { verifyPassiveAuthentication } from '../hardware/icao/pa/passive-authentication';
import {
  type ActiveAuthenticationPort,
  createDocumentCheck,
  type DocumentCheck,
  type PassiveAuthenticationPort,
} from './document-check';
import type { TrustAnchors } from './trust-store';

export interface HardwareDocumentCheckOptions {
  /** Refuse a document whose CSCA has no CRL available (default: a missing CRL is not fatal). */
  requireCrl?: boolean;
}

/** Step 5 with the project's plain-Node ICAO 9303-11 verifiers (hardware/icao). */
export function hardwarePorts(options: HardwareDocumentCheckOptions = {}): {
  passiveAuthentication: PassiveAuthenticationPort;
  activeAuthentication: ActiveAuthenticationPort;
} {
  // The trust folder changes rarely: parse the certificates once per version.
  let cached: { version: string; store: CscaStore } | undefined;
  const storeFor = (trust: TrustAnchors): CscaStore => {
    if (cached?.version !== trust.version) cached = { version: trust.version, store: CscaStore.fromDer(trust.certificates, trust.crls, trust.version) };
    return cached.store;
  };
  return {
    async passiveAuthentication({ sod, dataGroups, dataGroupHashes, at, trust, issuingState }) {
      const dg2Hash = dataGroupHashes.get(2);
      const result = await verifyPassiveAuthentication({
        sod,
        dataGroups,
        ...(dg2Hash ? { dg2Hash } : {}),
        trust: storeFor(trust),
        at,
        issuingState,
        ...(options.requireCrl ? { requireCrl: true } : {}),
      });
      if (result.result !== 'valid' || result.dsc_sha256 === null || result.csca_sha256 === null) {
        throw new Error(result.reasons.join(', ') || 'passive authentication failed');
      }
      return {
        dscSha256: new Uint8Array(Buffer.from(result.dsc_sha256, 'base64url')),
        cscaSha256: new Uint8Array(Buffer.from(result.csca_sha256, 'base64url')),
      };
    },
    activeAuthentication(input) {
      const verdict = verifyActiveAuthentication(input);
      if (!verdict.valid) throw new Error(verdict.reason ?? 'signature does not verify');
      return true;
    },
  };
}

export async function documentCheckFromHardware(options: HardwareDocumentCheckOptions = {}): Promise<DocumentCheck> {
  return createDocumentCheck(hardwarePorts(options));
}
