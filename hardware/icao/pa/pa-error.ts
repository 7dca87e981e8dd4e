export type TrustStoreErrorCode =
  | 'certificate-invalid'
  | 'crl-invalid'
  | 'master-list-invalid'
  | 'master-list-signature-invalid'
  | 'trust-list-invalid'
  | 'unreadable';

/** A trust anchor source that cannot be used: typed, with a stable `code`. */
export class TrustStoreError extends Error {
  override readonly name = 'TrustStoreError';
  constructor(
    readonly code: TrustStoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
