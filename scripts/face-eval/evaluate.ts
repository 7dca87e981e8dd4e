/**
 * Face verification evaluation through headless Chromium running the renderer's real face code
 * (worker, MediaPipe landmarks, alignment, ONNX matcher). Used by `npm run eval:face` (eval.ts)
 * and `kioskctl face eval`.
 */
import { writeFileSync } from 'node:fs';
import { allPairs, listIdentities, readLfwPairs, type Pair } from './dataset';
/** Which face of a photo with several is the subject (the face worker's `pick`). */
export type FacePick = 'largest' | 'centre';
import { callHarness, openHarness, type HarnessSession } from './harness-server';
import { equalErrorRate, histogram, operatingPoint, rocCurve, tenFoldAccuracy, type Histogram, type OperatingPoint } from './metrics';

export type Degrade = 'none' | 'chip-jpeg' | 'chip-jp2';
export const TARGET_FMRS = [1e-2, 1e-3, 1e-4] as const;

export interface RunReport {
  degrade: Degrade;
  genuine_pairs: number;
  impostor_pairs: number;
  /** Photos in which no face was found (their pairs score −1, i.e. count as non-matches). */
  failed_to_enrol: string[];
  eer: number;
  eer_threshold: number;
  operating_points: OperatingPoint[];
  genuine_histogram: Histogram;
  impostor_histogram: Histogram;
  lfw_10fold?: { mean: number; std: number; folds: number[] };
  /**
   * The same error rates over the captures the kiosk would accept: its capture gate
   * (renderer/face/quality-gate.ts: pose, eyes open, sharpness, exposure; not the framing checks,
   * size and centring, which in a still photo are the photographer's crop) run on
   * each photo's picked face. The kiosk never compares a frame that fails the gate, it asks the
   * citizen to adjust; a chip portrait is a frontal ICAO portrait. So `probe_accepted` (the live
   * side passes) and `both_accepted` (both sides pass, as with a compliant chip portrait) are
   * closer to the kiosk's conditions than the unfiltered figures, which stay the headline.
   */
  capture_gate?: CaptureGateReport;
  seconds: number;
}

export interface GatedRates {
  genuine_pairs: number;
  impostor_pairs: number;
  eer: number;
  operating_points: OperatingPoint[];
}

export interface CaptureGateReport {
  photos: number;
  photos_accepted: number;
  /** Photos failing each check (a photo may fail several). */
  checks_failed: Record<string, number>;
  probe_accepted: GatedRates;
  both_accepted: GatedRates;
}

export interface EvalOptions {
  folder: string;
  degrade: Degrade;
  pairsFile?: string;
  maxPerIdentity?: number;
  minPerIdentity?: number;
  maxIdentities?: number;
  /** Write `a,b,same,score` rows here (paths relative to the folder). */
  scoresCsv?: string;
  rocPng?: string;
  /** Which face of a crowded photo is the subject: 'centre' for LFW (its convention), else the largest. */
  pick?: FacePick;
  log?: (line: string) => void;
}

const handleFor = (rel: string, d: Degrade) => (d === 'none' ? `raw:${rel}` : `${d}:${rel}`);
const urlFor = (rel: string, _d: 'none') => `/data/${rel.split('/').map(encodeURIComponent).join('/')}`;

/** Handles already enrolled in a harness page (handle → face found), so runs share probes. */
const ENROLLED = new WeakMap<HarnessSession, Map<string, boolean>>();
/** Capture-gate failures of each enrolled handle ([] = accepted). */
const GATE = new WeakMap<HarnessSession, Map<string, string[]>>();

export interface ScoredPair extends Pair {
  score: number;
}

