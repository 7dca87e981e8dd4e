/**
 * npm run eval:face -- [<folder of <identity>/<n>.jpg>] [--out <dir>] [--pairs <LFW pairs.txt>]
 *                      [--max-per-identity N] [--min-per-identity N] [--max-identities N]
 *                      [--runs none,chip-jpeg,chip-jp2] [--pick largest|centre] [--write-policy]
 *
 * Runs the renderer's real face pipeline in headless Chromium three times: photos as they are,
 * and with the reference degraded to a chip portrait (JPEG, JPEG 2000). Prints FNMR at FMR 1e-2,
 * 1e-3, 1e-4 with the impostor pairs behind each, EER; writes report.json, scores-<run>.csv and
 * roc.png to --out (default build/face-eval). With --write-policy it writes
 * renderer/face/matcher-policy.json: the threshold for target FMR 1e-4, the highest of the three
 * runs (the kiosk compares a chip portrait with a live capture; the strictest condition decides).
 * --pick: which face of a photo with several is the subject: the largest (default), or the one
 * nearest the centre, which is how LFW labels its photos (use it for LFW, as published figures do).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluate, formatCaptureGate, renderRoc, toCsv, type Degrade, type EvalResult } from './evaluate';
import { defaultFacesDir, openHarness, PROJECT_ROOT } from './harness-server';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const bool = (name: string) => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const out = resolve(flag('--out') ?? join(PROJECT_ROOT, 'build', 'face-eval'));
const pairsFile = flag('--pairs');
const maxPer = flag('--max-per-identity');
const minPer = flag('--min-per-identity');
const maxIds = flag('--max-identities');
const runsArg = flag('--runs');
const writePolicy = bool('--write-policy');
const pickArg = flag('--pick') ?? 'largest';
if (pickArg !== 'largest' && pickArg !== 'centre') throw new Error('--pick must be largest or centre');
const pick = pickArg;
const folder = resolve(args[0] ?? defaultFacesDir());
mkdirSync(out, { recursive: true });
writeFileSync(join(out, '.gitignore'), '*\n');

const runs = (runsArg?.split(',') ?? ['none', 'chip-jpeg', 'chip-jp2']) as Degrade[];
const h = await openHarness({ dataRoot: folder });
const results: EvalResult[] = [];
const curves: Array<{ label: string; genuine: number[]; impostor: number[] }> = [];
try {
  for (const degrade of runs) {
    const r = await evaluate({ folder, degrade, pairsFile, maxPerIdentity: maxPer ? Number(maxPer) : undefined, minPerIdentity: minPer ? Number(minPer) : undefined, maxIdentities: maxIds ? Number(maxIds) : undefined, pick, log: (l) => console.error(`[${degrade}] ${l}`) }, h);
    writeFileSync(join(out, `scores-${degrade}.csv`), toCsv(r.scored));
    curves.push({ label: `${degrade} (EER ${(r.run.eer * 100).toFixed(2)} %)`, genuine: r.scored.filter((p) => p.same).map((p) => p.score), impostor: r.scored.filter((p) => !p.same).map((p) => p.score) });
    const { scored: _scored, ...rest } = r;
    results.push(rest);
    const rr = r.run;
    console.log(`\n${degrade}: ${r.photos} photos, ${r.identities} identities, ${rr.genuine_pairs} genuine / ${rr.impostor_pairs} impostor pairs, ${rr.failed_to_enrol.length} failed to enrol, ${rr.seconds.toFixed(0)} s`);
    console.log(`  EER ${(rr.eer * 100).toFixed(3)} % at ${rr.eer_threshold.toFixed(4)}`);
    for (const p of rr.operating_points) {
      console.log(`  FMR ${p.target_fmr.toExponential(0)}: threshold ${p.threshold.toFixed(4)}  FNMR ${(p.fnmr * 100).toFixed(2)} %  (observed FMR ${p.fmr.toExponential(2)}, ${p.impostor_pairs} impostor pairs${p.resolvable ? '' : ', below resolution: 0 false matches observed'})`);
    }
    if (rr.capture_gate) for (const line of formatCaptureGate(rr.capture_gate)) console.log(`  ${line}`);
    if (rr.lfw_10fold) console.log(`  LFW 10-fold accuracy ${(rr.lfw_10fold.mean * 100).toFixed(2)} % ± ${(rr.lfw_10fold.std * 100).toFixed(2)}`);
  }
  await renderRoc(h, curves, join(out, 'roc.png'));
} finally {
  await h.close();
}
writeFileSync(join(out, 'report.json'), JSON.stringify({ folder, results }, null, 2) + '\n');
console.log(`\nreport: ${join(out, 'report.json')}\nROC: ${join(out, 'roc.png')}`);

if (writePolicy && !pairsFile) {
  const thresholds = results.map((r) => r.run.operating_points.find((p) => p.target_fmr === 1e-4)!.threshold);
  const first = results[0]!;
  // Exactly the members the authority's policy carries; the calibration behind it goes to the report.
  const policy = {
    name: first.matcher.name,
    version: first.matcher.version,
    model_sha256: Buffer.from(first.matcher.model_sha256, 'hex').toString('base64url'),
    threshold: Number(Math.max(...thresholds).toFixed(4)),
    target_fmr: 1e-4,
  };
  const calibration = {
    policy,
    command: `npm run eval:face -- ${folder} --write-policy`,
    runs: results.map((r) => ({ degrade: r.run.degrade, threshold_at_fmr_1e_4: r.run.operating_points.find((p) => p.target_fmr === 1e-4)!.threshold, impostor_pairs: r.run.impostor_pairs, eer: r.run.eer })),
    note: 'FMR 1e-4 needs at least 10^4 impostor pairs to be observable; with fewer, the threshold sits just above the highest impostor score seen.',
  };
  writeFileSync(join(out, 'calibration.json'), JSON.stringify(calibration, null, 2) + '\n');
  const path = join(PROJECT_ROOT, 'renderer', 'face', 'matcher-policy.json');
  writeFileSync(path, JSON.stringify(policy, null, 2) + '\n');
  console.log(`policy: ${path} threshold ${policy.threshold}`);
}
