/**
 * Derives the face models and runtimes the renderer needs from pinned npm packages, into
 * build/models/ (git-ignored by a .gitignore this script writes). Reproducible: same inputs →
 * byte-identical outputs; every input is checked against the SHA-256 recorded in docs/MODELS.md
 * and below, and every output's SHA-256 is printed and written to build/models/models.json.
 *
 *   npx tsx scripts/models/build-models.ts [--out <dir>]
 *
 * Inputs:
 * - @mediapipe/face_mesh (devDependency, pinned): its packed assets hold
 *   face_detection_short_range.tflite and face_landmark_with_attention.tflite (478 points).
 *   Neither carries the TFLite metadata that MediaPipe Tasks requires, so we attach it
 *   (NormalizationOptions taken from the legacy graphs' ImageToTensorCalculator ranges:
 *   detector [-1, 1], landmarks [0, 1]) and bundle both as a FaceLandmarker .task (zip).
 * - @mediapipe/tasks-vision (dependency, pinned): WASM runtime copied as is.
 * - onnxruntime-web (dependency, pinned): WASM runtime copied as is.
 * - faceplugin-face-recognition-js 0.0.1 (devDependency, pinned; the lockfile holds its sha512):
 *   fr_feature.onnx, copied byte for byte (the matcher's SHA-256 is that of the file as
 *   distributed). The package declares build tools (webpack, jest, babel 6, eslint) as runtime
 *   dependencies; package.json `overrides` replace them with an empty package, since only the
 *   model file is used. Nothing is fetched here: every input is in node_modules after `npm ci`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { attachTfliteMetadata, buildImageInputMetadata, readTfliteMetadata, rewriteTflite, TensorType, type GraphAppendix } from './tflite-metadata';
import { ByteBuffer } from 'flatbuffers';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const nodeModules = join(root, 'node_modules');

export const SOURCES = {
  faceMesh: {
    package: '@mediapipe/face_mesh',
    version: '0.4.1657299874',
    file: 'face_mesh_solution_packed_assets.data',
  },
  faceplugin: {
    package: 'faceplugin-face-recognition-js',
    version: '0.0.1',
    file: 'model/fr_feature.onnx',
    sha256: '87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581',
  },
} as const;

/** Byte ranges inside face_mesh_solution_packed_assets.data (from its loader's file table). */
const PACKED_ASSETS = {
  landmarksWithAttention: { path: '/third_party/mediapipe/modules/face_landmark/face_landmark_with_attention.tflite', start: 0, end: 2495952 },
  detectorShortRange: { path: '/third_party/mediapipe/modules/face_detection/face_detection_short_range.tflite', start: 3757224, end: 3986256 },
} as const;

/** Output tensors of face_landmark_with_attention.tflite (name → tensor index), checked before surgery. */
const ATTENTION_OUTPUTS = {
  output_mesh_identity: 719,
  output_left_iris: 722,
  output_right_iris: 724,
  conv_faceflag: 710,
} as const;

const int32s = (values: number[]) => new Uint8Array(Int32Array.from(values).buffer);

/**
 * MediaPipe Tasks' FaceLandmarker reads output 0 as 478×3 landmarks and output 1 as the face
 * presence score. The attention mesh outputs 468×3 mesh points, lips/eye refinements, and the two
 * irises (5×2 each) separately, face flag last. We append standard TFLite builtins (RESHAPE 22,
 * PAD 34, CONCATENATION 2) that form [mesh 468×3; iris 5×3; iris 5×3] (iris z = 0) and
 * re-declare the outputs as [landmarks 1×1434, face flag], i.e. the 478-point topology with iris
 * centres at 468 and 473. The lip/eye refinement outputs are left unused.
 */
