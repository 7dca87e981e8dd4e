/**
 * Face pipeline benchmark on this CPU, through headless Chromium running the renderer's real
 * face worker (CPU delegate, single-threaded WASM):
 *   - landmarks (detection + 478-point mesh, VIDEO mode) per 640×480 frame,
 *   - five-point alignment + embedding per face,
 *   - FaceSession.finish(): time from the challenge's last frame to the decision.
 * Prints medians (and p90). Targets: ≥ 20 fps landmarks, decision < 1 s.
 *
 *   npx tsx scripts/bench-face.ts [--iterations 60] [--sessions 5]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callHarness, defaultFacesDir, openHarness, PROJECT_ROOT } from './face-eval/harness-server';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const iterations = arg('--iterations', 60);
const sessions = arg('--sessions', 5);
const faces = defaultFacesDir();
const policyFile = JSON.parse(readFileSync(join(PROJECT_ROOT, 'renderer/face/matcher-policy.json'), 'utf8')) as { name: string; version: string; model_sha256: string; threshold: number; target_fmr: number };
const policy = { target_fmr: policyFile.target_fmr, liveness_required: true, matchers: [{ name: policyFile.name, version: policyFile.version, model_sha256: policyFile.model_sha256, threshold: policyFile.threshold }] };

const quantile = (v: number[], q: number) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

const h = await openHarness({ dataRoot: faces });
try {
  const r = await callHarness<{ landmarksMs: number[]; alignEmbedMs: number[]; faces: number; decisionMs: number[] }>(h.page, 'bench', { url: '/data/fr_obama/1.jpg', iterations, sessions, frames: 10, policy });
  // The first iterations include graph warm-up; report steady state.
  const warm = (v: number[]) => v.slice(Math.min(5, Math.floor(v.length / 4)));
  const lm = warm(r.landmarksMs);
  const ae = warm(r.alignEmbedMs);
  const line = (label: string, v: number[], extra = '') => console.log(`${label.padEnd(34)} median ${quantile(v, 0.5).toFixed(1).padStart(7)} ms   p90 ${quantile(v, 0.9).toFixed(1).padStart(7)} ms  (n=${v.length})${extra}`);
  console.log(`faces per frame: ${r.faces}; CPU: ${(await import('node:os')).cpus()[0]?.model ?? '?'} × ${(await import('node:os')).cpus().length}`);
  line('landmarks per 640×480 frame', lm, `  → ${(1000 / quantile(lm, 0.5)).toFixed(1)} fps`);
  line('alignment + embedding per face', ae);
  line('landmarks + embedding per frame', lm.map((v, i) => v + (ae[i] ?? 0)), `  → ${(1000 / (quantile(lm, 0.5) + quantile(ae, 0.5))).toFixed(1)} fps`);
  line('challenge complete → decision', r.decisionMs);
} finally {
  await h.close();
}
