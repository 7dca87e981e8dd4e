/**
 * The renderer's Content-Security-Policy, one definition for both shells (the `app://`
 * protocol in Electron and the loopback web host). Scripts and workers only from the app
 * itself; WebAssembly compilation allowed for MediaPipe and the matcher; no inline script.
 */
export function contentSecurityPolicy(options: { bridgeOrigin?: string } = {}): string {
  const connect = ["'self'", ...(options.bridgeOrigin ? [options.bridgeOrigin] : [])];
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    `connect-src ${connect.join(' ')}`,
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "style-src 'self'",
    "font-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const securityHeaders = (csp: string): Record<string, string> => ({
  'Content-Security-Policy': csp,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
  'Cache-Control': 'no-store',
});
