/**
 * Messages between the renderer and the face worker. Embeddings, frames and crops never cross
 * this boundary outward: the worker answers with counts, measures, scores and handles only.
 */
import type { Delegate } from './engine';
import type { QualityVerdict } from './quality-gate';
import type { HeadPose } from './types';
import type { MatcherManifest } from './matcher-manifest';
import type { PassiveResult } from './liveness';

/** A still image: encoded bytes (JPEG/PNG, decoded in the worker) or RGBA decoded by the host (JPEG 2000). */
export type StillImage = { kind: 'encoded'; bytes: ArrayBuffer } | { kind: 'rgba'; width: number; height: number; rgba: ArrayBuffer };

export type FacePick = 'largest' | 'centre';

export type FaceRequest =
  | { op: 'init'; modelsBase: string; delegate: Delegate | 'auto'; matcher?: MatcherManifest }
  | { op: 'info' }
  /**
   * Embeds one face of a still image and keeps it under a handle (evaluation, portraits): the
   * largest (a portrait), or the one nearest the centre (LFW's convention for its labelled face).
   */
  | { op: 'enrol'; image: StillImage; handle: string; pick?: FacePick }
  | { op: 'score'; pairs: Array<[string, string]> }
  /** Box of the picked face in a still image (test tooling: to crop chip-like portraits). */
  | { op: 'locate'; image: StillImage; pick?: FacePick }
  /** Makes a handle the session's reference (chip portrait). */
  | { op: 'setReference'; handle: string }
  | { op: 'frame'; frame: ImageBitmap | { width: number; height: number; rgba: ArrayBuffer }; timestampMs: number; embed: boolean }
  /** Timing of the per-frame stages on one frame (benchmark). */
  | { op: 'bench'; frame: { width: number; height: number; rgba: ArrayBuffer }; iterations: number }
  /** The passive presentation-attack check over the frames seen since the last endSession. */
  | { op: 'passive' }
  | { op: 'endSession' };

export interface FrameReport {
  faceCount: number;
  quality: QualityVerdict;
  pose?: HeadPose;
  eyeOpen?: number;
  /** Centre of the face box in frame-relative coordinates (for passive liveness). */
  faceCentre?: { x: number; y: number };
  /** Mean absolute luma change in the face box since the previous frame (0..255). */
  faceMotion?: number;
  /** Cosine score against the reference, when asked and the frame passed the quality gate. */
  score?: number;
}

export type FaceResponse =
  | { op: 'init'; delegate: Delegate; matcher: { name: string; version: string; model_sha256: string } }
  | { op: 'info'; matcher: MatcherManifest; delegate: Delegate }
  /** `quality`: the capture gate's verdict on the enrolled face (absent when none was found). */
  | { op: 'enrol'; handle: string; faceCount: number; ok: boolean; quality?: QualityVerdict }
  | { op: 'score'; scores: Array<number | null> }
  | { op: 'locate'; width: number; height: number; box: { x: number; y: number; width: number; height: number } | null }
  | { op: 'setReference'; ok: boolean }
  | { op: 'frame'; report: FrameReport }
  | { op: 'passive'; result: PassiveResult }
  | { op: 'bench'; landmarksMs: number[]; alignEmbedMs: number[]; faces: number }
  | { op: 'endSession' };

export type FaceWorkerMessage = { id: number; request: FaceRequest };
export type FaceWorkerReply = { id: number; ok: true; response: FaceResponse } | { id: number; ok: false; error: { code: string; message: string } };
