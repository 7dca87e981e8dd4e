/** Test support: fake services for the session machine (no devices, no network). */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { AuditEvent } from '../audit/events';
import type { DecidedUpgrade } from '../attestation/attestation';
import { AuthorityProblemError } from '../authority-client/errors';
import type { OpenedSession, SessionStatus } from '../authority-client/protocol';
import type { DeliveryResult, ReadDocumentOutcome, ReadDocumentRequest, SessionServices } from './services';

export const OUR_MATCHER = { name: 'test-matcher', version: '1', model_sha256: 'M'.repeat(43) };

export function fakeOpenedSession(overrides: Partial<OpenedSession['policy']> = {}): OpenedSession {
  const session_id = randomUUID();
  const nonce = randomBytes(32).toString('base64url');
  return {
    session_id,
    nonce,
    aa_challenge: '0011223344556677',
    expires_at: new Date(Date.now() + 600_000).toISOString(),
    submit_by: new Date(Date.now() + 86_400_000).toISOString(),
    qr: `ikup:1?a=auth&s=${session_id}&n=${nonce}`,
    policy: { policy_version: 'p1', target_fmr: 0.0001, matchers: [{ ...OUR_MATCHER, threshold: 0.5 }], liveness_required: true, chip_auth_required: true, ...overrides },
  };
}

export const SECRET_DOCUMENT_NUMBER = 'E99887766';
export const PORTRAIT_DATA = Buffer.from('synthetic-portrait-bytes').toString('base64');

export const okDocument = (): ReadDocumentOutcome => ({
  kind: 'ok',
  document: {
    kind: 'icao9303',
    dg1: Buffer.from(`P<CHNZHANG<<SAN<<<<${SECRET_DOCUMENT_NUMBER}`).toString('base64url'),
    sod: 'c29k',
    dg2_hash: 'aGFzaA',
    pa: { result: 'valid', dsc_sha256: 'ZHNj', csca_sha256: 'Y3NjYQ', crl_checked_at: null },
    chip_auth: { method: 'CA', result: 'valid' },
  },
  portrait: { format: 'image/jpeg', width: 10, height: 10, data: PORTRAIT_DATA },
  documentNumber: SECRET_DOCUMENT_NUMBER,
});

export function fakeServices() {
  let opened = fakeOpenedSession();
  let boundResolve: ((status: SessionStatus) => void) | undefined;
  const reads: Array<ReadDocumentOutcome | (() => Promise<ReadDocumentOutcome>)> = [];
  const readRequests: ReadDocumentRequest[] = [];
  const recorded: AuditEvent[] = [];
  const queued: DecidedUpgrade[] = [];
  let delivery: DeliveryResult | (() => Promise<DeliveryResult>) = { state: 'delivered', receiptId: 'receipt-1' };
  let queueFails = false;
  let removedListener: (() => void) | undefined;

  const services: SessionServices = {
    authority: {
      openSession: async () => opened,
      waitSession: (_id, last, wait, signal) => {
        if (last !== 'open' || wait === 0) return Promise.resolve({ state: 'bound', account: { account_id: 'acct-7', display_name_masked: 'Z**' } });
        return new Promise((resolve, reject) => {
          boundResolve = resolve;
          signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        });
      },
      bindCode: async (_id, code) => {
        if (code !== '12345678') throw new AuthorityProblemError(422, 'bad-code', undefined, { tries_left: 4 }, undefined);
        return { session_id: opened.session_id, state: 'bound', terminal_name: 'kiosk' };
      },
      cscaList: async () => ({ list: { version: '1', certificates: [], crls: [] } }),
    },
    reader: {
      waitForCard: async () => undefined,
      readDocument: async (request) => {
        readRequests.push(request);
        request.onProgress({ phase: 'reading', bytesRead: 100, bytesTotal: 1000 });
        const next = reads.shift() ?? okDocument();
        return typeof next === 'function' ? next() : next;
      },
      onCardRemoved: (listener) => {
        removedListener = listener;
        return () => {
          removedListener = undefined;
        };
      },
    },
    recorder: {
      record: (event) => {
        recorded.push(event);
      },
      pseudonym: (value) => createHmac('sha256', 'k').update(value).digest('base64url'),
      queue: async (upgrade) => {
        if (queueFails) throw Object.assign(new Error('full'), { code: 'store-full' });
        queued.push(upgrade);
        return { jti: randomUUID() };
      },
      deliverNow: async () => (typeof delivery === 'function' ? delivery() : delivery),
    },
    identity: { terminalId: 't-1', authorityId: 'auth' },
    sw: { name: 'kiosk', version: '0.1.0', build: 'test' },
    matcher: OUR_MATCHER,
    consentTextVersion: 'consent-v1',
    now: () => Date.now(),
  };
  return {
    services,
    recorded,
    queued,
    readRequests,
    reads,
    bindViaApp: () => boundResolve?.({ state: 'bound', account: { account_id: 'acct-7', display_name_masked: 'Z**' } }),
    removeCard: () => removedListener?.(),
    setOpened: (o: OpenedSession) => {
      opened = o;
    },
    setDelivery: (d: typeof delivery) => {
      delivery = d;
    },
    failQueue: () => {
      queueFails = true;
    },
  };
}

export const faceDecision = (score = 0.8, live = true) => ({
  matcher: OUR_MATCHER,
  score,
  threshold: 0.5,
  liveness: { method: 'passive', result: live ? ('live' as const) : ('not-live' as const), score: live ? 0.95 : 0.1 },
  capture: { frames: 8, camera: 'fake-cam' },
});
