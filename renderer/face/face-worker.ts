/// <reference lib="webworker" />
/**
 * The face worker: owns the engine, the reference embedding and every frame. Only counts,
 * measures and scores leave it. `endSession` overwrites embeddings and the last frame's luma.
 */
import { FaceEngine } from './engine';
import type { FaceRequest, FaceResponse, FaceWorkerMessage, FaceWorkerReply, FrameReport, StillImage } from './face-protocol';
import { exposure, laplacianVariance, luma } from './image-stats';
import { distance, headPose, meanEyeAspectRatio, MESH, pickFace } from './landmarks';
import { passiveCheck, type PassiveEvidence } from './liveness';
import { DEFAULT_MATCHER } from './matcher-manifest';
import { assessQuality, type QualityVerdict } from './quality-gate';
import { cosineSimilarity, wipe } from './similarity';
import type { FaceObservation, HeadPose, RgbaImage } from './types';

let engine: FaceEngine | null = null;
const embeddings = new Map<string, Float32Array>();
let reference: Float32Array | null = null;
/** Passive liveness evidence for the current session (landmark subset per frame). */
let evidence: PassiveEvidence = { shapes: [], interOcular: [], motion: [] };
const MAX_EVIDENCE = 300;
/** Rigid-looking points spread in depth: nose, eye corners, mouth corners, cheeks, chin, forehead, bridge. */
const PLANARITY_POINTS = [1, 33, 133, 263, 362, 61, 291, 234, 454, 152, 10, 168, 6];
let previousFaceLuma: { box: FaceObservation['box']; luma: Float32Array } | null = null;

class WorkerError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function need(): FaceEngine {
  if (!engine) throw new WorkerError('not-initialised', 'face worker not initialised');
  return engine;
}

async function decode(image: StillImage): Promise<RgbaImage> {
  if (image.kind === 'rgba') {
    if (image.rgba.byteLength !== image.width * image.height * 4) throw new WorkerError('bad-image', 'RGBA size does not match width × height');
    return { width: image.width, height: image.height, data: new Uint8ClampedArray(image.rgba) };
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([image.bytes]));
  } catch {
    throw new WorkerError('bad-image', 'image could not be decoded');
  }
  return bitmapToRgba(bitmap);
}

function bitmapToRgba(bitmap: ImageBitmap): RgbaImage {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new WorkerError('bad-image', 'no 2D context');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const d = ctx.getImageData(0, 0, canvas.width, canvas.height);
  canvas.width = 0;
  return { width: d.width, height: d.height, data: d.data };
}


/** Small portraits: upscale so the detector's 128-px input sees a face of usable size. */
function upscaleIfSmall(image: RgbaImage): RgbaImage {
  const minSide = Math.min(image.width, image.height);
  if (minSide >= 480) return image;
  const s = 480 / minSide;
  const w = Math.round(image.width * s), h = Math.round(image.height * s);
  const src = new OffscreenCanvas(image.width, image.height);
  const sctx = src.getContext('2d')!;
  const copy = new Uint8ClampedArray(image.data);
  sctx.putImageData(new ImageData(copy, image.width, image.height), 0, 0);
  copy.fill(0);
  const dst = new OffscreenCanvas(w, h);
  const dctx = dst.getContext('2d', { willReadFrequently: true })!;
  dctx.imageSmoothingQuality = 'high';
  dctx.drawImage(src, 0, 0, w, h);
  const d = dctx.getImageData(0, 0, w, h);
  // Resizing a canvas clears its pixels: no face stays in a canvas buffer.
  src.width = 0;
  dst.width = 0;
  return { width: w, height: h, data: d.data };
}

function faceLuma(image: RgbaImage, box: FaceObservation['box']): Float32Array {
  // 32×32 nearest-neighbour sample of the face box: enough to see motion, cheap.
  const out = new Float32Array(32 * 32);
  const y = luma(image);
  for (let r = 0; r < 32; r++) {
    for (let c = 0; c < 32; c++) {
      const px = Math.min(image.width - 1, Math.max(0, Math.round(box.x + ((c + 0.5) / 32) * box.width)));
      const py = Math.min(image.height - 1, Math.max(0, Math.round(box.y + ((r + 0.5) / 32) * box.height)));
      out[r * 32 + c] = y[py * image.width + px] ?? 0;
    }
  }
  y.fill(0);
  return out;
}

/** The capture gate on one face: pose and eyes from its landmarks, sharpness and exposure from its aligned crop. */
function captureQuality(image: RgbaImage, face: FaceObservation, crop: RgbaImage): { quality: QualityVerdict; pose: HeadPose; eyeOpen: number } {
  const pose = headPose(face);
  const eyeOpen = meanEyeAspectRatio(face);
  const ex = exposure(crop);
  const quality = assessQuality({ frame: image, faceCount: 1, box: face.box, pose, eyeOpen, sharpness: laplacianVariance(crop), brightness: ex.mean, clipped: ex.clipped });
  return { quality, pose, eyeOpen };
}

