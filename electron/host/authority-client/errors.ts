/** The authority answered with an RFC 9457 problem (or a non-2xx without one). */
export class AuthorityProblemError extends Error {
  override readonly name = 'AuthorityProblemError';
  readonly code = 'authority-problem';
  constructor(
    readonly status: number,
    /** The `<code>` of `urn:kiosk-upgrade:problem:<code>`, or `http-<status>` when the body was no problem document. */
    readonly problem: string,
    readonly detail: string | undefined,
    readonly body: Record<string, unknown>,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(`authority answered ${status} ${problem}${detail ? `: ${detail}` : ''}`);
  }
}

/** No HTTP answer at all: connection refused or reset, DNS, TLS, or the request timed out. */
export class AuthorityUnreachableError extends Error {
  override readonly name = 'AuthorityUnreachableError';
  readonly code = 'authority-unreachable';
}

/** The authority's answer is not what the protocol says (shape, signature, identifiers). */
export class AuthorityResponseError extends Error {
  override readonly name = 'AuthorityResponseError';
  readonly code = 'authority-response-invalid';
}

export class NotEnrolledError extends Error {
  override readonly name = 'NotEnrolledError';
  readonly code = 'not-enrolled';
  constructor() {
    super('this kiosk is not enrolled with an authority (run kioskctl enroll)');
  }
}

export const PROBLEM_PREFIX = 'urn:kiosk-upgrade:problem:';
