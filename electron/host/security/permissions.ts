/**
 * What the renderer may ask Chromium for. The kiosk needs exactly one capability: the camera
 * (video capture) for its own page. Microphone, geolocation, notifications, clipboard, device
 * APIs (WebHID, Web Serial, WebUSB) and everything else are denied: the readers are driven by the
 * host, never by the page. Pure decisions: main.ts passes Electron's arguments in.
 */

/** The kiosk page's origin under Electron's privileged `app://` scheme. */
export const APP_ORIGIN = 'app://kiosk';

export type MediaType = 'video' | 'audio' | 'unknown';

export interface PermissionRequest {
  /** Electron's permission name (`media`, `geolocation`, `hid`, …). */
  permission: string;
  /** The URL of the frame that asks. */
  requestingUrl: string;
  /** For `media`: what the page asked for (`getUserMedia({video})` → `['video']`). */
  mediaTypes?: readonly string[] | undefined;
}

/** The origin of a URL, or undefined for anything unparseable (which is then denied). */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    // `new URL('app://kiosk/x').origin` is the string 'null' for non-special schemes.
    return parsed.origin === 'null' ? `${parsed.protocol}//${parsed.host}` : parsed.origin;
  } catch {
    return undefined;
  }
}

export function isAppOrigin(url: string | undefined, appOrigin: string = APP_ORIGIN): boolean {
  return originOf(url) === appOrigin;
}

/** `session.setPermissionRequestHandler`: video capture from our own page, nothing else. */
export function decidePermissionRequest(request: PermissionRequest, appOrigin: string = APP_ORIGIN): boolean {
  if (request.permission !== 'media') return false;
  if (!isAppOrigin(request.requestingUrl, appOrigin)) return false;
  const types = request.mediaTypes ?? [];
  return types.length > 0 && types.every((type) => type === 'video');
}

export interface PermissionCheck {
  permission: string;
  /** Electron passes the requesting origin (already an origin, but parsed again to be safe). */
  requestingOrigin: string;
  mediaType?: MediaType | string | undefined;
}

/** `session.setPermissionCheckHandler`: the synchronous "is it granted?" question. */
export function decidePermissionCheck(check: PermissionCheck, appOrigin: string = APP_ORIGIN): boolean {
  if (check.permission !== 'media') return false;
  if (!isAppOrigin(check.requestingOrigin, appOrigin)) return false;
  return check.mediaType === 'video';
}

/**
 * `session.setDevicePermissionHandler` (WebHID, Web Serial, WebUSB): always denied. The card
 * reader and MRZ scanner belong to the host; a page that could open them could talk to the chip.
 */
export function decideDevicePermission(_device: { deviceType: string; origin: string }): false {
  return false;
}
