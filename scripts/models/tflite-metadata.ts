/**
 * Adds TFLite model metadata (the `TFLITE_METADATA` entry that MediaPipe Tasks reads for input
 * normalisation) to a .tflite file that ships without it.
 *
 * The TFLite file is a FlatBuffer whose offsets only point forward. Rather than re-serialising the
 * whole model (which would need generated code for the full TFLite schema), we PREPEND a new root
 * `Model` table that reuses the original operator codes, subgraphs and description as they are, and
 * points to new `buffers` / `metadata` vectors that list the original entries plus one new buffer
 * holding the metadata. All original bytes are kept unchanged after the prefix, whose length is a
 * multiple of 16 so the original buffers keep their alignment (schema: `data:[ubyte] (force_align: 16)`).
 *
 * Field indices below are those of tensorflow/lite/schema/schema.fbs (table Model, Buffer,
 * Metadata) and tensorflow_lite_support/metadata/metadata_schema.fbs (ModelMetadata and friends).
 */
import { Builder, ByteBuffer } from 'flatbuffers';

export class TfliteMetadataError extends Error {
  constructor(
    readonly code: 'not-tflite' | 'has-metadata' | 'external-buffers',
    message: string,
  ) {
    super(message);
    this.name = 'TfliteMetadataError';
  }
}

/** Model table fields (schema.fbs). */
const MODEL_FIELD = {
  version: 0,
  operatorCodes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadataBuffer: 5,
  metadata: 6,
  signatureDefs: 7,
} as const;

export interface ImageInputMetadata {
  name: string;
  description: string;
  version: string;
  author: string;
  license: string;
  /** Per-channel or single mean/std: normalised = (pixel - mean) / std. */
  mean: number[];
  std: number[];
  /** Expected input range after normalisation (documentation only). */
  min: number;
  max: number;
}

/** Builds a ModelMetadata FlatBuffer (file identifier "M001") describing one RGB image input. */
export function buildImageInputMetadata(meta: ImageInputMetadata): Uint8Array {
  const b = new Builder(512);
  const str = (s: string) => b.createString(s);

  // NormalizationOptions { mean:[float] (0); std:[float] (1) }
  const floats = (values: number[]) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i] ?? 0);
    return b.endVector();
  };
  const meanVec = floats(meta.mean);
  const stdVec = floats(meta.std);
  b.startObject(2);
  b.addFieldOffset(0, meanVec, 0);
  b.addFieldOffset(1, stdVec, 0);
  const normalization = b.endObject();

  // ProcessUnit { options_type:ubyte (0); options (1) } — ProcessUnitOptions.NormalizationOptions = 1
  b.startObject(2);
  b.addFieldInt8(0, 1, 0);
  b.addFieldOffset(1, normalization, 0);
  const processUnit = b.endObject();
  const processUnits = vectorOfOffsets(b, [processUnit]);

  // ImageProperties { color_space:ColorSpaceType (0) } — RGB = 1
  b.startObject(2);
  b.addFieldInt8(0, 1, 0);
  const imageProperties = b.endObject();

  // Content { content_properties_type (0); content_properties (1); range (2) } — ImageProperties = 2
  b.startObject(3);
  b.addFieldInt8(0, 2, 0);
  b.addFieldOffset(1, imageProperties, 0);
  const content = b.endObject();

  // Stats { max:[float] (0); min:[float] (1) }
  const maxVec = floats([meta.max]);
  const minVec = floats([meta.min]);
  b.startObject(2);
  b.addFieldOffset(0, maxVec, 0);
  b.addFieldOffset(1, minVec, 0);
  const stats = b.endObject();

  // TensorMetadata { name (0); description (1); dimension_names (2); content (3); process_units (4); stats (5) }
  const tensorName = str('image');
  const tensorDescription = str('Input image, RGB.');
  b.startObject(7);
  b.addFieldOffset(0, tensorName, 0);
  b.addFieldOffset(1, tensorDescription, 0);
  b.addFieldOffset(3, content, 0);
  b.addFieldOffset(4, processUnits, 0);
  b.addFieldOffset(5, stats, 0);
  const tensor = b.endObject();
  const inputTensors = vectorOfOffsets(b, [tensor]);

  // SubGraphMetadata { name (0); description (1); input_tensor_metadata (2); ... }
  b.startObject(4);
  b.addFieldOffset(2, inputTensors, 0);
  const subgraph = b.endObject();
  const subgraphs = vectorOfOffsets(b, [subgraph]);

  // ModelMetadata { name (0); description (1); version (2); subgraph_metadata (3); author (4);
  //                 license (5); associated_files (6); min_parser_version (7) }
  const name = str(meta.name);
  const description = str(meta.description);
  const version = str(meta.version);
  const author = str(meta.author);
  const license = str(meta.license);
  const minParser = str('1.0.0');
  b.startObject(8);
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(1, description, 0);
  b.addFieldOffset(2, version, 0);
  b.addFieldOffset(3, subgraphs, 0);
  b.addFieldOffset(4, author, 0);
  b.addFieldOffset(5, license, 0);
  b.addFieldOffset(7, minParser, 0);
  const root = b.endObject();
  b.finish(root, 'M001');
  return b.asUint8Array().slice();
}