/** Enrols what the pairs need (references degraded as asked) and scores every pair. */
export async function scorePairs(
  h: HarnessSession,
  pairs: readonly Pair[],
  degrade: Degrade,
  log: (l: string) => void,
  pick: FacePick = 'largest',
): Promise<{ scored: ScoredPair[]; failed: string[]; gate: (rel: string) => string[] | undefined }> {
  // A face picked another way is another enrolment: its handle says so.
  const hf = (rel: string, d: Degrade) => (pick === 'largest' ? handleFor(rel, d) : `${pick}/${handleFor(rel, d)}`);
  const refs = [...new Set(pairs.map((p) => p.a))];
  const probes = [...new Set(pairs.map((p) => p.b))];
  const jobs = [...refs.map((r) => ({ rel: r, d: degrade })), ...probes.map((r) => ({ rel: r, d: 'none' as Degrade }))];
  let enrolled = ENROLLED.get(h);
  if (!enrolled) ENROLLED.set(h, (enrolled = new Map()));
  const known = enrolled;
  let gates = GATE.get(h);
  if (!gates) GATE.set(h, (gates = new Map()));
  const gateOf = gates;
  const unique = [...new Map(jobs.map((j) => [hf(j.rel, j.d), j])).values()].filter((j) => !known.has(hf(j.rel, j.d)));
  const t0 = Date.now();
  for (let i = 0; i < unique.length; i += 16) {
    const batch = unique.slice(i, i + 16);
    const raw = batch.filter((j) => j.d === 'none');
    const chip = batch.filter((j) => j.d !== 'none');
    const res = [
      ...(raw.length ? await callHarness<Array<{ handle: string; ok: boolean; quality?: string[] }>>(h.page, 'enrol', raw.map((j) => ({ handle: hf(j.rel, j.d), url: urlFor(j.rel, 'none') })), pick) : []),
      ...(chip.length ? await callHarness<Array<{ handle: string; ok: boolean; quality?: string[] }>>(h.page, 'enrolChip', chip.map((j) => ({ handle: hf(j.rel, j.d), rel: j.rel, mode: j.d === 'chip-jpeg' ? 'jpeg' : 'jp2' })), pick) : []),
    ];
    for (const r of res) {
      known.set(r.handle, r.ok);
      if (r.quality) gateOf.set(r.handle, r.quality);
    }
    if ((i / 16) % 10 === 0) log(`enrolled ${Math.min(i + 16, unique.length)}/${unique.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const failed = [...new Set(jobs.map((j) => hf(j.rel, j.d)))].filter((k) => known.get(k) === false);
  const scored: ScoredPair[] = [];
  for (let i = 0; i < pairs.length; i += 20000) {
    const batch = pairs.slice(i, i + 20000);
    const s = await callHarness<Array<number | null>>(h.page, 'score', batch.map((p) => [hf(p.a, degrade), hf(p.b, 'none')]));
    batch.forEach((p, k) => scored.push({ ...p, score: s[k] ?? -1 }));
  }
  // Photos as they are (raw enrolments): a chip-degraded reference is judged by its original photo's pose and eyes.
  return { scored, failed, gate: (rel) => gateOf.get(hf(rel, 'none')) };
}

/** The capture-gate figures as lines for a terminal (eval.ts, kioskctl face eval). */
export function formatCaptureGate(cg: CaptureGateReport): string[] {
  const failedChecks = Object.entries(cg.checks_failed).sort((x, y) => y[1] - x[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  const lines = [`capture gate: ${cg.photos_accepted}/${cg.photos} photos accepted (failed: ${failedChecks || 'none'})`];
  for (const [label, g] of [['probe accepted', cg.probe_accepted], ['both accepted', cg.both_accepted]] as const) {
    const points = g.operating_points.map((p) => `FMR ${p.target_fmr.toExponential(0)}: FNMR ${(p.fnmr * 100).toFixed(2)} %${p.resolvable ? '' : ' (below resolution)'}`).join('; ');
    lines.push(`  ${label}: ${g.genuine_pairs} genuine / ${g.impostor_pairs} impostor pairs; ${points || 'too few pairs'}`);
  }
  return lines;
}

const FRAMING_CHECKS = new Set(['too-small', 'too-large', 'off-centre']);

function rates(pairs: readonly ScoredPair[]): GatedRates {
  const genuine = pairs.filter((p) => p.same).map((p) => p.score);
  const impostor = pairs.filter((p) => !p.same).map((p) => p.score);
  return {
    genuine_pairs: genuine.length,
    impostor_pairs: impostor.length,
    eer: genuine.length && impostor.length ? equalErrorRate(genuine, impostor).eer : Number.NaN,
    operating_points: genuine.length && impostor.length ? TARGET_FMRS.map((f) => operatingPoint(genuine, impostor, f)) : [],
  };
}

/**
 * Error rates over the pairs whose probe (and, for `both_accepted`, whose reference too) passes
 * the kiosk's capture gate. A photo never gated (not enrolled as it is) counts as not accepted.
 */
export function captureGateReport(scored: readonly ScoredPair[], gate: (rel: string) => string[] | undefined): CaptureGateReport {
  const photos = [...new Set(scored.flatMap((p) => [p.a, p.b]))];
  // Framing (size in the frame, centring) is the photographer's crop in a still photo; at the
  // kiosk the citizen moves until it passes. What counts is the face: pose, eyes, sharpness, light.
  const failures = (rel: string) => gate(rel)?.filter((f) => !FRAMING_CHECKS.has(f));
  const accepted = (rel: string) => failures(rel)?.length === 0;
  const checks: Record<string, number> = {};
  for (const rel of photos) for (const f of failures(rel) ?? ['not-measured']) checks[f] = (checks[f] ?? 0) + 1;
  return {
    photos: photos.length,
    photos_accepted: photos.filter(accepted).length,
    checks_failed: checks,
    probe_accepted: rates(scored.filter((p) => accepted(p.b))),
    both_accepted: rates(scored.filter((p) => accepted(p.a) && accepted(p.b))),
  };
}

export function summarise(scored: readonly ScoredPair[], degrade: Degrade, failed: string[], seconds: number): RunReport {
  const genuine = scored.filter((p) => p.same).map((p) => p.score);
  const impostor = scored.filter((p) => !p.same).map((p) => p.score);
  const eer = equalErrorRate(genuine, impostor);
  const report: RunReport = {
    degrade,
    genuine_pairs: genuine.length,
    impostor_pairs: impostor.length,
    failed_to_enrol: failed,
    eer: eer.eer,
    eer_threshold: eer.threshold,
    operating_points: TARGET_FMRS.map((f) => operatingPoint(genuine, impostor, f)),
    genuine_histogram: histogram(genuine),
    impostor_histogram: histogram(impostor),
    seconds,
  };
  if (scored.every((p) => p.fold !== undefined)) {
    report.lfw_10fold = tenFoldAccuracy(scored.map((p) => ({ fold: p.fold!, same: p.same, score: p.score })));
  }
  return report;
}

export function toCsv(scored: readonly ScoredPair[]): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ['a,b,same,score', ...scored.map((p) => `${q(p.a)},${q(p.b)},${p.same ? 1 : 0},${p.score.toFixed(6)}`)].join('\n') + '\n';
}

/** ROC (TMR against log FMR) as an SVG, rendered to PNG by the same headless Chromium. */
export async function renderRoc(h: HarnessSession, curves: Array<{ label: string; genuine: number[]; impostor: number[] }>, out: string): Promise<void> {
  const W = 720, H = 480, L = 70, R = 20, T = 30, B = 60;
  const minLog = -5;
  const x = (fmr: number) => L + ((Math.log10(Math.max(fmr, 10 ** minLog)) - minLog) / -minLog) * (W - L - R);
  const y = (tmr: number) => T + (1 - tmr) * (H - T - B);
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const grid = [-5, -4, -3, -2, -1, 0].map((e) => `<line x1="${x(10 ** e)}" y1="${T}" x2="${x(10 ** e)}" y2="${H - B}" stroke="#ddd"/><text x="${x(10 ** e)}" y="${H - B + 18}" text-anchor="middle" font-size="12">1e${e}</text>`);
  const ygrid = [0, 0.2, 0.4, 0.6, 0.8, 1].map((v) => `<line x1="${L}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}" stroke="#ddd"/><text x="${L - 8}" y="${y(v) + 4}" text-anchor="end" font-size="12">${v.toFixed(1)}</text>`);
  const paths = curves.map((c, i) => {
    const pts = rocCurve(c.genuine, c.impostor).map((p) => `${x(p.fmr).toFixed(1)},${y(p.tmr).toFixed(1)}`);
    return `<polyline fill="none" stroke="${colours[i % colours.length]}" stroke-width="2" points="${pts.join(' ')}"/><text x="${L + 12}" y="${H - B - 12 - 18 * i}" fill="${colours[i % colours.length]}" font-size="13">${c.label}</text>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${grid.join('')}${ygrid.join('')}<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#333"/>${paths.join('')}<text x="${(W + L) / 2}" y="${H - 18}" text-anchor="middle" font-size="13">false match rate (log)</text><text x="18" y="${(H - B + T) / 2}" transform="rotate(-90 18 ${(H - B + T) / 2})" text-anchor="middle" font-size="13">true match rate</text><text x="${L}" y="20" font-size="14">ROC (score ≥ threshold = match)</text></svg>`;
  const browser = h.page.context().browser();
  if (!browser) throw new Error('no browser for the ROC page');
  const page = await browser.newPage();
  await page.setViewportSize({ width: W, height: H });
  await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
  await page.screenshot({ path: out, clip: { x: 0, y: 0, width: W, height: H } });
  await page.close();
}

export interface EvalResult {
  matcher: { name: string; version: string; model_sha256: string };
  folder: string;
  photos: number;
  identities: number;
  run: RunReport;
}

export async function evaluate(opts: EvalOptions, session?: HarnessSession): Promise<EvalResult & { scored: ScoredPair[] }> {
  const log = opts.log ?? (() => {});
  const pairs = opts.pairsFile ? readLfwPairs(opts.pairsFile, opts.folder) : allPairs(listIdentities(opts.folder, opts.maxPerIdentity ?? Infinity, opts.minPerIdentity ?? 1, opts.maxIdentities ?? Infinity));
  const h = session ?? (await openHarness({ dataRoot: opts.folder }));
  try {
    const t0 = Date.now();
    const { scored, failed, gate } = await scorePairs(h, pairs, opts.degrade, log, opts.pick);
    const run = summarise(scored, opts.degrade, failed, (Date.now() - t0) / 1000);
    run.capture_gate = captureGateReport(scored, gate);
    if (opts.scoresCsv) writeFileSync(opts.scoresCsv, toCsv(scored));
    if (opts.rocPng) {
      await renderRoc(h, [{ label: opts.degrade, genuine: scored.filter((p) => p.same).map((p) => p.score), impostor: scored.filter((p) => !p.same).map((p) => p.score) }], opts.rocPng);
    }
    const info = await callHarness<{ matcher: { name: string; version: string; model_sha256: string } }>(h.page, 'info');
    const photos = new Set(pairs.flatMap((p) => [p.a, p.b])).size;
    return { matcher: { name: info.matcher.name, version: info.matcher.version, model_sha256: info.matcher.model_sha256 }, folder: opts.folder, photos, identities: new Set([...pairs.flatMap((p) => [p.a, p.b])].map((f) => f.split('/')[0])).size, run, scored };
  } finally {
    if (!session) await h.close();
  }
}
