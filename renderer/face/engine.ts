/**
 * The face engine: MediaPipe FaceLandmarker (detection + 478-point mesh) and the manifest-driven
 * ONNX matcher. Browser-only (runs inside the face worker). Everything is loaded from the local
 * models folder produced by scripts/models/build-models.ts; nothing is fetched from the network.
 */
import { FaceLandmarker, type FaceLandmarkerResult } from '@mediapipe/tasks-vision';
import * as ort from 'onnxruntime-web/wasm';
import { alignFace, mirror, toNchw } from './alignment';
import { boundingBox, fivePoints } from './landmarks';
import { type MatcherManifest, verifyModelBytes } from './matcher-manifest';
import { l2Normalize } from './similarity';
import type { FaceObservation, Point, RgbaImage } from './types';

export type Delegate = 'CPU' | 'GPU';

export interface FaceEngineOptions {
  /** URL of the folder built by scripts/models/build-models.ts (same origin, e.g. `/models/`). */
  modelsBase: string;
  matcher: MatcherManifest;
  /** 'auto' tries the GPU delegate and falls back to CPU. */
  delegate: Delegate | 'auto';
  maxFaces?: number;
}

export class FaceEngineError extends Error {
  constructor(
    readonly code: 'model-unavailable' | 'engine-closed',
    message: string,
  ) {
    super(message);
    this.name = 'FaceEngineError';
  }
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const r = await fetch(url);
  if (!r.ok) throw new FaceEngineError('model-unavailable', `${url}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

export class FaceEngine {
  private closed = false;
  private lastVideoTs = -1;
  private mode: 'IMAGE' | 'VIDEO' = 'IMAGE';

  private constructor(
    private readonly landmarker: FaceLandmarker,
    private readonly session: ort.InferenceSession,
    readonly matcher: MatcherManifest,
    readonly delegate: Delegate,
  ) {}

  static async create(opts: FaceEngineOptions): Promise<FaceEngine> {
    const base = new URL(opts.modelsBase, self.location.href).href.replace(/\/?$/, '/');
    const fileset = {
      wasmLoaderPath: `${base}wasm/tasks-vision/vision_wasm_module_internal.js`,
      wasmBinaryPath: `${base}wasm/tasks-vision/vision_wasm_module_internal.wasm`,
    };
    const task = new Uint8Array(await fetchBytes(`${base}face_landmarker.task`));
    const make = async (delegate: Delegate, runningMode: 'IMAGE' | 'VIDEO') =>
      FaceLandmarker.createFromOptions(fileset, {
        baseOptions: { modelAssetBuffer: task, delegate },
        runningMode,
        numFaces: opts.maxFaces ?? 2,
        minFaceDetectionConfidence: 0.5,
        minFacePresenceConfidence: 0.5,
        minTrackingConfidence: 0.5,
      });
    let delegate: Delegate = opts.delegate === 'GPU' || opts.delegate === 'auto' ? 'GPU' : 'CPU';
    // One landmarker: the WASM module factory can be loaded once per worker; running mode is
    // switched with setOptions when a session moves from the portrait to the camera.
    let landmarker: FaceLandmarker;
    try {
      landmarker = await make(delegate, 'IMAGE');
    } catch (e) {
      if (delegate === 'CPU' || opts.delegate === 'GPU') throw e;
      delegate = 'CPU';
      landmarker = await make(delegate, 'IMAGE');
    }

    const modelBytes = await fetchBytes(`${base}${opts.matcher.model_file}`);
    await verifyModelBytes(opts.matcher, modelBytes);
    ort.env.wasm.wasmPaths = { wasm: `${base}wasm/ort/ort-wasm-simd-threaded.wasm` };
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(new Uint8Array(modelBytes), { executionProviders: ['wasm'] });
    return new FaceEngine(landmarker, session, opts.matcher, delegate);
  }

  private async switchMode(mode: 'IMAGE' | 'VIDEO'): Promise<void> {
    if (this.mode === mode) return;
    await this.landmarker.setOptions({ runningMode: mode });
    this.mode = mode;
  }

  private check(): void {
    if (this.closed) throw new FaceEngineError('engine-closed', 'face engine closed');
  }

  /** Faces in a still image (portrait or photo). */
  async detectImage(image: RgbaImage): Promise<FaceObservation[]> {
    this.check();
    await this.switchMode('IMAGE');
    return toObservations(this.landmarker.detect(asImageData(image)), image);
  }

  /** Faces in a camera frame; timestamps must increase (tracking between frames). */
  async detectVideo(image: RgbaImage | ImageBitmap, timestampMs: number): Promise<FaceObservation[]> {
    this.check();
    await this.switchMode('VIDEO');
    const ts = Math.max(timestampMs, this.lastVideoTs + 1);
    this.lastVideoTs = ts;
    const source = 'data' in image ? asImageData(image) : image;
    return toObservations(this.landmarker.detectForVideo(source, ts), image);
  }

  /** The aligned crop the matcher sees (also used for sharpness/exposure). */
  align(image: RgbaImage, face: FaceObservation): RgbaImage {
    const t = this.matcher.alignment_template.map(([x, y]) => ({ x, y }) as Point);
    return alignFace(image, fivePoints(face), t, { width: this.matcher.input.width, height: this.matcher.input.height });
  }

  /** L2-normalised embedding of an aligned crop (with its mirror image, if the manifest says so). */
  async embed(crop: RgbaImage): Promise<Float32Array> {
    this.check();
    const embedding = await this.infer(crop);
    if (this.matcher.flip_average) {
      const mirrored = mirror(crop);
      const other = await this.infer(mirrored);
      mirrored.data.fill(0);
      for (let i = 0; i < embedding.length; i++) embedding[i]! += other[i] ?? 0;
      other.fill(0);
    }
    return l2Normalize(embedding);
  }

  private async infer(crop: RgbaImage): Promise<Float32Array> {
    const { input } = this.matcher;
    const data = toNchw(crop, input.mean, input.std, input.channels);
    const feeds = { [input.name]: new ort.Tensor('float32', data, [1, 3, input.height, input.width]) };
    const out = await this.session.run(feeds);
    const first = out[this.session.outputNames[0] ?? ''];
    if (!first) throw new FaceEngineError('model-unavailable', 'matcher produced no output');
    const embedding = l2Normalize(new Float32Array(first.data as Float32Array));
    data.fill(0);
    first.dispose();
    return embedding;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.landmarker.close();
    void this.session.release();
  }
}

function asImageData(image: RgbaImage): ImageData {
  const data = image.data instanceof Uint8ClampedArray ? image.data : new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return new ImageData(data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height);
}

function toObservations(result: FaceLandmarkerResult, size: { width: number; height: number }): FaceObservation[] {
  return result.faceLandmarks.map((marks) => {
    const landmarks = marks.map((p) => ({ x: p.x * size.width, y: p.y * size.height, z: p.z * size.width }));
    return { landmarks, box: boundingBox(landmarks) };
  });
}