function vectorOfOffsets(b: Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i] ?? 0);
  return b.endVector();
}

/** Reads a table's field as an absolute position of the referenced object (or 0 when absent). */
function fieldTarget(bb: ByteBuffer, table: number, field: number): number {
  const o = bb.__offset(table, 4 + 2 * field);
  return o === 0 ? 0 : table + o + bb.readUint32(table + o);
}

function vectorElements(bb: ByteBuffer, vector: number): number[] {
  if (vector === 0) return [];
  const n = bb.readUint32(vector);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const at = vector + 4 + 4 * i;
    out.push(at + bb.readUint32(at));
  }
  return out;
}

function readString(bb: ByteBuffer, pos: number): string {
  const n = bb.readUint32(pos);
  return new TextDecoder().decode(bb.bytes().subarray(pos + 4, pos + 4 + n));
}

type Ref = () => number;

/**
 * Forward-only little-endian FlatBuffer writer. Objects are written in order; references are
 * late-bound (resolved in finish()), which works because every uoffset points forward.
 */
class PrefixWriter {
  private bytes: number[] = [];
  private fixups: Array<{ at: number; target: Ref }> = [];
  constructor(private readonly base: number) {}
  get length(): number {
    return this.bytes.length;
  }
  private get here(): number {
    return this.base + this.bytes.length;
  }
  align(n: number): void {
    while (this.bytes.length % n !== 0) this.bytes.push(0);
  }
  u8(v: number): void {
    this.bytes.push(v & 0xff);
  }
  u16(v: number): void {
    this.u8(v);
    this.u8(v >>> 8);
  }
  u32(v: number): void {
    this.u16(v & 0xffff);
    this.u16((v >>> 16) & 0xffff);
  }
  uoffset(target: Ref): void {
    this.fixups.push({ at: this.bytes.length, target });
    this.u32(0);
  }
  /** A table; fields are [index, kind, value]. Returns its absolute position. */
  table(fields: Array<[number, 'u32' | 'i32', number] | [number, 'u8', number] | [number, 'off', Ref]>): number {
    const present = fields.filter((f) => f[1] !== 'off' || f[2] !== undefined);
    const wide = present.filter((f) => f[1] !== 'u8');
    const narrow = present.filter((f) => f[1] === 'u8');
    const slots = new Map<number, number>();
    let off = 4;
    for (const f of wide) { slots.set(f[0], off); off += 4; }
    for (const f of narrow) { slots.set(f[0], off); off += 1; }
    const tableSize = (off + 3) & ~3;
    const maxField = Math.max(-1, ...present.map((f) => f[0]));
    this.align(4);
    const vtable = this.length;
    this.u16(4 + 2 * (maxField + 1));
    this.u16(tableSize);
    for (let f = 0; f <= maxField; f++) this.u16(slots.get(f) ?? 0);
    this.align(4);
    const table = this.length;
    this.u32(table - vtable);
    for (const f of wide) {
      if (f[1] === 'off') this.uoffset(f[2] as Ref);
      else this.u32((f[2] as number) >>> 0);
    }
    for (const f of narrow) this.u8(f[2] as number);
    while (this.length < table + tableSize) this.u8(0);
    return this.base + table;
  }
  vectorOfRefs(refs: Ref[]): number {
    this.align(4);
    const at = this.here;
    this.u32(refs.length);
    for (const r of refs) this.uoffset(r);
    return at;
  }
  vectorOfInt32(values: number[]): number {
    this.align(4);
    const at = this.here;
    this.u32(values.length);
    for (const v of values) this.u32(v >>> 0);
    return at;
  }
  string(s: string): number {
    this.align(4);
    const at = this.here;
    const b = new TextEncoder().encode(s);
    this.u32(b.length);
    for (const x of b) this.u8(x);
    this.u8(0);
    return at;
  }
  /** A [ubyte] vector whose data starts 16-aligned (Buffer.data is force_align: 16). */
  bytesAligned16(data: Uint8Array): number {
    while ((this.length + 4) % 16 !== 0) this.u8(0);
    const at = this.here;
    this.u32(data.length);
    for (const x of data) this.u8(x);
    return at;
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.bytes);
    const view = new DataView(out.buffer);
    for (const f of this.fixups) {
      const rel = f.target() - (this.base + f.at);
      if (rel <= 0) throw new Error('flatbuffer offsets must point forward');
      view.setUint32(f.at, rel, true);
    }
    return out;
  }
}

