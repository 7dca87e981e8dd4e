/**
 * A face matcher is described by a manifest, so that an operator can install a certified vendor
 * ONNX model by configuration: the file, its SHA-256 as distributed (checked before use and sent
 * with each decision), the input tensor, the five-point alignment template, licence, provenance.
 */
import { z } from 'zod';
import defaultManifestJson from './matchers/faceplugin-fr-112.json';

const point = z.tuple([z.number(), z.number()]);

export const MatcherManifestSchema = z
  .object({
    name: z.string().min(1),
    version: z.string().min(1),
    /** Path of the model file relative to the models folder. */
    model_file: z.string().min(1),
    model_sha256: z.string().regex(/^[0-9a-f]{64}$/),
    format: z.literal('onnx'),
    input: z.object({
      name: z.string().min(1),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      layout: z.literal('NCHW'),
      channels: z.enum(['RGB', 'BGR']),
      mean: z.number(),
      std: z.number().positive(),
    }),
    embedding_size: z.number().int().positive(),
    alignment_template: z.array(point).length(5),
    score: z.literal('cosine'),
    /**
     * Embed the aligned crop and its mirror image and use their normalised sum (test-time flip,
     * as ArcFace-family models are evaluated). Twice the inference; off unless the vendor says so.
     */
    flip_average: z.boolean().default(false),
    license: z.string().min(1),
    provenance: z.string().min(1),
  })
  .strict();
export type MatcherManifest = z.infer<typeof MatcherManifestSchema>;

export class MatcherManifestError extends Error {
  constructor(
    readonly code: 'manifest-invalid' | 'model-hash-mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'MatcherManifestError';
  }
}

export function parseMatcherManifest(json: unknown): MatcherManifest {
  const r = MatcherManifestSchema.safeParse(json);
  if (!r.success) throw new MatcherManifestError('manifest-invalid', `matcher manifest: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

export const DEFAULT_MATCHER: MatcherManifest = parseMatcherManifest(defaultManifestJson);

/** base64url without padding (RFC 4648 §5), the protocol's encoding for model_sha256. */
export function hexToB64u(hex: string): string {
  let bin = '';
  for (let i = 0; i < hex.length; i += 2) bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Checks the model bytes against the manifest before they are ever run. */
export async function verifyModelBytes(manifest: MatcherManifest, bytes: ArrayBuffer): Promise<void> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (hex !== manifest.model_sha256) {
    throw new MatcherManifestError('model-hash-mismatch', `${manifest.name}: model SHA-256 ${hex} ≠ manifest ${manifest.model_sha256}`);
  }
}
