/** Stable codes for every way an LDS file can be unreadable. */
export type LdsErrorCode =
  | 'tlv-truncated'
  | 'tlv-bad-tag'
  | 'tlv-bad-length'
  | 'tlv-trailing-bytes'
  | 'unexpected-tag'
  | 'missing-element'
  | 'asn1-invalid'
  | 'mrz-invalid'
  | 'biometric-invalid'
  | 'image-invalid'
  | 'unsupported';

/** Bad input in an LDS elementary file: a typed error with a stable `code`. */
export class LdsError extends Error {
  override readonly name = 'LdsError';
  constructor(
    readonly code: LdsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Runs a decoder, turning any untyped error from a library into an LdsError. */
export function asLdsError(code: LdsErrorCode, what: string, error: unknown): LdsError {
  if (error instanceof LdsError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new LdsError(code, `${what}: ${detail}`);
}
