/** Embedding comparison. Pure. */
export function l2Normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  return v.map((x) => x / n);
}

export class EmbeddingError extends Error {
  readonly code = 'embedding-mismatch';
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddingError';
  }
}

/** Cosine similarity in [-1, 1]. */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || a.length === 0) throw new EmbeddingError(`embedding sizes ${a.length} and ${b.length}`);
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    dot += x * y; na += x * x; nb += y * y;
  }
  const d = Math.sqrt(na * nb);
  return d === 0 ? 0 : dot / d;
}

/** Overwrites an embedding in place (session end: templates never outlive the session). */
export function wipe(v: Float32Array | Uint8Array | Uint8ClampedArray): void {
  v.fill(0);
}
