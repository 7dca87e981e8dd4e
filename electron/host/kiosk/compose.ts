/**
 * The composition root of the citizen kiosk: store, terminal identity, authority client and
 * outbox (electron/host/session/kiosk-runtime), the card reader and chip verification, the
 * session machine, and the runtime that publishes screen states. Both shells call this; the
 * development composition (electron/dev) calls it too, after starting its simulators.
 */
import type { CardReader } from '../../../hardware/ccid/ccid-reader';
import { openCardReader } from '../../../hardware/readers';
import type { KioskConfig } from '../config';
import { appVersion } from '../host-services';
import type { Logger } from '../logger';
import type { MatcherIdentity } from '../session/decisions';
import { openKioskRuntime, type KioskRuntime as StoreRuntime } from '../session/kiosk-runtime';
import type { SessionMachineOptions } from '../session/machine';
import type { DecisionRecorder, SessionAuthority } from '../session/services';
import { createChipDocumentReader } from './chip-document-reader';
import { createKioskRuntime, type KioskRuntime } from './kiosk-runtime';
import { kioskMatcher } from './kiosk-matcher';

export const CONSENT_TEXT_VERSION = 'consent-2026-11';

export interface KioskComposition {
  runtime: KioskRuntime;
  store: StoreRuntime;
  /** The kiosk's one shared card reader (diagnostics' reader test uses it rather than opening the device twice). */
  cardReader: () => Promise<CardReader>;
  close(): Promise<void>;
}

export interface ComposeOptions {
  config: KioskConfig;
  logger: Logger;
  /** The authority base URL (config.authority.url, or the embedded one). */
  authorityUrl: string;
  /** Overrides the reader named by config.reader.uri (the development composition's simulator). */
  openReader?: () => Promise<CardReader>;
  matcher?: MatcherIdentity;
  machine?: SessionMachineOptions;
  warnMs?: number;
  tickMs?: number;
}

/**
 * The kiosk's card reader from its URI (`ccid-serial:/dev/ttyUSB0?baud=115200`,
 * `ccid-hid:<path | vid:pid>`), through the hardware layer's one URI parser and reader factory.
 * `sim:` URIs are the development composition's (electron/dev), which passes its own opener.
 */
export function readerOpener(uri: string, pollIntervalMs: number): () => Promise<CardReader> {
  return async () => (await openCardReader(uri, { ccid: { pollIntervalMs } })).reader;
}

/** One reader for the kiosk's lifetime, re-opened after it failed (unplugged). */
function sharedReader(open: () => Promise<CardReader>): () => Promise<CardReader> {
  let current: Promise<CardReader> | undefined;
  return () => {
    current ??= open().then(
      (reader) => {
        reader.on('unplugged', () => {
          current = undefined;
        });
        return reader;
      },
      (error: unknown) => {
        current = undefined;
        throw error;
      },
    );
    return current;
  };
}

class NotEnrolledAuthority implements SessionAuthority {
  private fail(): never {
    throw Object.assign(new Error('this kiosk is not enrolled with an authority (kioskctl enroll)'), { code: 'not-enrolled' });
  }
  openSession = async () => this.fail();
  waitSession = async () => this.fail();
  bindCode = async () => this.fail();
  cscaList = async () => this.fail();
}

const refusingRecorder = (store: StoreRuntime): DecisionRecorder => ({
  record: (event) => void store.audit.append(event),
  pseudonym: (value) => store.audit.pseudonym(value),
  queue: async () => {
    throw new Error('not enrolled');
  },
  deliverNow: async () => ({ state: 'pending' }),
});

export async function composeKiosk(options: ComposeOptions): Promise<KioskComposition> {
  const { config, logger } = options;
  const store = await openKioskRuntime({ dataDir: config.dataDir, authorityUrl: options.authorityUrl });
  if (!store.identity) logger.warn('the kiosk is not enrolled: it stays out of service until `kioskctl enroll`');
  const stopOutbox = new AbortController();
  const outboxLoop = store.outbox?.run(stopOutbox.signal).catch((error: unknown) => logger.error({ err: error }, 'outbox loop stopped'));
  // Certificate validity is judged on the authority's clock, as the authority will judge it:
  // measure the skew at start and hourly (a failure leaves the last value measured).
  const client = store.client;
  const measureSkew = () =>
    client?.measureClockSkew().then(
      ({ skewSeconds, withinAllowance }) => (withinAllowance ? undefined : logger.warn({ skewSeconds }, 'clock skew beyond the 120 s allowance')),
      (error: unknown) => logger.warn({ err: error }, 'clock skew not measured'),
    );
  void measureSkew();
  const skewTimer = setInterval(() => void measureSkew(), 3_600_000);
  skewTimer.unref();
  const cardReader = sharedReader(options.openReader ?? readerOpener(config.reader.uri, config.reader.pollIntervalMs));
  const reader = createChipDocumentReader({
    reader: cardReader,
    ...(client ? { now: () => new Date(client.authorityNow() * 1000) } : {}),
  });
  const runtime = createKioskRuntime({
    services: {
      authority: store.client ?? new NotEnrolledAuthority(),
      reader,
      recorder: store.recorder ?? refusingRecorder(store),
      identity: { terminalId: store.identity?.terminalId ?? 'unenrolled', authorityId: store.identity?.authorityId ?? 'unknown' },
      sw: { name: 'id-upgrade-kiosk', version: appVersion(), build: process.env.KIOSK_BUILD_ID ?? 'dev' },
      matcher: options.matcher ?? kioskMatcher(),
      consentTextVersion: CONSENT_TEXT_VERSION,
      now: Date.now,
    },
    ...(options.machine ? { machine: options.machine } : {}),
    defaultLocale: config.locale.default,
    cameraAllow: config.camera.allowedLabels,
    ...(options.warnMs !== undefined ? { warnMs: options.warnMs } : {}),
    ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
  });
  return {
    runtime,
    store,
    cardReader,
    async close() {
      clearInterval(skewTimer);
      runtime.stop();
      stopOutbox.abort();
      await outboxLoop;
      store.close();
    },
  };
}
