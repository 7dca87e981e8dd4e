/**
 * The face pipeline on Chromium's fake camera: a photo becomes a Y4M clip
 * (fixtures/camera/make-clip.ts), the harness page runs the renderer's real face code on the
 * camera frames, and the assertions are about the frames' content: the face seen is the source
 * photo's person (high score against another photo of them, low against someone else), and the
 * presentation attacks (a hand-held print, a still print) are refused by liveness.
 * Runs its own Chromium (fake-camera flags), so only in the `web` project.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { makeClip } from '../fixtures/camera/make-clip';
import { callHarness, defaultFacesDir, ensureHarnessBuilt, openHarness, PROJECT_ROOT } from '../scripts/face-eval/harness-server';
import type { FaceDecision } from '../renderer/face/decision';
import type { PassiveResult } from '../renderer/face/liveness';

const faces = defaultFacesDir();

interface CaptureResult {
  label: string;
  steps: string[];
  prompts: Array<string | null>;
  faceCounts: number[];
  scores: number[];
  passive: PassiveResult;
  decision: FaceDecision;
  error: string | null;
}

const policyFile = JSON.parse(readFileSync(join(PROJECT_ROOT, 'renderer/face/matcher-policy.json'), 'utf8')) as { name: string; version: string; model_sha256: string; threshold: number; target_fmr: number };
const policy = {
  target_fmr: policyFile.target_fmr,
  liveness_required: true,
  matchers: [{ name: policyFile.name, version: policyFile.version, model_sha256: policyFile.model_sha256, threshold: policyFile.threshold }],
};

test.describe('face pipeline on a fake camera', () => {
  test.setTimeout(180_000);
  let dir = '';

  test.beforeAll(() => {
    test.skip(test.info().project.name !== 'web', 'drives its own headless Chromium with fake-camera flags: once is enough');
    // Builds models and harness when missing or older than renderer/face: never tests stale code.
    ensureHarnessBuilt();
    dir = mkdtempSync(join(tmpdir(), 'face-cam-'));
  });
  test.afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function capture(clipKind: 'handheld' | 'still', referenceUrl: string): Promise<CaptureResult> {
    const clip = join(dir, `${clipKind}.y4m`);
    if (!existsSync(clip)) makeClip(join(faces, 'fr_obama/1.jpg'), clip, clipKind, 4, 15, 2, 0.2);
    const h = await openHarness({ dataRoot: faces, fakeVideo: clip });
    try {
      // Chromium labels a file-backed fake camera with the file's path: allowed explicitly here,
      // as an operator lists the kiosk's certified camera model.
      const r = await callHarness<CaptureResult>(h.page, 'captureSession', { referenceUrl, count: 14, policy, allowCamera: ['.y4m'] });
      expect(r.error).toBeNull();
      return r;
    } finally {
      await h.close();
    }
  }

  test('the face in the camera stream is the source photo’s person, and a hand-held print is not live', async () => {
    const same = await capture('handheld', '/data/fr_obama/2.jpg');
    expect(same.label).toContain('handheld.y4m');
    expect(same.faceCounts.filter((n) => n === 1).length).toBeGreaterThanOrEqual(12);
    expect(same.scores.length).toBeGreaterThanOrEqual(3);
    expect(same.decision.score).toBeGreaterThanOrEqual(policy.matchers[0]!.threshold);
    // No blink and no head turn are possible from a photo, and its motion is planar.
    expect(same.decision.liveness.result).toBe('not-live');
    expect(same.decision.decision).toBe('no-match');
    expect(same.passive.live).toBe(false);
    expect(same.prompts.some((p) => p?.startsWith('face.challenge.'))).toBe(true);

    const other = await capture('handheld', '/data/fr_biden/1.jpg');
    expect(other.decision.score).toBeLessThan(policy.matchers[0]!.threshold);
    expect(other.decision.score).toBeLessThan(same.decision.score - 0.2);
  });

  test('a still printed photo is refused as frozen', async () => {
    const still = await capture('still', '/data/fr_obama/2.jpg');
    expect(still.faceCounts.filter((n) => n === 1).length).toBeGreaterThanOrEqual(12);
    expect(still.passive).toMatchObject({ live: false, reason: 'frozen' });
    expect(still.decision.liveness.result).toBe('not-live');
  });
});
