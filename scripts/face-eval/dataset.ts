/** Image folders `<identity>/<n>.jpg` and LFW pairs.txt, read in place. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Identity {
  name: string;
  /** Paths relative to the folder, `identity/file`. */
  files: string[];
}

const IMAGE = /\.(jpe?g|png)$/i;

export function listIdentities(folder: string, maxPerIdentity = Infinity, minPerIdentity = 1, maxIdentities = Infinity): Identity[] {
  return readdirSync(folder)
    .filter((d) => statSync(join(folder, d)).isDirectory())
    .sort()
    .map((name) => ({
      name,
      files: readdirSync(join(folder, name))
        .filter((f) => IMAGE.test(f))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
        .slice(0, maxPerIdentity)
        .map((f) => `${name}/${f}`),
    }))
    .filter((i) => i.files.length >= Math.max(1, minPerIdentity))
    .slice(0, maxIdentities);
}

export interface Pair {
  a: string;
  b: string;
  same: boolean;
  fold?: number;
}

/** Every unordered pair of photos: genuine within an identity, impostor across identities. */
export function allPairs(ids: readonly Identity[]): Pair[] {
  const files = ids.flatMap((id) => id.files.map((f) => ({ id: id.name, f })));
  const out: Pair[] = [];
  for (let i = 0; i < files.length; i++) {
    for (let j = i + 1; j < files.length; j++) out.push({ a: files[i]!.f, b: files[j]!.f, same: files[i]!.id === files[j]!.id });
  }
  return out;
}

export class PairsFileError extends Error {
  readonly code = 'pairs-file-invalid';
  constructor(message: string) {
    super(message);
    this.name = 'PairsFileError';
  }
}

/** `lfw`: the original `Name/Name_0001.jpg`; `index`: `Name/1.jpg` (as in /work/shared/data/faces-large). */
export type LfwNaming = 'lfw' | 'index';

/** LFW View 2 pairs.txt: header `folds n`, then per fold n matched (`name i j`) and n mismatched (`a i b j`) lines. */
export function parseLfwPairs(text: string, naming: LfwNaming = 'lfw'): Pair[] {
  const lfwFile = (name: string, n: string) => (naming === 'lfw' ? `${name}/${name}_${n.padStart(4, '0')}.jpg` : `${name}/${Number(n)}.jpg`);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').trim().split(/\s+/).map(Number);
  const [folds, n] = header;
  if (!folds || !n || header.length !== 2) throw new PairsFileError('pairs.txt: header must be "<folds> <pairs per class>"');
  if (lines.length - 1 !== folds * n * 2) throw new PairsFileError(`pairs.txt: ${lines.length - 1} pair lines, ${folds * n * 2} expected`);
  return lines.slice(1).map((line, i) => {
    const fold = Math.floor(i / (2 * n));
    const p = line.trim().split(/\s+/);
    if (p.length === 3) return { a: lfwFile(p[0]!, p[1]!), b: lfwFile(p[0]!, p[2]!), same: true, fold };
    if (p.length === 4) return { a: lfwFile(p[0]!, p[1]!), b: lfwFile(p[2]!, p[3]!), same: false, fold };
    throw new PairsFileError(`pairs.txt line ${i + 2}: expected 3 or 4 fields`);
  });
}

/** Reads pairs.txt; the file naming is whichever of the two layouts exists under `folder`. */
export function readLfwPairs(path: string, folder: string): Pair[] {
  const text = readFileSync(path, 'utf8');
  const first = parseLfwPairs(text, 'lfw')[0];
  return parseLfwPairs(text, first && existsSync(join(folder, first.a)) ? 'lfw' : 'index');
}