function meshTo478(): GraphAppendix {
  const f32 = TensorType.FLOAT32;
  const i32 = TensorType.INT32;
  return {
    tensors: [
      { name: 'kiosk/shape_468x3', shape: [2], type: i32, data: int32s([468, 3]) },
      { name: 'kiosk/shape_5x2', shape: [2], type: i32, data: int32s([5, 2]) },
      { name: 'kiosk/pad_z', shape: [2, 2], type: i32, data: int32s([0, 0, 0, 1]) },
      { name: 'kiosk/shape_1x1434', shape: [2], type: i32, data: int32s([1, 1434]) },
      { name: 'kiosk/mesh_468x3', shape: [468, 3], type: f32 },
      { name: 'kiosk/iris_a_5x2', shape: [5, 2], type: f32 },
      { name: 'kiosk/iris_b_5x2', shape: [5, 2], type: f32 },
      { name: 'kiosk/iris_a_5x3', shape: [5, 3], type: f32 },
      { name: 'kiosk/iris_b_5x3', shape: [5, 3], type: f32 },
      { name: 'kiosk/mesh_478x3', shape: [478, 3], type: f32 },
      { name: 'kiosk/landmarks_478', shape: [1, 1434], type: f32 },
    ],
    operators: [
      { builtin: 22, inputs: [ATTENTION_OUTPUTS.output_mesh_identity, 'kiosk/shape_468x3'], outputs: ['kiosk/mesh_468x3'] },
      { builtin: 22, inputs: [IRIS_ORDER[0], 'kiosk/shape_5x2'], outputs: ['kiosk/iris_a_5x2'] },
      { builtin: 22, inputs: [IRIS_ORDER[1], 'kiosk/shape_5x2'], outputs: ['kiosk/iris_b_5x2'] },
      { builtin: 34, inputs: ['kiosk/iris_a_5x2', 'kiosk/pad_z'], outputs: ['kiosk/iris_a_5x3'] },
      { builtin: 34, inputs: ['kiosk/iris_b_5x2', 'kiosk/pad_z'], outputs: ['kiosk/iris_b_5x3'] },
      { builtin: 2, inputs: ['kiosk/mesh_468x3', 'kiosk/iris_a_5x3', 'kiosk/iris_b_5x3'], outputs: ['kiosk/mesh_478x3'] },
      { builtin: 22, inputs: ['kiosk/mesh_478x3', 'kiosk/shape_1x1434'], outputs: ['kiosk/landmarks_478'] },
    ],
    outputs: ['kiosk/landmarks_478', ATTENTION_OUTPUTS.conv_faceflag],
  };
}

/** Which iris output becomes points 468–472 (the one beside mesh point 33) and which 473–477. */
const IRIS_ORDER = [ATTENTION_OUTPUTS.output_left_iris, ATTENTION_OUTPUTS.output_right_iris] as const;

function outputNames(model: Uint8Array): Map<string, number> {
  const bb = new ByteBuffer(model);
  const at = (t: number, f: number) => {
    const o = bb.__offset(t, 4 + 2 * f);
    return o === 0 ? 0 : t + o + bb.readUint32(t + o);
  };
  const vec = (v: number) => Array.from({ length: v ? bb.readUint32(v) : 0 }, (_, i) => v + 4 + 4 * i);
  const root = bb.readUint32(0);
  const sgAt = vec(at(root, 2))[0];
  const out = new Map<string, number>();
  if (sgAt === undefined) return out;
  const sg = sgAt + bb.readUint32(sgAt);
  const tensors = vec(at(sg, 0)).map((p) => p + bb.readUint32(p));
  for (const p of vec(at(sg, 2))) {
    const index = bb.readInt32(p);
    const t = tensors[index];
    const name = t === undefined ? 0 : at(t, 3);
    if (name) out.set(new TextDecoder().decode(model.subarray(name + 4, name + 4 + bb.readUint32(name))), index);
  }
  return out;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function packedAssetTable(loaderJs: string): Map<string, { start: number; end: number }> {
  const table = new Map<string, { start: number; end: number }>();
  const re = /"filename":\s*"([^"]+)",\s*"start":\s*(\d+),\s*"end":\s*(\d+)/g;
  for (const m of loaderJs.matchAll(re)) table.set(m[1] ?? '', { start: Number(m[2]), end: Number(m[3]) });
  return table;
}

function readPackedModel(dir: string, asset: { path: string; start: number; end: number }): Uint8Array {
  const table = packedAssetTable(readFileSync(join(dir, 'face_mesh_solution_packed_assets_loader.js'), 'utf8'));
  const entry = table.get(asset.path);
  if (!entry || entry.start !== asset.start || entry.end !== asset.end) {
    throw new Error(`${asset.path}: packed-asset table does not match the pinned layout`);
  }
  const data = readFileSync(join(dir, SOURCES.faceMesh.file));
  return new Uint8Array(data.subarray(asset.start, asset.end));
}

/** A file from an installed, pinned package, checked against its recorded SHA-256. */
function readPackageFile(src: typeof SOURCES.faceplugin): Uint8Array {
  const dir = join(nodeModules, src.package);
  const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version as string;
  if (version !== src.version) throw new Error(`${src.package} ${version} installed, ${src.version} pinned`);
  const bytes = new Uint8Array(readFileSync(join(dir, src.file)));
  if (sha256(bytes) !== src.sha256) throw new Error(`${src.package}/${src.file}: SHA-256 ≠ pinned`);
  return bytes;
}

export interface BuiltModel {
  file: string;
  sha256: string;
  bytes: number;
  derivedFrom: string;
}

