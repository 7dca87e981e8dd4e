import { z } from 'zod';

/** authority-protocol.md §3: the attestation payload, every object `.strict()` (exactly these members). */
const B64u = z.string().regex(/^[A-Za-z0-9_-]+$/, 'base64url without padding');
const Rfc3339 = z.iso.datetime({ offset: true });

const Icao9303Document = z
  .object({
    kind: z.literal('icao9303'),
    dg1: B64u,
    sod: B64u,
    dg14: B64u.optional(),
    dg15: B64u.optional(),
    dg2_hash: B64u,
    pa: z
      .object({ result: z.literal('valid'), dsc_sha256: B64u, csca_sha256: B64u, crl_checked_at: Rfc3339.nullable() })
      .strict(),
    chip_auth: z
      .object({ method: z.enum(['AA', 'CA', 'PACE-CAM']), result: z.literal('valid'), aa_signature: B64u.optional() })
      .strict()
      .refine((c) => (c.method === 'AA') === (c.aa_signature !== undefined), {
        message: 'aa_signature is present exactly when method is AA',
      }),
  })
  .strict();

const ResidentIdDocument = z
  .object({
    kind: z.literal('cn-resident-id'),
    text: B64u,
    photo_hash: B64u,
    sam_id: z.string().min(1),
    chip_auth: z.object({ method: z.literal('SAM'), result: z.literal('valid') }).strict(),
  })
  .strict();

export const AttestationDocument = z.discriminatedUnion('kind', [Icao9303Document, ResidentIdDocument]);
export type AttestationDocument = z.infer<typeof AttestationDocument>;

export const AttestationBiometrics = z
  .object({
    matcher: z.object({ name: z.string(), version: z.string(), model_sha256: B64u }).strict(),
    score: z.number(),
    threshold: z.number(),
    target_fmr: z.number(),
    decision: z.literal('match'),
    liveness: z.object({ method: z.string(), result: z.literal('live'), score: z.number() }).strict(),
    capture: z.object({ frames: z.number().int(), camera: z.string() }).strict(),
  })
  .strict();
export type AttestationBiometrics = z.infer<typeof AttestationBiometrics>;

export const AttestationPayload = z
  .object({
    iss: z.string().min(1),
    aud: z.string().min(1),
    iat: z.number().int(),
    exp: z.number().int(),
    jti: z.uuid(),
    session_id: z.string().min(1),
    nonce: B64u,
    policy_version: z.string(),
    sw: z.object({ name: z.string(), version: z.string(), build: z.string() }).strict(),
    doc: AttestationDocument,
    bio: AttestationBiometrics,
    consent: z.object({ text_version: z.string(), at: Rfc3339 }).strict(),
    audit: z.object({ tree_size: z.number().int().min(0), root: B64u }).strict(),
  })
  .strict()
  .refine((p) => p.exp >= p.iat, { message: 'exp before iat' });
export type AttestationPayload = z.infer<typeof AttestationPayload>;
