import { readFileSync } from 'node:fs';
import { ByteBuffer } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { attachTfliteMetadata, buildImageInputMetadata, readTfliteMetadata, rewriteTflite, TensorType, TfliteMetadataError } from './tflite-metadata';

// BlazeFace short range inside @mediapipe/face_mesh's packed assets (byte range from its loader).
const packed = readFileSync('node_modules/@mediapipe/face_mesh/face_mesh_solution_packed_assets.data');
const detector = new Uint8Array(packed.subarray(3757224, 3986256));

const meta = buildImageInputMetadata({ name: 'd', description: 'x', version: '1', author: 'a', license: 'Apache-2.0', mean: [127.5], std: [127.5], min: -1, max: 1 });

/** Reads NormalizationOptions back out of a ModelMetadata buffer, by the schema's field indices. */
function normalisation(buf: Uint8Array): { mean: number[]; std: number[] } {
  const bb = new ByteBuffer(buf);
  const at = (t: number, f: number) => {
    const o = bb.__offset(t, 4 + 2 * f);
    return o === 0 ? 0 : t + o + bb.readUint32(t + o);
  };
  const first = (v: number) => v + 4 + bb.readUint32(v + 4);
  const floats = (v: number) => Array.from({ length: bb.readUint32(v) }, (_, i) => bb.readFloat32(v + 4 + 4 * i));
  const root = bb.readUint32(0);
  const subgraph = first(at(root, 3));
  const tensor = first(at(subgraph, 2));
  const unit = first(at(tensor, 4));
  expect(bb.readUint8(unit + bb.__offset(unit, 4))).toBe(1); // ProcessUnitOptions.NormalizationOptions
  const opts = at(unit, 1);
  return { mean: floats(at(opts, 0)), std: floats(at(opts, 1)) };
}

function outputs(model: Uint8Array): number[] {
  const bb = new ByteBuffer(model);
  const at = (t: number, f: number) => {
    const o = bb.__offset(t, 4 + 2 * f);
    return o === 0 ? 0 : t + o + bb.readUint32(t + o);
  };
  const root = bb.readUint32(0);
  const sgs = at(root, 2);
  const sg = sgs + 4 + bb.readUint32(sgs + 4);
  const out = at(sg, 2);
  return Array.from({ length: bb.readUint32(out) }, (_, i) => bb.readInt32(out + 4 + 4 * i));
}

describe('TFLite metadata', () => {
  it('attaches ModelMetadata (M001) that reads back with its normalisation', () => {
    const patched = attachTfliteMetadata(detector, meta);
    expect(new TextDecoder().decode(patched.subarray(4, 8))).toBe('TFL3');
    const back = readTfliteMetadata(patched);
    expect(back).not.toBeNull();
    expect(new TextDecoder().decode(back!.subarray(4, 8))).toBe('M001');
    expect(normalisation(back!)).toEqual({ mean: [127.5], std: [127.5] });
  });

  it('keeps the original model bytes intact and 16-byte aligned after the prefix', () => {
    const patched = attachTfliteMetadata(detector, meta);
    const prefix = patched.length - detector.length;
    expect(prefix % 16).toBe(0);
    expect(Buffer.from(patched.subarray(prefix)).equals(Buffer.from(detector))).toBe(true);
    expect(outputs(patched)).toEqual(outputs(detector));
  });

  it('is deterministic', () => {
    expect(Buffer.from(attachTfliteMetadata(detector, meta)).equals(Buffer.from(attachTfliteMetadata(detector, meta)))).toBe(true);
  });

  it('refuses to attach twice and refuses non-TFLite input, with typed errors', () => {
    const once = attachTfliteMetadata(detector, meta);
    expect(() => attachTfliteMetadata(once, meta)).toThrow(TfliteMetadataError);
    expect(() => attachTfliteMetadata(new Uint8Array(64), meta)).toThrow(expect.objectContaining({ code: 'not-tflite' }));
  });

  it('appends operators and re-declares the outputs', () => {
    const before = outputs(detector);
    const patched = rewriteTflite(detector, {
      append: {
        tensors: [
          { name: 't/shape', shape: [1], type: TensorType.INT32, data: new Uint8Array(Int32Array.from([-1]).buffer) },
          { name: 't/flat', shape: [-1], type: TensorType.FLOAT32 },
        ],
        operators: [{ builtin: 22, inputs: [before[0]!, 't/shape'], outputs: ['t/flat'] }],
        outputs: ['t/flat', before[1]!],
      },
    });
    const after = outputs(patched);
    expect(after[1]).toBe(before[1]);
    expect(after[0]).toBeGreaterThan(Math.max(...before));
  });
});