async function handle(req: FaceRequest): Promise<FaceResponse> {
  switch (req.op) {
    case 'init': {
      engine?.close();
      engine = await FaceEngine.create({ modelsBase: req.modelsBase, delegate: req.delegate, matcher: req.matcher ?? DEFAULT_MATCHER });
      const m = engine.matcher;
      return { op: 'init', delegate: engine.delegate, matcher: { name: m.name, version: m.version, model_sha256: m.model_sha256 } };
    }
    case 'info': {
      const e = need();
      return { op: 'info', matcher: e.matcher, delegate: e.delegate };
    }
    case 'enrol': {
      const e = need();
      const image = upscaleIfSmall(await decode(req.image));
      const faces = await e.detectImage(image);
      const face = pickFace(faces, image, req.pick);
      if (!face) {
        image.data.fill(0);
        return { op: 'enrol', handle: req.handle, faceCount: 0, ok: false };
      }
      const crop = e.align(image, face);
      embeddings.set(req.handle, await e.embed(crop));
      // The capture gate's verdict on the picked face, as if it were a camera frame with that one
      // face: evaluation reports error rates over the captures the kiosk would accept.
      const quality = captureQuality(image, face, crop).quality;
      crop.data.fill(0);
      image.data.fill(0);
      return { op: 'enrol', handle: req.handle, faceCount: faces.length, ok: true, quality };
    }
    case 'locate': {
      const e = need();
      const original = await decode(req.image);
      const image = upscaleIfSmall(original);
      const k = original.width / image.width;
      const face = pickFace(await e.detectImage(image), image, req.pick);
      image.data.fill(0);
      original.data.fill(0);
      const box = face ? { x: face.box.x * k, y: face.box.y * k, width: face.box.width * k, height: face.box.height * k } : null;
      return { op: 'locate', width: original.width, height: original.height, box };
    }
    case 'score': {
      const scores = req.pairs.map(([a, b]) => {
        const ea = embeddings.get(a), eb = embeddings.get(b);
        return ea && eb ? cosineSimilarity(ea, eb) : null;
      });
      return { op: 'score', scores };
    }
    case 'setReference': {
      const e = embeddings.get(req.handle);
      reference = e ?? null;
      return { op: 'setReference', ok: e !== undefined };
    }
    case 'frame': {
      const e = need();
      const image = req.frame instanceof ImageBitmap ? bitmapToRgba(req.frame) : { width: req.frame.width, height: req.frame.height, data: new Uint8ClampedArray(req.frame.rgba) };
      const faces = await e.detectVideo(image, req.timestampMs);
      const report: FrameReport = { faceCount: faces.length, quality: assessQuality({ frame: image, faceCount: faces.length }) };
      const face = faces.length === 1 ? faces[0] : undefined;
      if (face) {
        const crop = e.align(image, face);
        const { quality, pose, eyeOpen } = captureQuality(image, face, crop);
        report.pose = pose;
        report.eyeOpen = eyeOpen;
        report.faceCentre = { x: (face.box.x + face.box.width / 2) / image.width, y: (face.box.y + face.box.height / 2) / image.height };
        report.quality = quality;
        const fl = faceLuma(image, face.box);
        if (previousFaceLuma) {
          let diff = 0;
          for (let i = 0; i < fl.length; i++) diff += Math.abs(fl[i]! - previousFaceLuma.luma[i]!);
          report.faceMotion = diff / fl.length;
          previousFaceLuma.luma.fill(0);
        }
        previousFaceLuma = { box: face.box, luma: fl };
        if (evidence.shapes.length < MAX_EVIDENCE) {
          evidence.shapes.push(PLANARITY_POINTS.map((i) => ({ x: face.landmarks[i]!.x, y: face.landmarks[i]!.y })));
          evidence.interOcular.push(distance(face.landmarks[MESH.rightIris]!, face.landmarks[MESH.leftIris]!));
          evidence.motion.push(report.faceMotion ?? 0);
        }
        if (req.embed && report.quality.ok && reference) {
          const probe = await e.embed(crop);
          report.score = cosineSimilarity(reference, probe);
          wipe(probe);
        }
        crop.data.fill(0);
      }
      image.data.fill(0);
      return { op: 'frame', report };
    }
    case 'bench': {
      const e = need();
      const image: RgbaImage = { width: req.frame.width, height: req.frame.height, data: new Uint8ClampedArray(req.frame.rgba) };
      const landmarksMs: number[] = [];
      const alignEmbedMs: number[] = [];
      let faces = 0;
      let ts = 0;
      for (let i = 0; i < req.iterations; i++) {
        const t0 = performance.now();
        const found = await e.detectVideo(image, (ts += 33));
        const t1 = performance.now();
        landmarksMs.push(t1 - t0);
        faces = found.length;
        const face = found[0];
        if (face) {
          const t2 = performance.now();
          const emb = await e.embed(e.align(image, face));
          alignEmbedMs.push(performance.now() - t2);
          wipe(emb);
        }
      }
      image.data.fill(0);
      return { op: 'bench', landmarksMs, alignEmbedMs, faces };
    }
    case 'passive':
      return { op: 'passive', result: passiveCheck({ ...evidence, motion: evidence.motion.slice(1) }) };
    case 'endSession': {
      evidence = { shapes: [], interOcular: [], motion: [] };
      for (const v of embeddings.values()) wipe(v);
      embeddings.clear();
      if (reference) wipe(reference);
      reference = null;
      previousFaceLuma?.luma.fill(0);
      previousFaceLuma = null;
      return { op: 'endSession' };
    }
  }
}

self.onmessage = async (ev: MessageEvent<FaceWorkerMessage>) => {
  const { id, request } = ev.data;
  let reply: FaceWorkerReply;
  try {
    reply = { id, ok: true, response: await handle(request) };
  } catch (e) {
    const code = typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : 'internal';
    reply = { id, ok: false, error: { code, message: e instanceof Error ? e.message : String(e) } };
  }
  (self as unknown as DedicatedWorkerGlobalScope).postMessage(reply);
};
