import { z } from 'zod';

/** Response shapes of authority-protocol.md, validated at the boundary. */
const Jwk = z.looseObject({ kty: z.string() });
export const Jwks = z.looseObject({ keys: z.array(Jwk) });

export const KeysResponse = z.looseObject({ authority_id: z.string().min(1), keys: z.array(Jwk) });
export const TimeResponse = z.looseObject({ now: z.number().int() });

export const EnrollmentResponse = z.looseObject({
  terminal_id: z.string().min(1),
  kid: z.string().min(1),
  authority_id: z.string().min(1),
  authority_jwks: Jwks,
});

export const Matcher = z.looseObject({
  name: z.string(),
  version: z.string(),
  model_sha256: z.string(),
  threshold: z.number(),
});
export type Matcher = z.infer<typeof Matcher>;

export const SessionPolicy = z.looseObject({
  policy_version: z.string(),
  target_fmr: z.number(),
  matchers: z.array(Matcher),
  liveness_required: z.boolean(),
  chip_auth_required: z.boolean(),
});
export type SessionPolicy = z.infer<typeof SessionPolicy>;

export const OpenedSession = z.looseObject({
  session_id: z.string().min(1),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  aa_challenge: z.string().regex(/^[0-9a-f]{16}$/i),
  expires_at: z.string(),
  submit_by: z.string(),
  qr: z.string(),
  policy: SessionPolicy,
});
export type OpenedSession = z.infer<typeof OpenedSession>;

export const SessionStateName = z.enum(['open', 'bound', 'completed', 'expired']);
export type SessionStateName = z.infer<typeof SessionStateName>;
export const SessionStatus = z.looseObject({
  state: SessionStateName,
  account: z.looseObject({ account_id: z.string(), display_name_masked: z.string() }).nullable(),
});
export type SessionStatus = z.infer<typeof SessionStatus>;

export const BindResponse = z.looseObject({ session_id: z.string(), state: z.literal('bound'), terminal_name: z.string() });
export type BindResponse = z.infer<typeof BindResponse>;

export const CscaList = z.looseObject({
  version: z.string(),
  certificates: z.array(z.string()),
  crls: z.array(z.string()),
});
export type CscaList = z.infer<typeof CscaList>;

export const ReceiptPayload = z.looseObject({
  receipt_id: z.string().min(1),
  jti: z.string().min(1),
  session_id: z.string().min(1),
  account_id: z.string().min(1),
  result: z.literal('upgraded'),
  iat: z.number().int(),
});
export type ReceiptPayload = z.infer<typeof ReceiptPayload>;

export interface HeartbeatStatus {
  app_version: string;
  reader: string;
  camera: string;
  outbox_depth: number;
  audit_tree_size: number;
}
