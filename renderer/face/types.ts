/** Shared shapes of the face pipeline. Coordinates are image pixels unless stated. */
export interface Point {
  x: number;
  y: number;
}

export interface Point3 extends Point {
  /** Relative depth in the same pixel scale as x (MediaPipe: scaled by image width). */
  z: number;
}

/** RGBA pixels, row-major, 4 bytes per pixel (ImageData-compatible, DOM-free). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** One detected face: the 478-point attention mesh in pixels. */
export interface FaceObservation {
  landmarks: Point3[];
  /** Bounding box of the mesh in pixels. */
  box: { x: number; y: number; width: number; height: number };
}

/** Five points in ArcFace order: image-left eye, image-right eye, nose tip, image-left mouth corner, image-right mouth corner. */
export type FivePoints = [Point, Point, Point, Point, Point];

export interface HeadPose {
  /** Degrees; positive = the subject turns to the image's right. */
  yaw: number;
  /** Degrees; positive = chin down. */
  pitch: number;
  /** Degrees; positive = clockwise in the image. */
  roll: number;
}
