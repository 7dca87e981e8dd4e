/**
 * The hidden way in: a long press in the screen's top-left corner. Pure helpers, so the rule
 * (which corner, how long, how far a finger may drift) is tested without a DOM.
 */

export const LONG_PRESS_MS = 3000;
/** The corner hotspot's size in CSS pixels. */
export const HOTSPOT_PX = 96;
/** A finger that drifts further than this is swiping, not pressing. */
export const MAX_DRIFT_PX = 24;

export interface PressStart {
  x: number;
  y: number;
  at: number;
}

export function inHotspot(x: number, y: number): boolean {
  return x >= 0 && y >= 0 && x < HOTSPOT_PX && y < HOTSPOT_PX;
}

export function drifted(start: PressStart, x: number, y: number): boolean {
  return Math.hypot(x - start.x, y - start.y) > MAX_DRIFT_PX;
}

export function pressComplete(start: PressStart, now: number): boolean {
  return now - start.at >= LONG_PRESS_MS;
}

/** `m:ss` for countdowns. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}