/** TFLite TensorType values (schema.fbs). */
export const TensorType = { FLOAT32: 0, INT32: 2 } as const;

export interface NewTensor {
  name: string;
  shape: number[];
  type: number;
  /** Constant contents (little-endian), or absent for an activation tensor. */
  data?: Uint8Array;
}

export interface NewOperator {
  /** Builtin operator code (schema.fbs BuiltinOperator), e.g. RESHAPE = 22, PAD = 34, CONCATENATION = 2. */
  builtin: number;
  /** Tensor references: a number is an existing tensor index, a string names a new tensor. */
  inputs: Array<number | string>;
  outputs: Array<number | string>;
}

export interface GraphAppendix {
  tensors: NewTensor[];
  operators: NewOperator[];
  /** The subgraph's new outputs (replacing the old list). */
  outputs: Array<number | string>;
}

/**
 * Rewrites a single-subgraph TFLite model by prepending a new root: optionally appends operators
 * and tensors to the subgraph and/or attaches TFLITE_METADATA. Original bytes stay untouched.
 */
export function rewriteTflite(model: Uint8Array, change: { metadata?: Uint8Array; append?: GraphAppendix }): Uint8Array {
  const bb = new ByteBuffer(model);
  if (model.length < 8 || !bb.__has_identifier('TFL3')) {
    throw new TfliteMetadataError('not-tflite', 'not a TFLite FlatBuffer (identifier TFL3 missing)');
  }
  const root = bb.readUint32(0);
  const field = (f: number) => fieldTarget(bb, root, f);
  const versionOffset = bb.__offset(root, 4 + 2 * MODEL_FIELD.version);
  const version = versionOffset === 0 ? 0 : bb.readUint32(root + versionOffset);
  const oldBuffers = vectorElements(bb, field(MODEL_FIELD.buffers));
  const oldMetadata = vectorElements(bb, field(MODEL_FIELD.metadata));
  const oldCodes = vectorElements(bb, field(MODEL_FIELD.operatorCodes));
  const oldSubgraphs = vectorElements(bb, field(MODEL_FIELD.subgraphs));
  if (change.metadata) {
    for (const m of oldMetadata) {
      const name = fieldTarget(bb, m, 0);
      if (name !== 0 && readString(bb, name) === 'TFLITE_METADATA') {
        throw new TfliteMetadataError('has-metadata', 'model already carries TFLITE_METADATA');
      }
    }
  }
  for (const buf of oldBuffers) {
    // Buffer { data (0); offset:ulong (1); size:ulong (2) }: data stored outside the FlatBuffer
    // is addressed from the file start and would move with the prefix.
    if (bb.__offset(buf, 6) !== 0 || bb.__offset(buf, 8) !== 0) {
      throw new TfliteMetadataError('external-buffers', 'model stores buffers outside the FlatBuffer');
    }
  }
  const description = field(MODEL_FIELD.description);
  const append = change.append;
  if (append && oldSubgraphs.length !== 1) throw new Error('graph append supports single-subgraph models only');
  const sg = oldSubgraphs[0] ?? 0;
  const oldTensors = sg ? vectorElements(bb, fieldTarget(bb, sg, 0)) : [];
  const oldOps = sg ? vectorElements(bb, fieldTarget(bb, sg, 3)) : [];
  const oldInputsAt = sg ? fieldTarget(bb, sg, 1) : 0;
  const oldInputs = oldInputsAt ? Array.from({ length: bb.readUint32(oldInputsAt) }, (_, i) => bb.readInt32(oldInputsAt + 4 + 4 * i)) : [];
  const sgName = sg ? fieldTarget(bb, sg, 4) : 0;

  const write = (shift: number) => {
    // Parents are written before children: uoffsets must point forward.
    const w = new PrefixWriter(0);
    const old = (p: number): Ref => () => p + shift;
    const later = new Map<string, number>();
    const mark = (k: string): Ref => () => {
      const v = later.get(k);
      if (v === undefined) throw new Error(`unresolved ${k}`);
      return v;
    };
    const set = (k: string, v: number) => later.set(k, v);
    w.uoffset(mark('model'));
    for (const c of 'TFL3') w.u8(c.charCodeAt(0));

    const extraBuffers: Array<{ key: string; data: Uint8Array }> = [];
    if (change.metadata) extraBuffers.push({ key: 'metadata', data: change.metadata });
    const tensorBuffer = new Map<number, number>();
    append?.tensors.forEach((t, i) => {
      if (!t.data) return;
      tensorBuffer.set(i, oldBuffers.length + extraBuffers.length);
      extraBuffers.push({ key: `tensor${i}`, data: t.data });
    });
    const codeIndex = new Map<number, number>();
    const newCodes: number[] = [];
    if (append) {
      oldCodes.forEach((c, i) => {
        const o0 = bb.__offset(c, 4);
        const o3 = bb.__offset(c, 10);
        const code = Math.max(o0 ? bb.readInt8(c + o0) : 0, o3 ? bb.readInt32(c + o3) : 0);
        if (!codeIndex.has(code) && bb.__offset(c, 6) === 0) codeIndex.set(code, i);
      });
      for (const op of append.operators) {
        if (!codeIndex.has(op.builtin)) {
          codeIndex.set(op.builtin, oldCodes.length + newCodes.length);
          newCodes.push(op.builtin);
        }
      }
    }

    const modelFields: Parameters<PrefixWriter['table']>[0] = [
      [MODEL_FIELD.version, 'u32', version],
      [MODEL_FIELD.operatorCodes, 'off', append ? mark('codes') : old(field(MODEL_FIELD.operatorCodes))],
      [MODEL_FIELD.subgraphs, 'off', append ? mark('subgraphs') : old(field(MODEL_FIELD.subgraphs))],
      [MODEL_FIELD.buffers, 'off', mark('buffers')],
    ];
    if (description) modelFields.push([MODEL_FIELD.description, 'off', old(description)]);
    if (change.metadata) modelFields.push([MODEL_FIELD.metadata, 'off', mark('metadata')]);
    else if (oldMetadata.length) modelFields.push([MODEL_FIELD.metadata, 'off', old(field(MODEL_FIELD.metadata))]);
    // Signature defs name tensors by index of the old output list: dropped when outputs change.
    const signatures = field(MODEL_FIELD.signatureDefs);
    if (signatures && !append) modelFields.push([MODEL_FIELD.signatureDefs, 'off', old(signatures)]);
    set('model', w.table(modelFields));

    if (append) {
      const tensorIndex = (r: number | string) => {
        if (typeof r === 'number') return r;
        const i = append.tensors.findIndex((t) => t.name === r);
        if (i < 0) throw new Error(`unknown tensor ${r}`);
        return oldTensors.length + i;
      };
      set('codes', w.vectorOfRefs([...oldCodes.map(old), ...newCodes.map((_, i) => mark(`code${i}`))]));
      // OperatorCode { deprecated_builtin_code:byte (0); custom_code (1); version:int (2); builtin_code:int (3) }
      newCodes.forEach((code, i) => set(`code${i}`, w.table([[0, 'u8', code], [2, 'i32', 1], [3, 'i32', code]])));
      set('subgraphs', w.vectorOfRefs([mark('sg')]));
      // SubGraph { tensors (0); inputs (1); outputs (2); operators (3); name (4) }
      const sgFields: Parameters<PrefixWriter['table']>[0] = [
        [0, 'off', mark('tensors')],
        [1, 'off', mark('inputs')],
        [2, 'off', mark('outputs')],
        [3, 'off', mark('ops')],
      ];
      if (sgName) sgFields.push([4, 'off', old(sgName)]);
      set('sg', w.table(sgFields));
      set('inputs', w.vectorOfInt32(oldInputs));
      set('outputs', w.vectorOfInt32(append.outputs.map(tensorIndex)));
      set('tensors', w.vectorOfRefs([...oldTensors.map(old), ...append.tensors.map((_, i) => mark(`tensor${i}`))]));
      // Tensor { shape:[int] (0); type:byte (1); buffer:uint (2); name:string (3) }
      append.tensors.forEach((t, i) => {
        set(`tensor${i}`, w.table([[0, 'off', mark(`shape${i}`)], [2, 'u32', tensorBuffer.get(i) ?? 0], [3, 'off', mark(`tname${i}`)], [1, 'u8', t.type]]));
        set(`shape${i}`, w.vectorOfInt32(t.shape));
        set(`tname${i}`, w.string(t.name));
      });
      set('ops', w.vectorOfRefs([...oldOps.map(old), ...append.operators.map((_, i) => mark(`op${i}`))]));
      // Operator { opcode_index:uint (0); inputs:[int] (1); outputs:[int] (2) }
      append.operators.forEach((op, i) => {
        set(`op${i}`, w.table([[0, 'u32', codeIndex.get(op.builtin) ?? 0], [1, 'off', mark(`opin${i}`)], [2, 'off', mark(`opout${i}`)]]));
        set(`opin${i}`, w.vectorOfInt32(op.inputs.map(tensorIndex)));
        set(`opout${i}`, w.vectorOfInt32(op.outputs.map(tensorIndex)));
      });
    }

    set('buffers', w.vectorOfRefs([...oldBuffers.map(old), ...extraBuffers.map((b) => mark(`buf-${b.key}`))]));
    // Buffer { data:[ubyte] (0) }
    for (const b of extraBuffers) set(`buf-${b.key}`, w.table([[0, 'off', mark(`data-${b.key}`)]]));
    if (change.metadata) {
      set('metadata', w.vectorOfRefs([...oldMetadata.map(old), mark('metaEntry')]));
      // Metadata { name:string (0); buffer:uint (1) }
      set('metaEntry', w.table([[0, 'off', mark('metaName')], [1, 'u32', oldBuffers.length]]));
      set('metaName', w.string('TFLITE_METADATA'));
    }
    for (const b of extraBuffers) set(`data-${b.key}`, w.bytesAligned16(b.data));
    w.align(16);
    return w;
  };
  const measured = write(0).length;
  const writer = write(measured);
  if (writer.length !== measured) throw new Error('prefix length changed between passes');
  const prefix = writer.finish();
  const out = new Uint8Array(prefix.length + model.length);
  out.set(prefix, 0);
  out.set(model, prefix.length);
  return out;
}

