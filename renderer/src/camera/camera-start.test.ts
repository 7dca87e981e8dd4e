import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CAMERA_GRACE,
  cameraOpens,
  CameraStartError,
  classifyCameraError,
  firstFrame,
  judgeCameraFailure,
  openCameraWithGrace,
  type CameraFailure,
  type CameraGrace,
} from './camera-start';

const domError = (name: string) => Object.assign(new Error(name), { name });
const grace: CameraGrace = { graceMs: 10_000, retryMs: 500 };

describe('classifyCameraError', () => {
  it('tells a missing or still-starting camera from one the browser refuses', () => {
    expect(classifyCameraError(domError('NotFoundError'))).toBe('absent');
    expect(classifyCameraError(domError('DevicesNotFoundError'))).toBe('absent');
    expect(classifyCameraError(domError('NotReadableError'))).toBe('not-started');
    expect(classifyCameraError(domError('TrackStartError'))).toBe('not-started');
    expect(classifyCameraError(domError('AbortError'))).toBe('not-started');
    expect(classifyCameraError(domError('NotAllowedError'))).toBe('refused');
    expect(classifyCameraError(domError('SecurityError'))).toBe('refused');
    expect(classifyCameraError(new CameraStartError('no-frames', 'x'))).toBe('no-frames');
    expect(classifyCameraError(new CameraStartError('ended', 'x'))).toBe('ended');
    expect(classifyCameraError('weird')).toBe('other');
    expect(classifyCameraError(null)).toBe('other');
  });
});

describe('judgeCameraFailure', () => {
  const transient: CameraFailure[] = ['absent', 'not-started', 'no-frames', 'ended', 'other'];

  it('retries a transient failure while the grace lasts', () => {
    for (const failure of transient) {
      expect(judgeCameraFailure(failure, 0, grace)).toEqual({ kind: 'retry', afterMs: 500 });
      expect(judgeCameraFailure(failure, 1_000, grace)).toEqual({ kind: 'retry', afterMs: 500 });
      // The last pause never runs past the grace.
      expect(judgeCameraFailure(failure, 9_800, grace)).toEqual({ kind: 'retry', afterMs: 200 });
    }
  });

  it('gives up once the grace is spent', () => {
    for (const failure of transient) {
      expect(judgeCameraFailure(failure, 10_000, grace)).toEqual({ kind: 'unavailable', failure });
      expect(judgeCameraFailure(failure, 60_000, grace)).toEqual({ kind: 'unavailable', failure });
      expect(judgeCameraFailure(failure, Number.NaN, grace)).toEqual({ kind: 'unavailable', failure });
    }
  });

  it('does not wait for a camera the browser refuses', () => {
    expect(judgeCameraFailure('refused', 0, grace)).toEqual({ kind: 'unavailable', failure: 'refused' });
  });

  it('gives a camera at least a second longer than an instant to start', () => {
    expect(CAMERA_GRACE.graceMs).toBeGreaterThanOrEqual(3_000);
    expect(judgeCameraFailure('absent', 1_000).kind).toBe('retry');
  });
});

/** A scripted camera on a virtual clock: each attempt fails with the next error until it opens. */
function scriptedOpening(outcomes: Array<Error | 'open'>, options: { attemptMs?: number; cancelAfter?: number } = {}) {
  let clock = 0;
  let calls = 0;
  const budgets: number[] = [];
  return {
    budgets,
    calls: () => calls,
    clock: () => clock,
    opening: {
      attempt: async (budget: number) => {
        budgets.push(budget);
        calls += 1;
        clock += options.attemptMs ?? 0;
        const next = outcomes.length > 1 ? outcomes.shift()! : outcomes[0]!;
        if (next === 'open') return `stream-${calls}`;
        throw next;
      },
      now: () => clock,
      sleep: async (ms: number) => {
        clock += ms;
      },
      cancelled: () => options.cancelAfter !== undefined && calls >= options.cancelAfter,
    },
  };
}

