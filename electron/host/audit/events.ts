import { z } from 'zod';

/**
 * What the audit log records. Deliberately no free text and no personal data: the only
 * identifiers are random session ids, jtis and HMAC pseudonyms (`pseudonym`, keyed per terminal).
 */
const Pseudonym = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'an HMAC-SHA256 pseudonym (b64u)');
const Code = z.string().regex(/^[a-z0-9][a-z0-9.:-]{0,79}$/, 'a machine code, not free text');
const SessionId = z.string().min(1).max(100);

export const AuditEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('session-opened'), session_id: SessionId, policy_version: z.string().max(100) }).strict(),
  z.object({ kind: z.literal('session-bound'), session_id: SessionId, via: z.enum(['qr', 'code']), account: Pseudonym }).strict(),
  z
    .object({
      kind: z.literal('card-read'),
      session_id: SessionId,
      result: z.enum(['ok', 'failed', 'not-genuine', 'removed', 'timeout']),
      doc_kind: z.enum(['icao9303', 'cn-resident-id']).optional(),
      pa: z.enum(['valid', 'invalid', 'not-checked']).optional(),
      chip_auth: z.enum(['AA', 'CA', 'PACE-CAM', 'SAM', 'none']).optional(),
      document: Pseudonym.optional(),
      error: Code.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('match-decision'),
      session_id: SessionId,
      attempt: z.number().int().min(1),
      decision: z.enum(['match', 'no-match', 'liveness-failed', 'quality-failed']),
      score: z.number().optional(),
      threshold: z.number().optional(),
      liveness: z.enum(['live', 'spoof', 'not-checked']).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('submission'),
      session_id: SessionId,
      jti: z.string().uuid(),
      outcome: z.enum(['queued', 'delivered', 'rejected', 'expired']),
      attestation_sha256: z.string().optional(),
      receipt_id: z.string().max(200).optional(),
      problem: Code.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('session-ended'), session_id: SessionId, outcome: Code }).strict(),
  z.object({ kind: z.literal('diagnostics'), entry: Code, detail: Code.optional() }).strict(),
  z.object({ kind: z.literal('configuration-change'), key: Code, version: z.string().max(200).optional() }).strict(),
]);
export type AuditEvent = z.infer<typeof AuditEvent>;
