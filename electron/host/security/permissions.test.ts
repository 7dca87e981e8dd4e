import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, decideDevicePermission, decidePermissionCheck, decidePermissionRequest, isAppOrigin, originOf } from './permissions';

describe('originOf', () => {
  it('gives the app scheme an origin although WHATWG URL calls non-special origins "null"', () => {
    expect(new URL('app://kiosk/index.html').origin).toBe('null');
    expect(originOf('app://kiosk/index.html')).toBe(APP_ORIGIN);
    expect(originOf('https://example.org:8443/a?b#c')).toBe('https://example.org:8443');
    expect(originOf('not a url')).toBeUndefined();
    expect(originOf(undefined)).toBeUndefined();
  });

  it('does not mistake look-alike hosts for the app', () => {
    expect(isAppOrigin('app://kiosk.evil/index.html')).toBe(false);
    expect(isAppOrigin('app://kiosk@evil/index.html')).toBe(false);
    expect(isAppOrigin('file:///app://kiosk/')).toBe(false);
    // Node parses app:// as a non-special scheme, so its host keeps its case: a mismatch is denied (safe side).
    expect(isAppOrigin('app://KIOSK/index.html')).toBe(false);
  });
});

describe('decidePermissionRequest', () => {
  const fromApp = 'app://kiosk/index.html';
  it('grants video capture to the kiosk page', () => {
    expect(decidePermissionRequest({ permission: 'media', requestingUrl: fromApp, mediaTypes: ['video'] })).toBe(true);
  });
  it('refuses audio, audio+video and an empty media request', () => {
    expect(decidePermissionRequest({ permission: 'media', requestingUrl: fromApp, mediaTypes: ['audio'] })).toBe(false);
    expect(decidePermissionRequest({ permission: 'media', requestingUrl: fromApp, mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(decidePermissionRequest({ permission: 'media', requestingUrl: fromApp, mediaTypes: [] })).toBe(false);
    expect(decidePermissionRequest({ permission: 'media', requestingUrl: fromApp })).toBe(false);
  });
  it('refuses video to any other origin', () => {
    for (const url of ['https://example.org/', 'file:///etc/passwd', 'app://other/', 'about:blank', '']) {
      expect(decidePermissionRequest({ permission: 'media', requestingUrl: url, mediaTypes: ['video'] })).toBe(false);
    }
  });
  it('refuses every other permission, even to the kiosk page', () => {
    fc.assert(
      fc.property(fc.string().filter((p) => p !== 'media'), (permission) =>
        decidePermissionRequest({ permission, requestingUrl: fromApp, mediaTypes: ['video'] }) === false,
      ),
    );
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'hid', 'serial', 'usb', 'openExternal', 'fullscreen', 'pointerLock']) {
      expect(decidePermissionRequest({ permission, requestingUrl: fromApp, mediaTypes: ['video'] })).toBe(false);
    }
  });
});

describe('decidePermissionCheck', () => {
  it('answers yes only for video from the app origin', () => {
    expect(decidePermissionCheck({ permission: 'media', requestingOrigin: APP_ORIGIN, mediaType: 'video' })).toBe(true);
    expect(decidePermissionCheck({ permission: 'media', requestingOrigin: APP_ORIGIN, mediaType: 'audio' })).toBe(false);
    expect(decidePermissionCheck({ permission: 'media', requestingOrigin: APP_ORIGIN, mediaType: 'unknown' })).toBe(false);
    expect(decidePermissionCheck({ permission: 'media', requestingOrigin: 'https://example.org', mediaType: 'video' })).toBe(false);
    expect(decidePermissionCheck({ permission: 'hid', requestingOrigin: APP_ORIGIN })).toBe(false);
    expect(decidePermissionCheck({ permission: 'serial', requestingOrigin: APP_ORIGIN })).toBe(false);
  });
});

describe('decideDevicePermission', () => {
  it('denies WebHID, Web Serial and WebUSB even to the kiosk page', () => {
    for (const deviceType of ['hid', 'serial', 'usb']) expect(decideDevicePermission({ deviceType, origin: APP_ORIGIN })).toBe(false);
  });
});