describe('openCameraWithGrace', () => {
  it('opens at once when the camera is there', async () => {
    const s = scriptedOpening(['open']);
    await expect(openCameraWithGrace(s.opening, grace)).resolves.toEqual({ kind: 'open', stream: 'stream-1' });
    expect(s.budgets).toEqual([10_000]);
  });

  it('waits out a device list that is empty for a moment and a camera slow to start', async () => {
    const s = scriptedOpening([domError('NotFoundError'), domError('NotFoundError'), domError('NotReadableError'), 'open']);
    await expect(openCameraWithGrace(s.opening, grace)).resolves.toEqual({ kind: 'open', stream: 'stream-4' });
    expect(s.calls()).toBe(4);
    expect(s.clock()).toBe(1_500);
  });

  it('waits for the first frame of a stream that opened before its camera started', async () => {
    const s = scriptedOpening([new CameraStartError('no-frames', 'slow'), 'open'], { attemptMs: 2_000 });
    await expect(openCameraWithGrace(s.opening, grace)).resolves.toEqual({ kind: 'open', stream: 'stream-2' });
    // The second attempt gets what is left of the grace for its first frame.
    expect(s.budgets).toEqual([10_000, 7_500]);
  });

  it('reports a camera still missing after the grace, and not before', async () => {
    const s = scriptedOpening([domError('NotFoundError')]);
    await expect(openCameraWithGrace(s.opening, grace)).resolves.toEqual({ kind: 'unavailable', failure: 'absent' });
    expect(s.clock()).toBe(10_000);
    expect(s.calls()).toBe(21);
  });

  it('is bounded even when every attempt uses its whole frame budget', async () => {
    const s = scriptedOpening([new CameraStartError('no-frames', 'dark')], { attemptMs: 10_000 });
    await expect(openCameraWithGrace(s.opening, grace)).resolves.toEqual({ kind: 'unavailable', failure: 'no-frames' });
    expect(s.calls()).toBe(1);
  });

  it('reports a refused camera at once', async () => {
    const s = scriptedOpening([domError('NotAllowedError')]);
    await expect(openCameraWithGrace(s.opening, grace)).resolves.toEqual({ kind: 'unavailable', failure: 'refused' });
    expect(s.calls()).toBe(1);
  });

  it('reports nothing once the screen has gone away', async () => {
    const s = scriptedOpening([domError('NotFoundError')], { cancelAfter: 2 });
    await expect(openCameraWithGrace(s.opening, grace)).resolves.toEqual({ kind: 'cancelled' });
    const opened = scriptedOpening(['open'], { cancelAfter: 1 });
    await expect(openCameraWithGrace(opened.opening, grace)).resolves.toEqual({ kind: 'cancelled' });
  });
});

/** A <video> and its track as event targets whose state the test drives. */
function fakeVideo() {
  const video = Object.assign(new EventTarget(), { readyState: 0, videoWidth: 0 });
  const track = Object.assign(new EventTarget(), { readyState: 'live' });
  return { video, track };
}

describe('firstFrame', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves at once when a frame is already there', async () => {
    const { video, track } = fakeVideo();
    video.readyState = 4;
    video.videoWidth = 640;
    await expect(firstFrame(video, track, 1_000)).resolves.toBeUndefined();
  });

  it('resolves when the first frame arrives later', async () => {
    const { video, track } = fakeVideo();
    const waiting = firstFrame(video, track, 5_000);
    await vi.advanceTimersByTimeAsync(1_200);
    video.readyState = 2;
    video.videoWidth = 1280;
    video.dispatchEvent(new Event('loadeddata'));
    await expect(waiting).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not take metadata without a frame for a frame', async () => {
    const { video, track } = fakeVideo();
    const waiting = firstFrame(video, track, 1_000);
    video.readyState = 1;
    video.dispatchEvent(new Event('resize'));
    const settled = expect(waiting).rejects.toMatchObject({ name: 'CameraStartError', code: 'no-frames' });
    await vi.advanceTimersByTimeAsync(1_000);
    await settled;
  });

  it('gives up after its budget', async () => {
    const { video, track } = fakeVideo();
    const waiting = firstFrame(video, track, 3_000);
    const settled = expect(waiting).rejects.toMatchObject({ code: 'no-frames' });
    await vi.advanceTimersByTimeAsync(2_999);
    let done = false;
    void waiting.catch(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await settled;
  });

  it('fails when the track ends first', async () => {
    const { video, track } = fakeVideo();
    const waiting = firstFrame(video, track, 3_000);
    track.readyState = 'ended';
    track.dispatchEvent(new Event('ended'));
    await expect(waiting).rejects.toMatchObject({ code: 'ended' });
    expect(vi.getTimerCount()).toBe(0);
    await expect(firstFrame(video, track, 3_000)).rejects.toMatchObject({ code: 'ended' });
  });
});

describe('cameraOpens', () => {
  const stream = (state: string) => {
    const stops: string[] = [];
    const track = { readyState: state, stop: () => stops.push(state) };
    return { stops, s: { getVideoTracks: () => [track], getTracks: () => [track] } };
  };

  it('is true only for a camera that opens with a live video track, and always stops it', async () => {
    const live = stream('live');
    expect(await cameraOpens(async () => live.s)).toBe(true);
    expect(live.stops).toEqual(['live']);
    const ended = stream('ended');
    expect(await cameraOpens(async () => ended.s)).toBe(false);
    expect(ended.stops).toEqual(['ended']);
  });

  it('is false for a camera that is listed but cannot be opened', async () => {
    expect(await cameraOpens(() => Promise.reject(Object.assign(new Error('busy'), { name: 'NotReadableError' })))).toBe(false);
    expect(await cameraOpens(async () => ({ getVideoTracks: () => [], getTracks: () => [] }))).toBe(false);
  });
});