export function buildModels(outDir: string): BuiltModel[] {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, '.gitignore'), '*\n');
  const built: BuiltModel[] = [];
  const emit = (file: string, bytes: Uint8Array, derivedFrom: string) => {
    const path = join(outDir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    built.push({ file, sha256: sha256(bytes), bytes: bytes.length, derivedFrom });
  };

  const faceMeshDir = join(nodeModules, SOURCES.faceMesh.package);
  const faceMeshVersion = JSON.parse(readFileSync(join(faceMeshDir, 'package.json'), 'utf8')).version as string;
  if (faceMeshVersion !== SOURCES.faceMesh.version) {
    throw new Error(`${SOURCES.faceMesh.package} ${faceMeshVersion} installed, ${SOURCES.faceMesh.version} pinned`);
  }
  const detectorRaw = readPackedModel(faceMeshDir, PACKED_ASSETS.detectorShortRange);
  const landmarksRaw = readPackedModel(faceMeshDir, PACKED_ASSETS.landmarksWithAttention);
  const outputs = outputNames(landmarksRaw);
  for (const [name, index] of Object.entries(ATTENTION_OUTPUTS)) {
    if (outputs.get(name) !== index) throw new Error(`landmark model: output ${name} is not tensor ${index}`);
  }

  const common = {
    version: SOURCES.faceMesh.version,
    author: 'MediaPipe Authors (metadata added by scripts/models/build-models.ts)',
    license: 'Apache-2.0',
  };
  // BlazeFace short range: 128×128 RGB in [-1, 1] (legacy graph: output_tensor_float_range -1..1).
  const detector = attachTfliteMetadata(
    detectorRaw,
    buildImageInputMetadata({
      ...common,
      name: 'face_detection_short_range',
      description: 'BlazeFace short-range face detector',
      mean: [127.5],
      std: [127.5],
      min: -1,
      max: 1,
    }),
  );
  // Attention mesh: 192×192 RGB in [0, 1] (legacy graph: output_tensor_float_range 0..1).
  const landmarks = rewriteTflite(landmarksRaw, {
    append: meshTo478(),
    metadata: buildImageInputMetadata({
      ...common,
      name: 'face_landmark_with_attention',
      description: 'Face mesh with attention: 478 landmarks incl. irises',
      mean: [0],
      std: [255],
      min: 0,
      max: 1,
    }),
  });
  for (const m of [detector, landmarks]) if (!readTfliteMetadata(m)) throw new Error('metadata did not round-trip');
  emit('face_detector.tflite', detector, `${SOURCES.faceMesh.package}@${SOURCES.faceMesh.version}:${PACKED_ASSETS.detectorShortRange.path}`);
  emit('face_landmarks_detector.tflite', landmarks, `${SOURCES.faceMesh.package}@${SOURCES.faceMesh.version}:${PACKED_ASSETS.landmarksWithAttention.path}`);
  // MediaPipe Tasks' FaceLandmarker model bundle: a zip with these two member names. Stored
  // (level 0) with a fixed timestamp so the archive is byte-reproducible.
  const mtime = new Date('2020-01-01T00:00:00Z');
  const task = zipSync(
    {
      'face_detector.tflite': [detector, { level: 0, mtime }],
      'face_landmarks_detector.tflite': [landmarks, { level: 0, mtime }],
    },
    { level: 0, mtime },
  );
  emit('face_landmarker.task', task, 'face_detector.tflite + face_landmarks_detector.tflite');

  const matcher = readPackageFile(SOURCES.faceplugin);
  emit('matchers/faceplugin-fr-112/fr_feature.onnx', matcher, `${SOURCES.faceplugin.package}@${SOURCES.faceplugin.version}:${SOURCES.faceplugin.file} (unchanged)`);

  // Runtimes, unchanged.
  const copyDir = (from: string, to: string, pick: (f: string) => boolean, label: string) => {
    for (const f of readdirSync(from).filter(pick).sort()) {
      const bytes = new Uint8Array(readFileSync(join(from, f)));
      emit(join(to, f), bytes, `${label}/${f}`);
    }
  };
  copyDir(join(nodeModules, '@mediapipe/tasks-vision/wasm'), 'wasm/tasks-vision', (f) => /^vision_wasm(_module)?_internal\.(js|wasm)$/.test(f), '@mediapipe/tasks-vision/wasm');
  copyDir(join(nodeModules, 'onnxruntime-web/dist'), 'wasm/ort', (f) => /^ort-wasm-simd-threaded\.(mjs|wasm)$/.test(f), 'onnxruntime-web/dist');

  writeFileSync(join(outDir, 'models.json'), JSON.stringify({ models: built }, null, 2) + '\n');
  return built;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const out = resolve(i > 0 ? (process.argv[i + 1] ?? '') : join(root, 'build', 'models'));
  for (const m of buildModels(out)) console.log(`${m.sha256}  ${m.bytes.toString().padStart(9)}  ${m.file}`);
}
