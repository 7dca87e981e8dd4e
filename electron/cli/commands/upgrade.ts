/**
 * kioskctl upgrade: one whole citizen upgrade from the command line, driven through the same
 * session machine the kiosk screen uses (electron/host/session/machine.ts): open a session,
 * bind (8-digit code, or the QR approved in the citizen app), read and verify the chip, decide
 * the face, sign and deliver the attestation. Prints one JSON document with --json.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { SessionPolicy } from '../../host/authority-client/protocol';
import { NotEnrolledError } from '../../host/authority-client/errors';
import type { MatcherIdentity } from '../../host/session/decisions';
import { createChipDocumentReader } from '../../host/kiosk/chip-document-reader';
import { openKioskRuntime } from '../../host/session/kiosk-runtime';
import type { AccessKeyInput, FaceDecision, FaceReference, ScreenState } from '../../host/session/screen-state';
import { CitizenSession } from '../../host/session/session-service';
import type { SessionServices } from '../../host/session/services';
import type { CardReader } from '../../../hardware/ccid/ccid-reader';
import { ExitCode, UsageError, type CliIo, type KioskctlCommand } from '../command';
import { reportFailure, resolveDataDir } from './enroll';
import { parseMrzArgument } from './read';

const USAGE =
  'kioskctl upgrade --reader <uri> (--mrz <MRZ | docno,YYMMDD,YYMMDD> | --can <6 digits>) --face <video.y4m|video.mjpeg|camera> ' +
  '[--authority <url>] [--bind-code <8 digits>] [--timeout <seconds>] [--data-dir <dir>] [--json]';

export class FaceCaptureError extends Error {
  override readonly name = 'FaceCaptureError';
  readonly code = 'face-capture-failed';
}

/** Decides the face against the chip portrait, as the renderer's face step does. */
export interface FaceDecider {
  matcher(): Promise<MatcherIdentity>;
  decide(reference: FaceReference, policy: SessionPolicy): Promise<FaceDecision>;
  close(): Promise<void>;
}

/** An opened card reader and how to release it (a simulator closes its pseudo-terminal too). */
export interface OpenedCardReader {
  reader: CardReader;
  close(): Promise<void>;
}

export interface UpgradeDeps {
  openCard(uri: string): Promise<OpenedCardReader>;
  openFace(spec: string): Promise<FaceDecider>;
  version?: string;
}

interface UpgradeArgs {
  reader: string;
  accessKey: AccessKeyInput;
  face: string;
  authority?: string;
  bindCode?: string;
  timeoutMs: number;
  dataDir?: string;
  json: boolean;
}

export function parseUpgradeArgs(argv: string[]): UpgradeArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        reader: { type: 'string' },
        mrz: { type: 'string' },
        can: { type: 'string' },
        face: { type: 'string' },
        authority: { type: 'string' },
        'bind-code': { type: 'string' },
        timeout: { type: 'string' },
        'data-dir': { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (!values.reader) throw new UsageError('--reader is required');
  if (!values.face) throw new UsageError('--face is required');
  if (values.face !== 'camera' && !/\.(y4m|mjpeg)$/i.test(values.face)) {
    throw new UsageError('--face takes a .y4m or .mjpeg clip (fixtures/camera/make-clip.ts) or "camera"; a still photo cannot pass liveness');
  }
  if ((values.mrz === undefined) === (values.can === undefined)) throw new UsageError('give exactly one of --mrz and --can');
  let accessKey: AccessKeyInput;
  if (values.can !== undefined) {
    if (!/^\d{6}$/.test(values.can)) throw new UsageError('--can is six digits');
    accessKey = { kind: 'can', can: values.can };
  } else {
    const seed = parseMrzArgument(values.mrz ?? '');
    accessKey = { kind: 'mrz', documentNumber: seed.documentNumber, birthDate: seed.dateOfBirth, expiryDate: seed.dateOfExpiry };
  }
  if (values['bind-code'] !== undefined && !/^\d{8}$/.test(values['bind-code'])) throw new UsageError('--bind-code is 8 digits');
  if (values.authority !== undefined) {
    try {
      new URL(values.authority);
    } catch {
      throw new UsageError('--authority is not a URL');
    }
  }
  const timeout = values.timeout === undefined ? 600 : Number(values.timeout);
  if (!(timeout > 0)) throw new UsageError('--timeout is a positive number of seconds');
  return {
    reader: values.reader,
    accessKey,
    face: values.face,
    ...(values.authority ? { authority: values.authority } : {}),
    ...(values['bind-code'] ? { bindCode: values['bind-code'] } : {}),
    timeoutMs: timeout * 1000,
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    json: values.json === true,
  };
}

type Finished = { screen: ScreenState; reason?: string };

