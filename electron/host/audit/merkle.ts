/**
 * RFC 9162 §2.1 Merkle tree hashing (identical to RFC 6962 §2.1) over leaf hashes, with
 * inclusion (§2.1.3) and consistency (§2.1.4) proofs and their verification.
 */
import { createHash } from 'node:crypto';

export type Hash = Uint8Array;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

export class MerkleProofError extends Error {
  override readonly name = 'MerkleProofError';
  readonly code = 'merkle-range';
}

/** RFC 9162 §2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export function leafHash(leaf: Uint8Array): Hash {
  return new Uint8Array(createHash('sha256').update(LEAF_PREFIX).update(leaf).digest());
}

/** RFC 9162 §2.1.1: SHA-256(0x01 || left || right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  return new Uint8Array(createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest());
}

export const EMPTY_ROOT: Hash = new Uint8Array(createHash('sha256').digest());

/** Largest power of two strictly less than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) from the leaf hashes D[0..n). */
export function treeHead(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0] as Hash;
  const k = splitPoint(leaves.length);
  return nodeHash(treeHead(leaves.slice(0, k)), treeHead(leaves.slice(k)));
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]). */
export function inclusionProof(leaves: readonly Hash[], index: number, size = leaves.length): Hash[] {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size || size > leaves.length) {
    throw new MerkleProofError(`no leaf ${index} in a tree of size ${size}`);
  }
  const path = (m: number, d: readonly Hash[]): Hash[] => {
    if (d.length <= 1) return [];
    const k = splitPoint(d.length);
    return m < k ? [...path(m, d.slice(0, k)), treeHead(d.slice(k))] : [...path(m - k, d.slice(k)), treeHead(d.slice(0, k))];
  };
  return path(index, leaves.slice(0, size));
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
export function consistencyProof(leaves: readonly Hash[], first: number, second = leaves.length): Hash[] {
  if (!Number.isInteger(first) || !Number.isInteger(second) || first < 0 || first > second || second > leaves.length) {
    throw new MerkleProofError(`no consistency proof from ${first} to ${second}`);
  }
  if (first === 0 || first === second) return [];
  const subproof = (m: number, d: readonly Hash[], complete: boolean): Hash[] => {
    if (m === d.length) return complete ? [] : [treeHead(d)];
    const k = splitPoint(d.length);
    return m <= k
      ? [...subproof(m, d.slice(0, k), complete), treeHead(d.slice(k))]
      : [...subproof(m - k, d.slice(k), false), treeHead(d.slice(0, k))];
  };
  return subproof(first, leaves.slice(0, second), true);
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const isHash = (h: unknown): h is Hash => h instanceof Uint8Array && h.length === 32;

/** RFC 9162 §2.1.3.2. */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  if (!isHash(leaf) || !isHash(root) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2, plus the degenerate cases (first = 0, first = second) with an empty proof. */
export function verifyConsistency(first: number, second: number, firstRoot: Hash, secondRoot: Hash, proof: readonly Hash[]): boolean {
  if (!isHash(firstRoot) || !isHash(secondRoot) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  if (!Number.isInteger(first) || !Number.isInteger(second) || first < 0 || first > second) return false;
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0 && equal(firstRoot, EMPTY_ROOT);
  if (proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Hash;
  let sr = path[0] as Hash;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return equal(fr, firstRoot) && equal(sr, secondRoot) && sn === 0;
}

/**
 * The right edge of an append-only tree: the perfect subtrees whose sizes are the binary digits
 * of the tree size. Appending and computing MTH are O(log n), so the head is cheap at every event.
 */
export class TreeFrontier {
  private readonly nodes: Array<{ size: number; hash: Hash }> = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(leaf: Hash): void {
    let node = { size: 1, hash: leaf };
    while (this.nodes.length > 0 && (this.nodes.at(-1) as { size: number }).size === node.size) {
      const left = this.nodes.pop() as { size: number; hash: Hash };
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.nodes.push(node);
    this.count += 1;
  }

  root(): Hash {
    if (this.nodes.length === 0) return EMPTY_ROOT;
    let hash = (this.nodes.at(-1) as { hash: Hash }).hash;
    for (let i = this.nodes.length - 2; i >= 0; i -= 1) hash = nodeHash((this.nodes[i] as { hash: Hash }).hash, hash);
    return hash;
  }
}
