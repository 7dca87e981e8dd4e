/**
 * The development world around one kiosk: the reference ID authority on loopback (with the test
 * PKI's CSCA as trust anchor and this kiosk's matcher approved), a demo citizen account whose
 * holder data is the card profile's, and a CCID reader on a pseudo-terminal holding the profile's
 * virtual chip. `npm start` uses it for `sim:<profile>` and `authority.url = embedded`; the
 * end-to-end tests use it directly, so both run exactly the code a real kiosk runs.
 *
 * Tooling, not product: it imports fixtures/ (allowed for electron/dev, see .dependency-cruiser.cjs).
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { parseAuthorityConfig } from '../../authority/config';
import { createAuthority, type Authority } from '../../authority/server';
import { buildCard, type BuiltCard } from '../../fixtures/cards/card-builder';
import { loadCardProfile } from '../../fixtures/cards/card-profile';
import { CitizenApp } from '../../fixtures/citizen-app/citizen-app';
import { getTestPki } from '../../fixtures/pki/test-pki';
import { CcidSerialSimulator } from '../../fixtures/sim/ccid-serial-device';
import type { SimulatedCard } from '../../fixtures/sim/simulated-card';
import { VirtualChip } from '../../fixtures/virtual-chip/virtual-chip';
import { enroll, readIdentity } from '../host/identity/enrollment';
import { FileTerminalKey } from '../host/identity/terminal-key';
import { dataFiles } from '../host/session/kiosk-runtime';
import { openStore } from '../host/store/database';
import type { MatcherIdentity } from '../host/session/decisions';

/**
 * The threshold the face engineer calibrated for this matcher (renderer/face/matcher-policy.json,
 * read as data); the demo authority approves it like a real authority publishes its own.
 */
export function calibratedThreshold(): number {
  const file = fileURLToPath(new URL('../../renderer/face/matcher-policy.json', import.meta.url));
  if (!existsSync(file)) throw new Error(`no calibrated matcher policy at ${file} (npm run eval:face -- … --write-policy)`);
  const policy = JSON.parse(readFileSync(file, 'utf8')) as { threshold?: unknown };
  if (typeof policy.threshold !== 'number') throw new Error(`${file}: no numeric threshold`);
  return policy.threshold;
}

export interface DevAuthority {
  url: string;
  authority: Authority;
  close(): Promise<void>;
}

/**
 * Starts the reference authority on 127.0.0.1:0 with its own folder (never the kiosk's data
 * folder: the authority keeps holder data the kiosk must not).
 */
export async function startDevAuthority(options: { dir: string; matcher: MatcherIdentity & { threshold: number }; port?: number; livenessRequired?: boolean }): Promise<DevAuthority> {
  const pki = await getTestPki();
  const trustDir = join(options.dir, 'trust');
  mkdirSync(trustDir, { recursive: true });
  writeFileSync(join(trustDir, 'utopia-csca.der'), pki.csca.certificate);
  writeFileSync(join(trustDir, 'utopia-csca.crl'), pki.crl);
  const config = parseAuthorityConfig(
    {
      authority_id: 'dev-idauth',
      key_file: join(options.dir, 'authority-key.pem'),
      db_path: join(options.dir, 'authority.db'),
      host: '127.0.0.1',
      port: options.port ?? 0,
      policy: {
        policy_version: '2026-11-dev',
        target_fmr: 1e-4,
        matchers: [options.matcher],
        liveness_required: options.livenessRequired ?? true,
        chip_auth_required: true,
      },
      trust_dir: trustDir,
      test_controls: true,
    },
    options.dir,
  );
  const authority = await createAuthority(config);
  const url = await authority.listen();
  return {
    url,
    authority,
    async close() {
      // Long polls (up to 30 s) would hold fastify's close: end them.
      authority.app.server.closeAllConnections();
      await authority.close();
    },
  };
}

