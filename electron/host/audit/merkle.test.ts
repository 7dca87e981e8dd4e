import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  MerkleProofError,
  TreeFrontier,
  consistencyProof,
  inclusionProof,
  leafHash,
  treeHead,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

// RFC 6962 / RFC 9162 reference vectors (Certificate Transparency test data): leaves and MTH for sizes 1..8.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']
  .map(unhex)
  .map(leafHash);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: Array<[number, number, string[]]> = [
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
];
const CONSISTENCY: Array<[number, number, string[]]> = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];

describe('RFC 9162 Merkle tree', () => {
  it('computes the reference MTH for every size, including non-powers of two', () => {
    expect(hex(treeHead([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(EMPTY_ROOT)).toBe(hex(treeHead([])));
    ROOTS.forEach((root, i) => expect(hex(treeHead(LEAVES.slice(0, i + 1)))).toBe(root));
  });

  it('the frontier gives the same head as the recursive definition at every size', () => {
    const frontier = new TreeFrontier();
    expect(hex(frontier.root())).toBe(hex(EMPTY_ROOT));
    LEAVES.forEach((leaf, i) => {
      frontier.append(leaf);
      expect(hex(frontier.root())).toBe(ROOTS[i]);
    });
    const many = Array.from({ length: 70 }, (_, i) => leafHash(Uint8Array.of(i, i >> 3)));
    const f = new TreeFrontier();
    many.forEach((leaf, i) => {
      f.append(leaf);
      expect(hex(f.root())).toBe(hex(treeHead(many.slice(0, i + 1))));
    });
  });

  it('produces and verifies the reference inclusion proofs', () => {
    for (const [index, size, proof] of INCLUSION) {
      expect(inclusionProof(LEAVES, index, size).map(hex)).toEqual(proof);
      expect(verifyInclusion(LEAVES[index] as Uint8Array, index, size, proof.map(unhex), unhex(ROOTS[size - 1] as string))).toBe(true);
    }
  });

  it('produces and verifies the reference consistency proofs', () => {
    for (const [first, second, proof] of CONSISTENCY) {
      expect(consistencyProof(LEAVES, first, second).map(hex)).toEqual(proof);
      expect(verifyConsistency(first, second, unhex(ROOTS[first - 1] as string), unhex(ROOTS[second - 1] as string), proof.map(unhex))).toBe(true);
    }
  });

  const many = Array.from({ length: 40 }, (_, i) => leafHash(new Uint8Array([i, 7, i * 3])));
  const heads = Array.from({ length: many.length + 1 }, (_, n) => treeHead(many.slice(0, n)));

  it('every inclusion and consistency proof verifies for sizes up to 40, and a mangled one does not', () => {
    for (let n = 1; n <= many.length; n += 1) {
      for (let m = 0; m < n; m += 1) {
        const proof = inclusionProof(many, m, n);
        expect(verifyInclusion(many[m] as Uint8Array, m, n, proof, heads[n] as Uint8Array)).toBe(true);
        expect(verifyInclusion(many[m] as Uint8Array, m, n, [...proof, many[0] as Uint8Array], heads[n] as Uint8Array)).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(many[m] as Uint8Array, m, n, proof.slice(1), heads[n] as Uint8Array)).toBe(false);
        if (n > 1) expect(verifyInclusion(many[m] as Uint8Array, (m + 1) % n, n, proof, heads[n] as Uint8Array)).toBe(false);
      }
      for (let m = 0; m <= n; m += 1) {
        const proof = consistencyProof(many, m, n);
        expect(verifyConsistency(m, n, heads[m] as Uint8Array, heads[n] as Uint8Array, proof)).toBe(true);
        if (m > 0 && m < n) {
          expect(verifyConsistency(m, n, heads[m - 1] as Uint8Array, heads[n] as Uint8Array, proof)).toBe(false);
          expect(verifyConsistency(m, n, heads[m] as Uint8Array, heads[n] as Uint8Array, proof.slice(0, -1))).toBe(false);
        }
      }
    }
  });

  it('a flipped bit anywhere in a proof is caught (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (n, mRaw, pick, bit) => {
        const m = mRaw % n;
        const proof = inclusionProof(many, m, n).map((h) => new Uint8Array(h));
        const target = proof[pick % proof.length] as Uint8Array;
        target[bit % 32] = (target[bit % 32] as number) ^ (1 << (bit % 8));
        expect(verifyInclusion(many[m] as Uint8Array, m, n, proof, heads[n] as Uint8Array)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses impossible ranges with a typed error', () => {
    expect(() => inclusionProof(LEAVES, 8, 8)).toThrow(MerkleProofError);
    expect(() => consistencyProof(LEAVES, 5, 3)).toThrow(expect.objectContaining({ code: 'merkle-range' }));
  });
});
