import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideNavigation, decideWebviewAttach, decideWindowOpen } from './navigation';

describe('decideNavigation', () => {
  it('lets the kiosk page reload itself', () => {
    expect(decideNavigation('app://kiosk/index.html')).toEqual({ allow: true });
    expect(decideNavigation('app://kiosk/index.html?lang=en')).toEqual({ allow: true });
  });
  it('blocks every other destination', () => {
    for (const url of ['https://example.org/', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'app://kiosk.evil/', 'javascript:alert(1)', 'data:text/html,hi', 'about:blank', 'chrome://gpu']) {
      expect(decideNavigation(url).allow, url).toBe(false);
    }
    expect(decideNavigation('::not a url::')).toEqual({ allow: false, reason: 'invalid-url' });
  });
  it('blocks arbitrary web URLs', () => {
    fc.assert(fc.property(fc.webUrl(), (url) => decideNavigation(url).allow === false), { numRuns: 200 });
  });
});

describe('window.open and webviews', () => {
  it('denies every popup and every webview', () => {
    fc.assert(fc.property(fc.string(), (url) => decideWindowOpen(url).action === 'deny'));
    expect(decideWindowOpen('app://kiosk/index.html')).toEqual({ action: 'deny' });
    expect(decideWebviewAttach()).toBe(false);
  });
});
