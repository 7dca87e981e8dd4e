/**
 * Opening the kiosk camera with a bounded grace. A camera that is still starting (USB
 * re-enumeration after the face step opens it, a driver slow to deliver its first frame, a device
 * list that is empty for a moment) must not put the kiosk out of service: opening is retried
 * until the grace runs out, and only then is the camera reported lost. A camera the browser
 * refuses outright (permission, security) is reported at once, since waiting cannot fix it.
 */

/** What went wrong opening the camera, in the kiosk's terms. */
export type CameraFailure =
  /** No video input right now (getUserMedia NotFoundError: the device list is empty). */
  | 'absent'
  /** A device is there but did not start (NotReadableError / AbortError: busy, still starting). */
  | 'not-started'
  /** The stream opened but no frame arrived in time. */
  | 'no-frames'
  /** The track ended (unplugged, driver reset). */
  | 'ended'
  /** The browser refuses the camera (permission or security policy): waiting will not help. */
  | 'refused'
  | 'other';

export interface CameraGrace {
  /** How long, from the first failure, the camera may take to open before it counts as lost. */
  graceMs: number;
  /** Pause between two attempts to open it. */
  retryMs: number;
}

/** Longer than a USB camera's cold start; short against the face step's own timeout. */
export const CAMERA_GRACE: CameraGrace = { graceMs: 10_000, retryMs: 500 };

export type CameraVerdict = { kind: 'retry'; afterMs: number } | { kind: 'unavailable'; failure: CameraFailure };

/** Raised when an opened stream delivers no frame before the grace runs out. */
export class CameraStartError extends Error {
  readonly code: 'no-frames' | 'ended';
  constructor(code: 'no-frames' | 'ended', message: string) {
    super(message);
    this.name = 'CameraStartError';
    this.code = code;
  }
}

/** W3C Media Capture and Streams §9.2 (getUserMedia errors), with Chromium's legacy names. */
export function classifyCameraError(error: unknown): CameraFailure {
  if (error instanceof CameraStartError) return error.code;
  const name = typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : '';
  switch (name) {
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return 'absent';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'not-started';
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'refused';
    default:
      return 'other';
  }
}

/**
 * The decision after a failed attempt: try again after a pause while the grace lasts, else the
 * camera is unavailable. `elapsedMs` counts from the start of this opening.
 */
export function judgeCameraFailure(failure: CameraFailure, elapsedMs: number, grace: CameraGrace = CAMERA_GRACE): CameraVerdict {
  if (failure === 'refused') return { kind: 'unavailable', failure };
  const left = grace.graceMs - elapsedMs;
  if (!(left > 0)) return { kind: 'unavailable', failure };
  return { kind: 'retry', afterMs: Math.max(0, Math.min(grace.retryMs, left)) };
}

export interface CameraOpening<S> {
  /** One attempt: resolves with a stream that delivers frames, or rejects. */
  attempt(frameBudgetMs: number): Promise<S>;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Set when the screen went away: stop trying, report nothing. */
  cancelled(): boolean;
}

export type CameraOpened<S> = { kind: 'open'; stream: S } | { kind: 'unavailable'; failure: CameraFailure } | { kind: 'cancelled' };

/**
 * Opens the camera, retrying transient failures within the grace. Each attempt is given what is
 * left of the grace to deliver its first frame, so the whole opening is bounded by the grace
 * (plus one attempt's own latency).
 */
export async function openCameraWithGrace<S>(opening: CameraOpening<S>, grace: CameraGrace = CAMERA_GRACE): Promise<CameraOpened<S>> {
  const startedAt = opening.now();
  for (;;) {
    if (opening.cancelled()) return { kind: 'cancelled' };
    const budget = Math.max(grace.retryMs, grace.graceMs - (opening.now() - startedAt));
    try {
      const stream = await opening.attempt(budget);
      return opening.cancelled() ? { kind: 'cancelled' } : { kind: 'open', stream };
    } catch (error) {
      if (opening.cancelled()) return { kind: 'cancelled' };
      const verdict = judgeCameraFailure(classifyCameraError(error), opening.now() - startedAt, grace);
      if (verdict.kind === 'unavailable') return verdict;
      await opening.sleep(verdict.afterMs);
    }
  }
}

/** HTMLMediaElement.HAVE_CURRENT_DATA: a frame can be drawn (WHATWG HTML §4.8.11.7). */
const HAVE_CURRENT_DATA = 2;

/** The parts of a <video> and its track that the first-frame wait reads. */
export interface FrameSource {
  readonly readyState: number;
  readonly videoWidth: number;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}
export interface LiveTrack {
  readonly readyState: string;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/**
 * Resolves once `video` holds a drawable frame; rejects with a CameraStartError when the track
 * ends first or no frame arrives within `budgetMs`. A stream can open before its camera delivers
 * anything, and drawing such a video throws.
 */
export function firstFrame(video: FrameSource, track: LiveTrack, budgetMs: number): Promise<void> {
  const ready = () => video.readyState >= HAVE_CURRENT_DATA && video.videoWidth > 0;
  if (track.readyState === 'ended') return Promise.reject(new CameraStartError('ended', 'the camera track ended before its first frame'));
  if (ready()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const videoEvents = ['loadeddata', 'canplay', 'playing', 'resize', 'timeupdate'];
    const finish = (error?: CameraStartError) => {
      clearTimeout(timer);
      for (const type of videoEvents) video.removeEventListener(type, check);
      track.removeEventListener('ended', ended);
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (ready()) finish();
    };
    const ended = () => finish(new CameraStartError('ended', 'the camera track ended before its first frame'));
    const timer = setTimeout(() => finish(ready() ? undefined : new CameraStartError('no-frames', `no camera frame within ${budgetMs} ms`)), budgetMs);
    for (const type of videoEvents) video.addEventListener(type, check);
    track.addEventListener('ended', ended);
  });
}

/** The parts of a MediaStream the camera probe touches. */
export interface ProbedStream {
  getVideoTracks(): Array<{ readonly readyState: string; stop(): void }>;
  getTracks(): Array<{ stop(): void }>;
}

/**
 * Whether a camera can actually be opened now, for the out-of-service screen's recheck: a camera
 * that is listed but cannot be opened (busy, broken driver) is not back, or the kiosk would cycle
 * between the welcome screen and out of service. The stream is always stopped again.
 */
export async function cameraOpens(open: () => Promise<ProbedStream>): Promise<boolean> {
  let stream: ProbedStream;
  try {
    stream = await open();
  } catch {
    return false;
  }
  try {
    return stream.getVideoTracks().some((t) => t.readyState === 'live');
  } finally {
    for (const t of stream.getTracks()) t.stop();
  }
}
