/**
 * One citizen's face capture, as the kiosk UI drives it: set the chip portrait as reference, feed
 * camera frames, show the guidance / challenge prompt returned for each frame, then `finish()` for
 * the decision. Frames, crops and embeddings stay in the worker and are overwritten by `end()`.
 */
import { approvedThreshold, decide, type FaceDecision, type FacePolicy } from './decision';
import type { FaceClient } from './face-client';
import type { FrameReport, StillImage } from './face-protocol';
import { advanceChallenge, cameraAllowed, challengeDone, challengePrompt, createChallenge, cryptoRandom, DEFAULT_CAMERA_POLICY, startChallenge, type CameraPolicy, type ChallengeState } from './liveness';
import type { MatcherManifest } from './matcher-manifest';

export class FaceSessionError extends Error {
  constructor(
    readonly code: 'no-face-in-portrait' | 'camera-not-allowed' | 'session-ended',
    message: string,
  ) {
    super(message);
    this.name = 'FaceSessionError';
  }
}

export interface FaceSessionOptions {
  policy: FacePolicy;
  manifest: MatcherManifest;
  camera: { label: string };
  cameraPolicy?: CameraPolicy;
  random?: () => number;
}

export interface FrameOutcome {
  report: FrameReport;
  /** i18n key to show now: the quality guidance, else the challenge prompt, else null. */
  prompt: string | null;
  challenge: ChallengeState;
  /** True once the challenge is complete and enough good frames were scored. */
  ready: boolean;
}

const REFERENCE = 'reference';
const EMBED_EVERY = 3;

export class FaceSession {
  private challenge: ChallengeState;
  private scores: number[] = [];
  private frames = 0;
  private ended = false;

  constructor(
    private readonly client: FaceClient,
    private readonly opts: FaceSessionOptions,
  ) {
    // Fails early, before the citizen presents anything, if this matcher is not approved.
    approvedThreshold(opts.policy, opts.manifest);
    if (!cameraAllowed(opts.camera.label, opts.cameraPolicy ?? DEFAULT_CAMERA_POLICY)) {
      throw new FaceSessionError('camera-not-allowed', 'camera is not on the allowlist');
    }
    this.challenge = startChallenge(createChallenge(opts.random ?? cryptoRandom));
  }

  get steps(): ChallengeState['steps'] {
    return this.challenge.steps;
  }

  async setReference(portrait: StillImage): Promise<void> {
    this.check();
    const transfer = portrait.kind === 'rgba' ? [portrait.rgba] : [portrait.bytes];
    const r = await this.client.request({ op: 'enrol', image: portrait, handle: REFERENCE }, transfer);
    if (!r.ok) throw new FaceSessionError('no-face-in-portrait', 'no face found in the portrait');
    await this.client.request({ op: 'setReference', handle: REFERENCE });
  }

  async frame(frame: ImageBitmap, timestampMs: number): Promise<FrameOutcome> {
    this.check();
    // Embedding costs several landmark passes: score every EMBED_EVERY-th frame, which keeps
    // identity checked throughout the challenge while the landmarks run at camera rate.
    const embed = this.frames % EMBED_EVERY === 0;
    const r = await this.client.request({ op: 'frame', frame, timestampMs, embed }, [frame]);
    const report = r.report;
    this.frames++;
    this.challenge = advanceChallenge(this.challenge, { t: timestampMs, faceCount: report.faceCount, pose: report.pose, eyeOpen: report.eyeOpen });
    // Scores count only from frames that passed the quality gate (score is absent otherwise).
    if (report.score !== undefined) this.scores.push(report.score);
    const prompt = report.quality.guidance ?? challengePrompt(this.challenge);
    return { report, prompt, challenge: this.challenge, ready: challengeDone(this.challenge) && this.scores.length >= 3 };
  }

  async finish(): Promise<FaceDecision> {
    this.check();
    const passive = (await this.client.request({ op: 'passive' })).result;
    const live = challengeDone(this.challenge) && passive.live;
    return decide({
      policy: this.opts.policy,
      manifest: this.opts.manifest,
      scores: this.scores,
      liveness: { method: 'challenge-blink-turn+planarity', result: live ? 'live' : 'not-live', score: live ? passive.score : 0 },
      camera: { label: this.opts.camera.label, allowed: cameraAllowed(this.opts.camera.label, this.opts.cameraPolicy ?? DEFAULT_CAMERA_POLICY) },
    });
  }

  /** Session end: the worker overwrites the reference, embeddings and frame traces. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.scores.fill(0);
    this.scores = [];
    await this.client.request({ op: 'endSession' });
  }

  private check(): void {
    if (this.ended) throw new FaceSessionError('session-ended', 'face session ended');
  }
}
