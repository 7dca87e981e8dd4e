/**
 * Where the kiosk window may go: nowhere. The renderer is a single page served from `app://kiosk`;
 * a link, a redirect, a drag-and-drop of a file or a `window.open` must never replace it with
 * something else. Pure decisions, wired in main.ts.
 */
import { APP_ORIGIN, originOf } from './permissions';

export type NavigationVerdict = { allow: true } | { allow: false; reason: 'foreign-origin' | 'invalid-url' };

/**
 * `will-navigate` / `will-redirect` / `will-frame-navigate`: only a reload of the kiosk's own page
 * (same origin, e.g. after a render-process crash) is let through.
 */
export function decideNavigation(url: string, appOrigin: string = APP_ORIGIN): NavigationVerdict {
  const origin = originOf(url);
  if (origin === undefined) return { allow: false, reason: 'invalid-url' };
  return origin === appOrigin ? { allow: true } : { allow: false, reason: 'foreign-origin' };
}

/** `setWindowOpenHandler`: no popups, whatever the URL (the kiosk has no second window). */
export function decideWindowOpen(_url: string): { action: 'deny' } {
  return { action: 'deny' };
}

/** `will-attach-webview`: the kiosk never embeds a <webview>. */
export function decideWebviewAttach(): false {
  return false;
}
