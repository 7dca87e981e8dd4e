/**
 * Test harness page: exposes the renderer's real face pipeline (worker, engine, quality gate,
 * liveness, decision) on `window.faceHarness` for headless Chromium (kioskctl face, evaluation,
 * e2e). Not part of the kiosk UI. Images come from the harness server's /data routes.
 */
import { FaceClient } from '../face-client';
import type { FacePolicy } from '../decision';
import type { FacePick, FrameReport, StillImage } from '../face-protocol';
import { FaceSession } from '../face-session';
import { DEFAULT_MATCHER } from '../matcher-manifest';

const client = FaceClient.start();

async function still(url: string): Promise<StillImage> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  const width = r.headers.get('x-width');
  const height = r.headers.get('x-height');
  const bytes = await r.arrayBuffer();
  return width && height ? { kind: 'rgba', width: Number(width), height: Number(height), rgba: bytes } : { kind: 'encoded', bytes };
}

export interface CameraRun {
  frames: FrameReport[];
  label: string;
}

const harness = {
  async init(modelsBase: string, delegate: 'CPU' | 'GPU' | 'auto' = 'CPU') {
    return client.request({ op: 'init', modelsBase, delegate });
  },
  async info() {
    return client.request({ op: 'info' });
  },
  /** Enrols each URL under its handle; returns per-handle face counts. */
  async enrol(items: Array<{ handle: string; url: string }>, pick: FacePick = 'largest') {
    const out: Array<{ handle: string; faceCount: number; ok: boolean; quality?: string[]; error?: string }> = [];
    for (const it of items) {
      try {
        const image = await still(it.url);
        const transfer = image.kind === 'rgba' ? [image.rgba] : [image.bytes];
        const r = await client.request({ op: 'enrol', image, handle: it.handle, pick }, transfer);
        // `quality`: the capture-gate checks the face fails ([] = the kiosk would accept it).
        out.push({ handle: it.handle, faceCount: r.faceCount, ok: r.ok, ...(r.quality ? { quality: r.quality.failures } : {}) });
      } catch (e) {
        out.push({ handle: it.handle, faceCount: 0, ok: false, error: String(e) });
      }
    }
    return out;
  },
  /**
   * Enrols chip-portrait stand-ins: the face is located in the original photo, an ICAO-style
   * 3:4 crop around it (face ≈ 55 % of the width) is degraded by the server, then enrolled.
   */
  async enrolChip(items: Array<{ handle: string; rel: string; mode: 'jpeg' | 'jp2' }>, pick: FacePick = 'largest') {
    const out: Array<{ handle: string; faceCount: number; ok: boolean; error?: string }> = [];
    for (const it of items) {
      try {
        const enc = it.rel.split('/').map(encodeURIComponent).join('/');
        const raw = await still(`/data/${enc}`);
        const where = await client.request({ op: 'locate', image: raw, pick }, raw.kind === 'rgba' ? [raw.rgba] : [raw.bytes]);
        let crop = '';
        if (where.box) {
          const w = where.box.width / 0.55;
          const h = (w * 4) / 3;
          const cx = where.box.x + where.box.width / 2;
          const cy = where.box.y + where.box.height / 2 - 0.04 * h;
          crop = `?crop=${Math.round(cx - w / 2)},${Math.round(cy - h / 2)},${Math.round(w)},${Math.round(h)}`;
        }
        const image = await still(`/chip/${it.mode}/${enc}${crop}`);
        // The crop is centred on the located face: pick the centred one again.
        const r = await client.request({ op: 'enrol', image, handle: it.handle, pick: 'centre' }, image.kind === 'rgba' ? [image.rgba] : [image.bytes]);
        out.push({ handle: it.handle, faceCount: r.faceCount, ok: r.ok });
      } catch (e) {
        out.push({ handle: it.handle, faceCount: 0, ok: false, error: String(e) });
      }
    }
    return out;
  },
  async locate(url: string) {
    const raw = await still(url);
    const r = await client.request({ op: 'locate', image: raw }, raw.kind === 'rgba' ? [raw.rgba] : [raw.bytes]);
    return { width: r.width, height: r.height, box: r.box };
  },
  async score(pairs: Array<[string, string]>) {
    return (await client.request({ op: 'score', pairs })).scores;
  },
  async setReference(handle: string) {
    return (await client.request({ op: 'setReference', handle })).ok;
  },
  async endSession() {
    await client.request({ op: 'endSession' });
  },
  async passive() {
    return (await client.request({ op: 'passive' })).result;
  },
  /**
   * A whole capture session as the kiosk runs it: chip portrait as reference, `count` camera
   * frames through FaceSession (quality gate, challenge, scoring), then the decision.
   */
  async captureSession(opts: { referenceUrl: string; count: number; policy: FacePolicy; allowCamera: string[] }) {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const track = stream.getVideoTracks()[0];
    if (!track) throw new Error('no video track');
    const video = document.getElementById('camera') as HTMLVideoElement;
    video.srcObject = stream;
    await video.play();
    const session = new FaceSession(client, {
      policy: opts.policy,
      manifest: DEFAULT_MATCHER,
      camera: { label: track.label },
      cameraPolicy: { allow: opts.allowCamera, deny: [] },
    });
    try {
      await session.setReference(await still(opts.referenceUrl));
      const prompts: Array<string | null> = [];
      const faceCounts: number[] = [];
      const scores: number[] = [];
      const t0 = performance.now();
      for (let i = 0; i < opts.count; i++) {
        await new Promise<void>((res) => video.requestVideoFrameCallback(() => res()));
        const out = await session.frame(await createImageBitmap(video), performance.now() - t0);
        prompts.push(out.prompt);
        faceCounts.push(out.report.faceCount);
        if (out.report.score !== undefined) scores.push(out.report.score);
      }
      const passive = (await client.request({ op: 'passive' })).result;
      let decision = null;
      let error: string | null = null;
      try {
        decision = await session.finish();
      } catch (e) {
        error = (e as { code?: string }).code ?? String(e);
      }
      return { label: track.label, steps: session.steps, prompts, faceCounts, scores, passive, decision, error };
    } finally {
      await session.end();
      track.stop();
    }
  },
  /**
   * Benchmark: the photo framed into 640×480; per-frame landmark and align+embed timings in the
   * worker; then `sessions` capture sessions of `frames` frames each, timing FaceSession.finish()
   * (the work between the challenge's last frame and the decision).
   */
  async bench(opts: { url: string; iterations: number; sessions: number; frames: number; policy: FacePolicy }) {
    const img = await createImageBitmap(await (await fetch(opts.url)).blob());
    const canvas = new OffscreenCanvas(640, 480);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    const s = Math.min(640 / img.width, 480 / img.height) * 1.6;
    ctx.fillStyle = '#707070';
    ctx.fillRect(0, 0, 640, 480);
    ctx.drawImage(img, (640 - img.width * s) / 2, 240 - img.height * s * 0.25, img.width * s, img.height * s);
    const frame = () => ctx.getImageData(0, 0, 640, 480);
    const d = frame();
    const timings = await client.request({ op: 'bench', frame: { width: 640, height: 480, rgba: d.data.buffer }, iterations: opts.iterations }, [d.data.buffer]);
    const decisionMs: number[] = [];
    for (let k = 0; k < opts.sessions; k++) {
      const session = new FaceSession(client, { policy: opts.policy, manifest: DEFAULT_MATCHER, camera: { label: 'bench camera' }, cameraPolicy: { allow: [], deny: [] } });
      await session.setReference(await still(opts.url));
      for (let i = 0; i < opts.frames; i++) await session.frame(await createImageBitmap(canvas), i * 33);
      const t0 = performance.now();
      await session.finish();
      decisionMs.push(performance.now() - t0);
      await session.end();
    }
    return { landmarksMs: timings.landmarksMs, alignEmbedMs: timings.alignEmbedMs, faces: timings.faces, decisionMs };
  },
  /** Reads `count` frames from the (fake) camera and runs each through the worker. */
  async camera(count: number, embed: boolean): Promise<CameraRun> {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const track = stream.getVideoTracks()[0];
    if (!track) throw new Error('no video track');
    const video = document.getElementById('camera') as HTMLVideoElement;
    video.srcObject = stream;
    await video.play();
    const frames: FrameReport[] = [];
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      await new Promise<void>((res) => video.requestVideoFrameCallback(() => res()));
      const bitmap = await createImageBitmap(video);
      const r = await client.request({ op: 'frame', frame: bitmap, timestampMs: performance.now() - t0, embed }, [bitmap]);
      frames.push(r.report);
    }
    const label = track.label;
    track.stop();
    return { frames, label };
  },
};

declare global {
  interface Window {
    faceHarness: typeof harness;
  }
}
window.faceHarness = harness;
document.getElementById('status')!.textContent = 'ready';
