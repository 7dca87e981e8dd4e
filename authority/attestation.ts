import { z } from 'zod';

const b64u = z.string().regex(/^[A-Za-z0-9_-]*$/, 'base64url without padding');
const rfc3339 = z.iso.datetime({ offset: true });
const text = z.string();

/** The attestation payload: exactly these member names with these JSON types (authority-protocol.md §3). */
export const IcaoDocSchema = z
  .strictObject({
  kind: z.literal('icao9303'),
  dg1: b64u,
  sod: b64u,
  dg14: b64u.optional(),
  dg15: b64u.optional(),
  dg2_hash: b64u,
  pa: z.strictObject({ result: text, dsc_sha256: b64u, csca_sha256: b64u, crl_checked_at: rfc3339.nullable() }),
  chip_auth: z.strictObject({ method: text, result: text, aa_signature: b64u.optional() }),
  })
  // aa_signature is present for AA and only for AA (authority-protocol.md §3).
  .refine((d) => (d.chip_auth.method === 'AA') === (d.chip_auth.aa_signature !== undefined), {
    message: 'aa_signature is required for AA and absent otherwise',
    path: ['chip_auth', 'aa_signature'],
  });

export const ResidentDocSchema = z.strictObject({
  kind: z.literal('cn-resident-id'),
  text: b64u,
  photo_hash: b64u,
  sam_id: text,
  chip_auth: z.strictObject({ method: text, result: text }),
});

export const AttestationSchema = z.strictObject({
  iss: text,
  aud: text,
  iat: z.int(),
  exp: z.int(),
  jti: z.uuid(),
  session_id: text,
  nonce: text,
  policy_version: text,
  sw: z.strictObject({ name: text, version: text, build: text }),
  doc: z.discriminatedUnion('kind', [IcaoDocSchema, ResidentDocSchema]),
  bio: z.strictObject({
    matcher: z.strictObject({ name: text, version: text, model_sha256: b64u }),
    score: z.number(),
    threshold: z.number(),
    target_fmr: z.number(),
    decision: text,
    liveness: z.strictObject({ method: text, result: text, score: z.number() }),
    capture: z.strictObject({ frames: z.int(), camera: text }),
  }),
  consent: z.strictObject({ text_version: text, at: rfc3339 }),
  audit: z.strictObject({ tree_size: z.int().nonnegative(), root: b64u }),
});

export type Attestation = z.infer<typeof AttestationSchema>;
export type AttestationDoc = Attestation['doc'];
export type IcaoDoc = z.infer<typeof IcaoDocSchema>;
export type ResidentDoc = z.infer<typeof ResidentDocSchema>;
