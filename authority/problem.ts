/** Problem codes of the kiosk ↔ authority protocol (authority-protocol.md, "Problem codes"). */
export const PROBLEM_STATUS = {
  'bad-request': 400,
  'bad-signature': 401,
  stale: 401,
  'replayed-request': 401,
  'terminal-revoked': 403,
  'enrollment-token-invalid': 403,
  'not-found': 404,
  'already-bound': 409,
  'session-state': 409,
  'in-progress': 409,
  'idempotency-mismatch': 422,
  'bad-code': 422,
  'document-invalid': 422,
  'holder-mismatch': 422,
  policy: 422,
  'too-many-attempts': 429,
  unavailable: 503,
} as const;

export type ProblemCode = keyof typeof PROBLEM_STATUS;

export const PROBLEM_TYPE_PREFIX = 'urn:kiosk-upgrade:problem:';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  [extension: string]: unknown;
}

/** A refusal the authority answers with an RFC 9457 problem document. */
export class Problem extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    detail?: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? code);
    this.name = 'Problem';
    this.status = PROBLEM_STATUS[code];
  }

  toBody(): ProblemBody {
    const body: ProblemBody = {
      type: PROBLEM_TYPE_PREFIX + this.code,
      title: this.code,
      status: this.status,
      ...this.extensions,
    };
    if (this.message !== this.code) body.detail = this.message;
    return body;
  }
}

export function isProblemCode(value: string): value is ProblemCode {
  return Object.hasOwn(PROBLEM_STATUS, value);
}
