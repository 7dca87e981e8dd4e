/**
 * kioskctl face: face matcher diagnostics and evaluation, run through headless Chromium on the
 * renderer's real face code (scripts/face-eval harness). Needs the models
 * (`npx tsx scripts/models/build-models.ts`) and the harness page
 * (`npx vite build -c scripts/face-eval/vite.harness.config.ts`).
 *
 *   kioskctl face info [--json]
 *   kioskctl face compare <a> <b> [--degrade chip|chip-jpeg] [--json]
 *   kioskctl face eval <folder> [--pairs <LFW pairs.txt>] [--degrade chip|chip-jpeg] [--scores <out.csv>] [--max-per-identity N] [--pick largest|centre] [--json]
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { ExitCode, UsageError, type CliIo, type KioskctlCommand } from '../command';

interface Flags {
  json: boolean;
  positional: string[];
  values: Map<string, string>;
}

function parse(argv: string[], valueFlags: string[]): Flags {
  const f: Flags = { json: false, positional: [], values: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') f.json = true;
    else if (valueFlags.includes(a)) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      f.values.set(a, v);
    } else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else f.positional.push(a);
  }
  return f;
}

type Degrade = 'none' | 'chip-jpeg' | 'chip-jp2';
function degradeOf(v: string | undefined): Degrade {
  if (v === undefined) return 'none';
  if (v === 'chip' || v === 'chip-jp2') return 'chip-jp2';
  if (v === 'chip-jpeg') return 'chip-jpeg';
  throw new UsageError(`--degrade must be chip (JPEG 2000) or chip-jpeg`);
}

interface MatcherPolicyFile {
  name: string;
  version: string;
  model_sha256: string;
  threshold: number;
  target_fmr: number;
}

async function harness() {
  return import('../../../scripts/face-eval/harness-server');
}

function policyFile(root: string): MatcherPolicyFile | null {
  const p = resolve(root, 'renderer/face/matcher-policy.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as MatcherPolicyFile) : null;
}

const b64u = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

async function unavailable(io: CliIo, e: unknown): Promise<ExitCode> {
  io.err(`kioskctl face: ${e instanceof Error ? e.message : String(e)}`);
  return ExitCode.unavailable;
}

const info: KioskctlCommand = {
  name: 'face info',
  summary: 'face matcher in use: name, version, model SHA-256, threshold, licence, provenance',
  usage: 'kioskctl face info [--json]',
  async run(argv, io) {
    const f = parse(argv, []);
    if (f.positional.length) throw new UsageError('no arguments expected');
    const h = await harness();
    let session;
    try {
      session = await h.openHarness({ dataRoot: h.PROJECT_ROOT });
    } catch (e) {
      return unavailable(io, e);
    }
    try {
      const r = await h.callHarness<{ matcher: { name: string; version: string; model_sha256: string; license: string; provenance: string }; delegate: string }>(session.page, 'info');
      const policy = policyFile(h.PROJECT_ROOT);
      const sameModel = policy && policy.name === r.matcher.name && policy.version === r.matcher.version && policy.model_sha256 === b64u(r.matcher.model_sha256);
      const out = {
        name: r.matcher.name,
        version: r.matcher.version,
        model_sha256: b64u(r.matcher.model_sha256),
        threshold: sameModel ? policy.threshold : null,
        target_fmr: sameModel ? policy.target_fmr : null,
        license: r.matcher.license,
        provenance: r.matcher.provenance,
        delegate: r.delegate,
      };
      io.out(f.json ? JSON.stringify(out) : Object.entries(out).map(([k, v]) => `${k}: ${v}`).join('\n'));
      return ExitCode.ok;
    } finally {
      await session.close();
    }
  },
};

const compare: KioskctlCommand = {
  name: 'face compare',
  summary: 'compare the faces in two images (first one optionally degraded to a chip portrait)',
  usage: 'kioskctl face compare <a> <b> [--degrade chip|chip-jpeg] [--json]',
  async run(argv, io) {
    const f = parse(argv, ['--degrade']);
    if (f.positional.length !== 2) throw new UsageError('two image paths expected');
    const degrade = degradeOf(f.values.get('--degrade'));
    const [a, b] = f.positional.map((p) => resolve(p)) as [string, string];
    for (const p of [a, b]) if (!existsSync(p) || !statSync(p).isFile()) return unavailable(io, new Error(`${p}: no such file`));
    const root = commonDir(a, b);
    const h = await harness();
    const ev = await import('../../../scripts/face-eval/evaluate');
    let session;
    try {
      session = await h.openHarness({ dataRoot: root });
    } catch (e) {
      return unavailable(io, e);
    }
    try {
      const pair = { a: relative(root, a), b: relative(root, b), same: false };
      const { scored, failed } = await ev.scorePairs(session, [pair], degrade, () => {});
      const score = scored[0]?.score ?? -1;
      const policy = policyFile(h.PROJECT_ROOT);
      const out = {
        a: pair.a,
        b: pair.b,
        degrade,
        score,
        threshold: policy?.threshold ?? null,
        match: policy ? score >= policy.threshold : null,
        failed_to_enrol: failed.map((x) => x.replace(/^[^:]+:/, '')),
      };
      io.out(f.json ? JSON.stringify(out) : `score ${score.toFixed(4)}${policy ? ` threshold ${policy.threshold} → ${out.match ? 'match' : 'no match'}` : ''}${failed.length ? ` (no face in: ${out.failed_to_enrol.join(', ')})` : ''}`);
      return failed.length ? ExitCode.failed : ExitCode.ok;
    } finally {
      await session.close();
    }
  },
};

const evalCommand: KioskctlCommand = {
  name: 'face eval',
  summary: 'verification metrics over a folder of <identity>/<n>.jpg (FNMR at FMR, EER)',
  usage: 'kioskctl face eval <folder> [--pairs <LFW pairs.txt>] [--degrade chip|chip-jpeg] [--scores <out.csv>] [--max-per-identity N] [--pick largest|centre] [--json]',
  async run(argv, io) {
    const f = parse(argv, ['--pairs', '--degrade', '--scores', '--max-per-identity', '--pick']);
    const pick = f.values.get('--pick') ?? 'largest';
    if (pick !== 'largest' && pick !== 'centre') throw new UsageError('--pick must be largest or centre');
    if (f.positional.length !== 1) throw new UsageError('one folder expected');
    const folder = resolve(f.positional[0]!);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) return unavailable(io, new Error(`${folder}: no such folder`));
    const pairs = f.values.get('--pairs');
    if (pairs && !existsSync(pairs)) return unavailable(io, new Error(`${pairs}: no such file`));
    const max = f.values.get('--max-per-identity');
    if (max !== undefined && !(Number(max) > 0)) throw new UsageError('--max-per-identity must be a positive number');
    const ev = await import('../../../scripts/face-eval/evaluate');
    try {
      const r = await ev.evaluate({
        folder,
        degrade: degradeOf(f.values.get('--degrade')),
        pairsFile: pairs ? resolve(pairs) : undefined,
        pick,
        scoresCsv: f.values.get('--scores'),
        maxPerIdentity: max ? Number(max) : undefined,
        log: (l) => io.err(l),
      });
      const { scored: _s, ...rest } = r;
      const out = { ...rest, matcher: { ...rest.matcher, model_sha256: b64u(rest.matcher.model_sha256) } };
      if (f.json) io.out(JSON.stringify(out));
      else {
        io.out(`${r.photos} photos, ${r.run.genuine_pairs} genuine / ${r.run.impostor_pairs} impostor pairs, EER ${(r.run.eer * 100).toFixed(3)} %`);
        for (const p of r.run.operating_points) io.out(`FMR ${p.target_fmr}: threshold ${p.threshold.toFixed(4)} FNMR ${(p.fnmr * 100).toFixed(2)} % (${p.impostor_pairs} impostor pairs${p.resolvable ? '' : ', below resolution'})`);
        if (r.run.capture_gate) for (const line of ev.formatCaptureGate(r.run.capture_gate)) io.out(line);
        if (r.run.lfw_10fold) io.out(`LFW 10-fold accuracy ${(r.run.lfw_10fold.mean * 100).toFixed(2)} % ± ${(r.run.lfw_10fold.std * 100).toFixed(2)}`);
      }
      return ExitCode.ok;
    } catch (e) {
      return unavailable(io, e);
    }
  },
};

function commonDir(a: string, b: string): string {
  let d = dirname(a);
  while (!b.startsWith(d.endsWith('/') ? d : `${d}/`) && d !== dirname(d)) d = dirname(d);
  return d;
}

export const commands: KioskctlCommand[] = [info, compare, evalCommand];
