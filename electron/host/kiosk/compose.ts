/**
 * The composition root of the citizen kiosk: store, terminal identity, authority client and
 * outbox (electron/host/session/kiosk-runtime), the card reader and chip verification, the
 * session machine, and the runtime that publishes screen states. Both shells call this; the
 * development composition (electron/dev) calls it too, after starting its simulators.
 */
import type { CardReader } from '../../../hardware/ccid/ccid-reader';
import { openCcidHidReader, openCcidSerialReader } from '../../../hardware/ccid/ccid-reader';
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

export class ReaderUriError extends Error {
  readonly code = 'reader-uri-unsupported';
  constructor(uri: string) {
    super(`reader URI not supported here: ${uri}`);
    this.name = 'ReaderUriError';
  }
}

/** `ccid-serial:/dev/ttyUSB0?baud=115200` or `ccid-hid:<path | vid:pid>` → an opener. */
export function readerOpener(uri: string, pollIntervalMs: number): () => Promise<CardReader> {
  const url = /^([a-z0-9-]+):([^?]*)(?:\?(.*))?$/.exec(uri);
  const scheme = url?.[1];
  const target = url?.[2] ?? '';
  const query = new URLSearchParams(url?.[3] ?? '');
  if (scheme === 'ccid-serial') {
    return () => openCcidSerialReader({ path: target, baudRate: Number(query.get('baud') ?? 115200), pollIntervalMs });
  }
  if (scheme === 'ccid-hid') {
    const vidPid = /^([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(target);
    const address = vidPid ? { vendorId: parseInt(vidPid[1]!, 16), productId: parseInt(vidPid[2]!, 16) } : { path: target };
    return () => openCcidHidReader(address as never, { pollIntervalMs });
  }
  return () => Promise.reject(new ReaderUriError(uri));
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
  const cardReader = sharedReader(options.openReader ?? readerOpener(config.reader.uri, config.reader.pollIntervalMs));
  const reader = createChipDocumentReader({ reader: cardReader });
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
      runtime.stop();
      stopOutbox.abort();
      await outboxLoop;
      store.close();
    },
  };
}