/**
 * Plays the citizen's part against the session machine: every screen gets the answer the
 * command-line arguments give, until a result (or out of service, or a timeout).
 */
async function drive(session: CitizenSession, args: UpgradeArgs, face: FaceDecider, io: CliIo): Promise<Finished> {
  return new Promise<Finished>((resolveDone) => {
    let started = false;
    let codeSent = false;
    let keySent = 0;
    let deciding = false;
    let qrShown = false;
    let done = false;
    const finish = (f: Finished) => {
      if (done) return;
      done = true;
      unsubscribe();
      clearTimeout(timer);
      resolveDone(f);
    };
    const timer = setTimeout(() => finish({ screen: session.screenState(), reason: 'timeout' }), args.timeoutMs);
    const react = (screen: ScreenState) => {
      if (done) return;
      switch (screen.screen) {
        case 'attract':
          if (started) finish({ screen, reason: 'session-ended' });
          else {
            started = true;
            queueMicrotask(() => session.send({ type: 'START' }));
          }
          break;
        case 'consent':
          // The operator running the command stands in for the citizen's consent on screen.
          queueMicrotask(() => session.send({ type: 'ACCEPT_CONSENT' }));
          break;
        case 'binding':
          if (screen.codeError) finish({ screen, reason: 'bad-code' });
          else if (args.bindCode && !codeSent) {
            codeSent = true;
            queueMicrotask(() => {
              for (const digit of args.bindCode ?? '') session.send({ type: 'KEYPAD', key: digit as '0' });
              session.send({ type: 'SUBMIT_CODE' });
            });
          } else if (!args.bindCode && !qrShown) {
            qrShown = true;
            io.err(`approve in the citizen app: ${screen.qr}`);
          }
          break;
        case 'access-key':
          if (keySent > 0 && screen.error) finish({ screen, reason: 'access-denied' });
          else if (keySent === 0) {
            keySent += 1;
            queueMicrotask(() => session.send({ type: 'SUBMIT_ACCESS_KEY', input: args.accessKey }));
          }
          break;
        case 'face': {
          if (deciding) break;
          const reference = session.faceReference();
          const policy = session.snapshot().context.opened?.policy;
          if (!reference || !policy) break;
          deciding = true;
          face.decide(reference, policy).then(
            (decision) => {
              deciding = false;
              session.send({ type: 'FACE_DECISION', decision });
            },
            (error: unknown) => finish({ screen: session.screenState(), reason: `face: ${error instanceof Error ? error.message : String(error)}` }),
          );
          break;
        }
        case 'result':
        case 'out-of-service':
          finish({ screen });
          break;
        default:
          break;
      }
    };
    const unsubscribe = session.onScreenState(react);
    react(session.screenState());
  });
}

function exitCodeFor(f: Finished): ExitCode {
  const s = f.screen;
  if (f.reason) return ExitCode.failed;
  if (s.screen === 'result') {
    if (s.outcome === 'success' || s.outcome === 'queued') return ExitCode.ok;
    if (['tampered', 'untrusted-issuer', 'clone'].includes(s.reason)) return ExitCode.notGenuine;
    return ExitCode.failed;
  }
  if (s.screen === 'out-of-service') return s.reason === 'reader' || s.reason === 'authority' || s.reason === 'camera' ? ExitCode.unavailable : ExitCode.failed;
  return ExitCode.failed;
}

