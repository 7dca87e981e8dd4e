import { describe, expect, it } from 'vitest';
import { allPairs, parseLfwPairs, PairsFileError } from './dataset';

describe('allPairs', () => {
  it('labels pairs within an identity genuine and across identities impostor', () => {
    const pairs = allPairs([
      { name: 'a', files: ['a/1.jpg', 'a/2.jpg'] },
      { name: 'b', files: ['b/1.jpg'] },
    ]);
    expect(pairs).toEqual([
      { a: 'a/1.jpg', b: 'a/2.jpg', same: true },
      { a: 'a/1.jpg', b: 'b/1.jpg', same: false },
      { a: 'a/2.jpg', b: 'b/1.jpg', same: false },
    ]);
  });
});

describe('parseLfwPairs', () => {
  it('reads folds of matched and mismatched pairs', () => {
    const text = '2\t1\nAaron\t1\t2\nAbe\t1\tBea\t3\nCid\t2\t4\nDan\t1\tEve\t1\n';
    const p = parseLfwPairs(text);
    expect(p[0]).toEqual({ a: 'Aaron/Aaron_0001.jpg', b: 'Aaron/Aaron_0002.jpg', same: true, fold: 0 });
    expect(p[1]).toEqual({ a: 'Abe/Abe_0001.jpg', b: 'Bea/Bea_0003.jpg', same: false, fold: 0 });
    expect(p[3]!.fold).toBe(1);
  });
  it('maps to the index layout Name/1.jpg on request', () => {
    expect(parseLfwPairs('1\t1\nAaron\t1\t12\nAbe\t1\tBea\t3\n', 'index')[0]).toEqual({ a: 'Aaron/1.jpg', b: 'Aaron/12.jpg', same: true, fold: 0 });
  });
  it('rejects a malformed file with a typed error', () => {
    expect(() => parseLfwPairs('x\n')).toThrow(PairsFileError);
    expect(() => parseLfwPairs('1\t1\nA\t1\t2\n')).toThrow(/expected/);
    expect(() => parseLfwPairs('1\t1\nA\t1\nB\t1\tC\t1\n')).toThrow(/3 or 4 fields/);
  });
});
