import { describe, expect, it } from 'vitest';
import { DEFAULT_MATCHER, hexToB64u, MatcherManifestError, parseMatcherManifest, verifyModelBytes } from './matcher-manifest';
import { cosineSimilarity, EmbeddingError, l2Normalize } from './similarity';

describe('matcher manifest', () => {
  it('the default manifest is valid and complete', () => {
    expect(DEFAULT_MATCHER.input.width).toBe(112);
    expect(DEFAULT_MATCHER.alignment_template).toHaveLength(5);
    expect(DEFAULT_MATCHER.license).not.toBe('');
  });
  it('rejects unknown members and bad hashes with a typed error', () => {
    expect(() => parseMatcherManifest({ ...DEFAULT_MATCHER, extra: 1 })).toThrow(MatcherManifestError);
    expect(() => parseMatcherManifest({ ...DEFAULT_MATCHER, model_sha256: 'xyz' })).toThrow(/model_sha256/);
  });
  it('encodes SHA-256 as unpadded base64url', () => {
    expect(hexToB64u('fbff')).toBe('-_8');
    expect(hexToB64u('00'.repeat(32))).toHaveLength(43);
  });
  it('checks model bytes against the manifest hash', async () => {
    const bytes = new TextEncoder().encode('model');
    const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
    await expect(verifyModelBytes({ ...DEFAULT_MATCHER, model_sha256: digest }, bytes.buffer)).resolves.toBeUndefined();
    await expect(verifyModelBytes(DEFAULT_MATCHER, bytes.buffer)).rejects.toMatchObject({ code: 'model-hash-mismatch' });
  });
});

describe('cosine similarity', () => {
  it('is 1 for parallel, -1 for opposite, 0 for orthogonal vectors', () => {
    const a = Float32Array.from([1, 2, 3]);
    expect(cosineSimilarity(a, Float32Array.from([2, 4, 6]))).toBeCloseTo(1);
    expect(cosineSimilarity(a, Float32Array.from([-1, -2, -3]))).toBeCloseTo(-1);
    expect(cosineSimilarity(Float32Array.from([1, 0]), Float32Array.from([0, 1]))).toBe(0);
  });
  it('refuses embeddings of different sizes', () => {
    expect(() => cosineSimilarity(new Float32Array(3), new Float32Array(4))).toThrow(EmbeddingError);
  });
  it('l2Normalize gives unit length', () => {
    const v = l2Normalize(Float32Array.from([3, 4]));
    expect(Math.hypot(v[0]!, v[1]!)).toBeCloseTo(1);
  });
});