export function createUpgradeCommand(deps: UpgradeDeps): KioskctlCommand {
  return {
    name: 'upgrade',
    summary: 'run one complete upgrade: session, binding, chip read and verification, face decision, signed attestation',
    usage: USAGE,
    async run(argv: string[], io: CliIo): Promise<ExitCode> {
      const args = parseUpgradeArgs(argv);
      let runtime;
      try {
        runtime = await openKioskRuntime({ dataDir: resolveDataDir(args.dataDir), ...(args.authority ? { authorityUrl: args.authority } : {}) });
      } catch (error) {
        return reportFailure(io, args.json, 'upgrade', error);
      }
      let face: FaceDecider | undefined;
      let device: Promise<OpenedCardReader> | undefined;
      let session: CitizenSession | undefined;
      try {
        const { client, recorder, identity, outbox } = runtime;
        if (!client || !recorder || !identity || !outbox) throw new NotEnrolledError();
        const skew = await client.measureClockSkew();
        face = await deps.openFace(args.face);
        const matcher = await face.matcher();
        // The kiosk's own document reader: the same chip reading and verification as the screens.
        const reader = createChipDocumentReader({
          reader: async () => (await (device ??= deps.openCard(args.reader))).reader,
          // Validity periods are judged on the authority's clock, which the authority will use too.
          now: () => new Date(client.authorityNow() * 1000),
        });
        const services: SessionServices = {
          authority: client,
          reader,
          recorder,
          identity: { terminalId: identity.terminalId, authorityId: identity.authorityId },
          sw: { name: 'id-upgrade-kiosk', version: deps.version ?? '0.0.0', build: 'kioskctl' },
          matcher,
          consentTextVersion: 'kioskctl-operator-v1',
          now: Date.now,
        };
        session = new CitizenSession(services, { timeouts: { result: args.timeoutMs, outOfService: args.timeoutMs } }).start();
        const finished = await drive(session, args, face, io);
        const context = session.snapshot().context;
        const entry = context.jti ? outbox.list().find((e) => e.jti === context.jti) : undefined;
        const out = {
          ok: exitCodeFor(finished) === ExitCode.ok,
          screen: finished.screen,
          ...(finished.reason ? { stopped: finished.reason } : {}),
          session_id: context.opened?.session_id ?? null,
          jti: context.jti,
          outbox: entry ? { state: entry.state, attempts: entry.attempts, receipt_id: entry.receiptId, problem: entry.problemType } : null,
          clock_skew_seconds: skew.skewSeconds,
          audit_tree_size: runtime.audit.head().treeSize,
        };
        if (args.json) io.out(JSON.stringify(out));
        else io.out(`${finished.screen.screen}${'outcome' in finished.screen ? ` ${finished.screen.outcome}` : ''}${'reason' in finished.screen ? ` (${finished.screen.reason})` : ''}${finished.reason ? ` — stopped: ${finished.reason}` : ''}${entry?.receiptId ? ` receipt ${entry.receiptId}` : ''}`);
        return exitCodeFor(finished);
      } catch (error) {
        return reportFailure(io, args.json, 'upgrade', error);
      } finally {
        session?.stop();
        await device?.then((d) => d.close(), () => undefined);
        await face?.close().catch(() => undefined);
        runtime.close();
      }
    },
  };
}

/** `sim:` URIs are served by fixtures/sim, loaded only when such a URI is used. */
async function openCard(uri: string): Promise<OpenedCardReader> {
  const { openCardReader } = await import('../../../hardware/readers');
  if (!uri.startsWith('sim:')) return openCardReader(uri);
  const { simulatorFactory } = await import('../../../fixtures/sim/sim-factory');
  return openCardReader(uri, { simulators: simulatorFactory });
}

/**
 * The renderer's real face pipeline in headless Chromium (scripts/face-eval harness): the chip
 * portrait is passed in memory as a data: URL, the camera is a Y4M/MJPEG clip (Chromium fake
 * capture) or the real camera. A still photo cannot show liveness, so it is refused up front.
 */
export async function openHarnessFace(spec: string): Promise<FaceDecider> {
  const h = await import('../../../scripts/face-eval/harness-server');
  const harness = await h.openHarness({ dataRoot: h.PROJECT_ROOT, ...(spec === 'camera' ? {} : { fakeVideo: resolve(spec) }) });
  const b64u = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
  return {
    async matcher() {
      const info = await h.callHarness<{ matcher: { name: string; version: string; model_sha256: string } }>(harness.page, 'info');
      return { name: info.matcher.name, version: info.matcher.version, model_sha256: b64u(info.matcher.model_sha256) };
    },
    async decide(reference, policy) {
      let jpeg = reference.data;
      if (reference.format === 'rgba') {
        const { encodeJpeg } = await import('../../../hardware/icao/lds/portrait');
        jpeg = Buffer.from(encodeJpeg({ width: reference.width, height: reference.height, rgba: new Uint8Array(Buffer.from(reference.data, 'base64')) }, 92)).toString('base64');
      }
      const result = await h.callHarness<{ prompts: Array<string | null>; decision: null | { matcher: MatcherIdentity; score: number; threshold: number; liveness: FaceDecision['liveness']; capture: FaceDecision['capture'] } }>(
        harness.page,
        'captureSession',
        { referenceUrl: `data:image/jpeg;base64,${jpeg}`, count: 60, policy: { target_fmr: policy.target_fmr, matchers: policy.matchers, liveness_required: policy.liveness_required }, allowCamera: [] },
      );
      const d = result.decision;
      if (!d) {
        // Too few frames passed the quality gate: say what the screen would have asked for.
        const prompts = result.prompts.filter((p): p is string => typeof p === 'string');
        throw new FaceCaptureError(`no face decision after ${result.prompts.length} frames (last guidance: ${prompts.at(-1) ?? 'none'})`);
      }
      return { matcher: d.matcher, score: d.score, threshold: d.threshold, liveness: d.liveness, capture: d.capture };
    },
    close: () => harness.close(),
  };
}

export const commands: KioskctlCommand[] = [createUpgradeCommand({ openCard, openFace: openHarnessFace })];
