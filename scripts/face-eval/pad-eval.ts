/**
 * Presentation-attack evaluation through the fake camera (ISO/IEC 30107-3 terms): each photo is
 * turned into attack clips (still print, hand-held print, screen replay; fixtures/camera), and a
 * full capture session (challenge + passive check + decision) runs on each. APCER per attack type
 * = attacks that came out `live` / attacks presented. BPCER needs bona fide presentations (video
 * of real people blinking and turning), which this workplace does not have: not measured here.
 *
 *   npx tsx scripts/face-eval/pad-eval.ts [--photos N] [--frames N]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeClip, type ClipKind } from '../../fixtures/camera/make-clip';
import { listIdentities } from './dataset';
import { callHarness, defaultFacesDir, openHarness, PROJECT_ROOT } from './harness-server';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const faces = defaultFacesDir();
const photos = listIdentities(faces)
  .filter((i) => !i.name.startsWith('bbt_'))
  .map((i) => i.files[0]!)
  .slice(0, arg('--photos', 6));
const frames = arg('--frames', 30);
const kinds: ClipKind[] = ['still', 'handheld', 'replay'];
const p = JSON.parse(readFileSync(join(PROJECT_ROOT, 'renderer/face/matcher-policy.json'), 'utf8')) as { name: string; version: string; model_sha256: string; threshold: number; target_fmr: number };
const policy = { target_fmr: p.target_fmr, liveness_required: true, matchers: [{ name: p.name, version: p.version, model_sha256: p.model_sha256, threshold: p.threshold }] };
const dir = mkdtempSync(join(tmpdir(), 'pad-'));

interface Attempt {
  photo: string;
  kind: ClipKind;
  detectedFrames: number;
  live: boolean;
  passive: string;
  challengeDone: boolean;
  decision: string | null;
}
const attempts: Attempt[] = [];
try {
  // Framing: locate the face once, then zoom and centre it as a person would hold a print.
  const locator = await openHarness({ dataRoot: faces });
  const framing = new Map<string, { zoom: number; centreY: number }>();
  for (const photo of photos) {
    const r = await callHarness<{ width: number; height: number; box: { x: number; y: number; width: number; height: number } | null }>(locator.page, 'locate', `/data/${photo}`);
    if (!r.box) continue;
    // Face ≈ 40 % of the 640-px frame width.
    const scaleToFrame = (0.4 * 640) / r.box.width;
    framing.set(photo, { zoom: (r.height * scaleToFrame) / 480, centreY: (r.box.y + r.box.height / 2) / r.height });
  }
  await locator.close();
  for (const photo of photos) {
    const f = framing.get(photo);
    if (!f) continue;
    for (const kind of kinds) {
      const clip = join(dir, `${kind}.y4m`);
      try {
        makeClip(join(faces, photo), clip, kind, 3, 15, f.zoom, f.centreY);
      } catch (e) {
        console.error(`${photo} ${kind}: clip not made (${(e as Error).message.split('\n')[0]})`);
        continue;
      }
      const h = await openHarness({ dataRoot: faces, fakeVideo: clip });
      try {
        const r = await callHarness<{ faceCounts: number[]; passive: { reason: string; live: boolean }; decision: { decision: string; liveness: { result: string } } | null; steps: string[]; prompts: Array<string | null> }>(
          h.page,
          'captureSession',
          { referenceUrl: `/data/${photo}`, count: frames, policy, allowCamera: ['.y4m'] },
        );
        const a: Attempt = {
          photo,
          kind,
          detectedFrames: r.faceCounts.filter((n) => n === 1).length,
          live: r.decision?.liveness.result === 'live',
          passive: r.passive.reason,
          // The last prompt is null only when the frame passed the gate and the challenge is done.
          challengeDone: r.prompts.at(-1) === null,
          decision: r.decision?.decision ?? null,
        };
        attempts.push(a);
        console.error(`${photo} ${kind}: ${a.detectedFrames}/${frames} frames with one face, challenge ${a.challengeDone ? 'done' : 'not done'}, passive ${a.passive}, liveness ${a.live ? 'LIVE' : 'not live'}, decision ${a.decision}`);
      } finally {
        await h.close();
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log('\nattack type      presented  accepted as live  APCER');
for (const kind of kinds) {
  const set = attempts.filter((a) => a.kind === kind && a.detectedFrames >= frames / 2);
  const accepted = set.filter((a) => a.live).length;
  console.log(`${kind.padEnd(16)} ${String(set.length).padStart(9)} ${String(accepted).padStart(17)}  ${set.length ? ((100 * accepted) / set.length).toFixed(1) + ' %' : 'n/a'}`);
}
console.log('BPCER: not measured (no bona fide video of real people in this workplace).');
