/**
 * Keyboard shortcuts a citizen (or a USB keyboard someone plugs in) must not use on a kiosk:
 * reload, developer tools, zoom, quit/close, print, save, open, find, history navigation and
 * full-screen toggles. `before-input-event` calls this for every key; in development (not
 * packaged) reload and devtools stay available to the developer.
 */

/** The fields of Electron's `Input` that the decision needs. */
export interface KeyInput {
  type: string;
  key: string;
  code?: string;
  control?: boolean;
  meta?: boolean;
  alt?: boolean;
  shift?: boolean;
}

export interface InputFilterOptions {
  /** Packaged builds (and the production e2e variant) block everything below. */
  production: boolean;
}

export type BlockedShortcut = 'reload' | 'devtools' | 'zoom' | 'quit' | 'print' | 'save' | 'open' | 'find' | 'history' | 'fullscreen' | 'view-source';

/** Which forbidden shortcut, if any, this key press is. */
export function classifyShortcut(input: KeyInput): BlockedShortcut | undefined {
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return undefined;
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  const mod = Boolean(input.control || input.meta);
  const { alt = false, shift = false } = input;

  if (key === 'F5' || key === 'BrowserRefresh' || (mod && key === 'r')) return 'reload';
  if (key === 'F12' || (mod && shift && ['i', 'j', 'c'].includes(key)) || (input.meta && alt && ['i', 'j', 'c'].includes(key))) return 'devtools';
  if (mod && ['+', '=', '-', '_', '0'].includes(key)) return 'zoom';
  if (mod && (input.code === 'NumpadAdd' || input.code === 'NumpadSubtract' || input.code === 'Numpad0')) return 'zoom';
  if ((alt && key === 'F4') || (mod && ['q', 'w'].includes(key)) || (mod && key === 'F4')) return 'quit';
  if (mod && key === 'p') return 'print';
  if (mod && key === 's') return 'save';
  if (mod && key === 'o') return 'open';
  if (mod && (key === 'f' || key === 'g')) return 'find';
  if (mod && key === 'u') return 'view-source';
  if ((alt && (key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Home')) || key === 'BrowserBack' || key === 'BrowserForward' || key === 'BrowserHome') return 'history';
  if (key === 'F11' || (input.meta && input.control && key === 'f')) return 'fullscreen';
  return undefined;
}

/** True when `before-input-event` should `preventDefault()` the key. */
export function shouldBlockInput(input: KeyInput, options: InputFilterOptions): boolean {
  const shortcut = classifyShortcut(input);
  if (!shortcut) return false;
  if (options.production) return true;
  // A developer keeps reload and devtools; quitting stays blocked so the window behaves like the kiosk.
  return shortcut !== 'reload' && shortcut !== 'devtools';
}