/** A demo citizen account at the authority whose holder is the card's, and the app that approves QR codes. */
export async function createDemoCitizen(dev: DevAuthority, card: BuiltCard): Promise<CitizenApp> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const publicJwk: JWK = { kty: kty!, crv: crv!, x: x!, y: y! };
  const kid = await calculateJwkThumbprint(publicJwk);
  const d = card.profile.document;
  const accountId = dev.authority.store.createAccount(
    {
      publicJwk,
      kid,
      displayName: `${d.secondaryIdentifier} ${d.primaryIdentifier}`,
      holder: {
        documentNumber: d.documentNumber.replace(/</g, ''),
        birthDate: d.birthDate,
        primaryIdentifier: d.primaryIdentifier,
        secondaryIdentifier: d.secondaryIdentifier,
        cnIdNumber: null,
        cnName: null,
      },
    },
    Math.floor(Date.now() / 1000),
  );
  return new CitizenApp(dev.url, await CitizenApp.keyFileFor(accountId, dev.authority.config.authority_id, privateKey));
}

/** Enrolls the kiosk of `dataDir` with the authority (the demo terminal), unless it already is. */
export async function enrollDevKiosk(dataDir: string, dev: DevAuthority, name = 'Demo kiosk'): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const files = dataFiles(dataDir);
  const store = openStore(files.database);
  try {
    if (readIdentity(store)?.authorityUrl === dev.url) return;
    const { key } = await FileTerminalKey.loadOrCreate(files.terminalKey);
    const token = dev.authority.store.issueEnrollmentToken(Math.floor(Date.now() / 1000));
    await enroll({ authorityUrl: dev.url, enrollmentToken: token, name, key, store });
  } finally {
    store.close();
  }
}

export interface SimulatedReader {
  /** The URI the kiosk opens: a real pseudo-terminal, exactly like /dev/ttyUSB0. */
  uri: string;
  card: BuiltCard;
  chip: VirtualChip;
  simulator: CcidSerialSimulator;
  insert(): void;
  remove(): void;
  /** The citizen lifts the card after this many more APDUs (it is then off the reader). */
  liftAfter(apdus: number): void;
  /** Pulls the reader's cable: the pseudo-terminal disappears under the kiosk. */
  unplug(): Promise<void>;
  /** Plugs a reader back in at the same device name, with the card on it. */
  plugIn(): Promise<void>;
  close(): Promise<void>;
}

/** The chip as the reader holds it, with a hand that can lift it off mid-transfer. */
class LiftableCard implements SimulatedCard {
  private liftAt: number | undefined;
  private apdus = 0;
  constructor(
    private readonly chip: VirtualChip,
    private readonly lift: () => void,
  ) {}
  liftAfter(apdus: number): void {
    this.apdus = 0;
    this.liftAt = apdus;
  }
  reset(): Uint8Array {
    return this.chip.reset();
  }
  transmit(command: Uint8Array): Uint8Array | Promise<Uint8Array> {
    this.apdus += 1;
    if (this.liftAt !== undefined && this.apdus >= this.liftAt) {
      this.liftAt = undefined;
      // The card leaves the field while this command is on the wire: the reader answers "no card".
      this.lift();
    }
    return this.chip.transmit(command);
  }
}

/** A CCID serial reader on a pseudo-terminal with the profile's virtual chip (on the reader when `inserted`). */
export async function startSimulatedReader(profileId: string, options: { inserted?: boolean } = {}): Promise<SimulatedReader> {
  const card = await buildCard(await loadCardProfile(profileId));
  const chip = new VirtualChip(card.image);
  let simulator: CcidSerialSimulator | undefined;
  const held = new LiftableCard(chip, () => simulator?.engine.removeCard());
  simulator = await CcidSerialSimulator.start({ card: options.inserted === false ? undefined : held });
  // The host end is a stable symlink: a reader plugged back in appears under the same name.
  const hostLink = simulator.hostPath;
  const reader: SimulatedReader = {
    uri: `ccid-serial:${hostLink}`,
    card,
    chip,
    simulator,
    insert: () => simulator!.engine.insertCard(held),
    remove: () => simulator!.engine.removeCard(),
    liftAfter: (apdus) => held.liftAfter(apdus),
    unplug: () => simulator!.unplug(),
    async plugIn() {
      simulator = await CcidSerialSimulator.start({ card: held, hostLink });
      reader.simulator = simulator;
    },
    close: () => simulator!.close(),
  };
  return reader;
}