/** Returns a copy of `model` with `metadata` attached as TFLITE_METADATA. */
export function attachTfliteMetadata(model: Uint8Array, metadata: Uint8Array): Uint8Array {
  return rewriteTflite(model, { metadata });
}

/** Reads back the TFLITE_METADATA buffer (for verification after patching). */
export function readTfliteMetadata(model: Uint8Array): Uint8Array | null {
  const bb = new ByteBuffer(model);
  const root = bb.readUint32(0);
  const buffers = vectorElements(bb, fieldTarget(bb, root, MODEL_FIELD.buffers));
  for (const m of vectorElements(bb, fieldTarget(bb, root, MODEL_FIELD.metadata))) {
    const nameAt = fieldTarget(bb, m, 0);
    if (nameAt === 0 || readString(bb, nameAt) !== 'TFLITE_METADATA') continue;
    const o = bb.__offset(m, 6);
    const index = o === 0 ? 0 : bb.readUint32(m + o);
    const buf = buffers[index];
    if (buf === undefined) return null;
    const data = fieldTarget(bb, buf, 0);
    if (data === 0) return null;
    return model.subarray(data + 4, data + 4 + bb.readUint32(data));
  }
  return null;
}

/** Counts the subgraph's output tensors (to tell the 468- from the 478-point attention mesh). */
export function outputTensorCount(model: Uint8Array): number {
  const bb = new ByteBuffer(model);
  const root = bb.readUint32(0);
  const subgraph = vectorElements(bb, fieldTarget(bb, root, MODEL_FIELD.subgraphs))[0];
  if (subgraph === undefined) return 0;
  // SubGraph { tensors (0); inputs (1); outputs:[int] (2) }
  const outputs = fieldTarget(bb, subgraph, 2);
  return outputs === 0 ? 0 : bb.readUint32(outputs);
}
