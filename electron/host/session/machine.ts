/**
 * The citizen session (xstate v5): the single source of truth for the flow. The renderer renders
 * `toScreenState(snapshot)` and sends user events; everything else comes from injected services.
 *
 * idle → consent → opening → binding → document → face → decision → submission → result → wipe → idle
 */
import { assign, enqueueActions, fromCallback, fromPromise, setup, type ActorRefFrom, type SnapshotFrom } from 'xstate';
import type { AccessKeyInput, FaceDecision, FaceReference, FailureReason, KeypadKey, Locale, OutOfServiceReason } from './screen-state';
import type { AttestationDocument } from '../attestation/schema';
import { AuthorityProblemError } from '../authority-client/errors';
import type { OpenedSession } from '../authority-client/protocol';
import { MAX_ACCESS_KEY_ATTEMPTS, approvedMatcher, documentMeetsPolicy, editCode, failureForProblem, isCompleteCode, judgeFace } from './decisions';
import {
  DEFAULT_TIMEOUTS,
  ReaderUnavailableError,
  type DeliveryResult,
  type ReadDocumentOutcome,
  type ReadProgress,
  type SessionServices,
  type SessionTimeouts,
} from './services';

export type SessionResult =
  | { outcome: 'success'; receiptId: string }
  | { outcome: 'queued' }
  | { outcome: 'failure'; reason: FailureReason; canRetry: boolean }
  | { outcome: 'referral'; reason: FailureReason };

export interface SessionContext {
  sessionNumber: number;
  locale: Locale;
  cameraOk: boolean;
  opened: OpenedSession | null;
  code: string;
  codeError: 'bad-code' | null;
  triesLeft: number | null;
  accessKind: 'mrz' | 'can' | null;
  accessKey: AccessKeyInput | null;
  accessKeyError: 'access-denied' | null;
  accessKeyAttempts: number;
  cardPhase: 'waiting' | 'reading' | 'removed' | 'verifying';
  progress: { bytesRead: number; bytesTotal: number } | null;
  document: AttestationDocument | null;
  portrait: FaceReference | null;
  faceAttempt: number;
  lastFaceOutcome: 'no-match' | 'not-live' | null;
  faceDecision: FaceDecision | null;
  consentAt: string | null;
  jti: string | null;
  result: SessionResult | null;
  outOfService: OutOfServiceReason | null;
}

export type SessionEvent =
  | { type: 'START' }
  | { type: 'CHOOSE_LANGUAGE'; locale: Locale }
  | { type: 'ACCEPT_CONSENT' }
  | { type: 'KEYPAD'; key: KeypadKey }
  | { type: 'SUBMIT_CODE' }
  | { type: 'SUBMIT_ACCESS_KEY'; input: AccessKeyInput }
  | { type: 'FACE_DECISION'; decision: FaceDecision }
  | { type: 'RETRY' }
  | { type: 'CANCEL' }
  | { type: 'ACTIVITY' }
  | { type: 'DEVICE_FAULT'; fault: 'camera-lost' | 'camera-ok' }
  // internal, from invoked actors
  | { type: 'BOUND'; accountId: string; via: 'qr' | 'code' }
  | { type: 'SESSION_EXPIRED' }
  | { type: 'CARD_REMOVED' }
  | { type: 'READ_PROGRESS'; progress: ReadProgress }
  | { type: 'READ_DONE'; outcome: ReadDocumentOutcome }
  | { type: 'READ_FAILED'; error: unknown }
  | { type: 'STORE_FAILED' };

export interface SessionMachineOptions {
  timeouts?: Partial<SessionTimeouts>;
  maxFaceAttempts?: number;
  /** Pause between long polls after an error (ms). */
  pollBackoffMs?: number;
}

/** Everything personal or session-bound is dropped; only the kiosk-level fields survive. */
function wiped(context: Pick<SessionContext, 'sessionNumber' | 'cameraOk'>, locale: Locale): SessionContext {
  return {
    sessionNumber: context.sessionNumber,
    locale,
    cameraOk: context.cameraOk,
    opened: null,
    code: '',
    codeError: null,
    triesLeft: null,
    accessKind: null,
    accessKey: null,
    accessKeyError: null,
    accessKeyAttempts: 0,
    cardPhase: 'waiting',
    progress: null,
    document: null,
    portrait: null,
    faceAttempt: 1,
    lastFaceOutcome: null,
    faceDecision: null,
    consentAt: null,
    jti: null,
    result: null,
    outOfService: null,
  };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

export function createSessionMachine(services: SessionServices, options: SessionMachineOptions = {}, defaultLocale: Locale = 'zh-CN') {
  const t: SessionTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const maxFaceAttempts = options.maxFaceAttempts ?? 3;
  const sessionId = (c: SessionContext) => c.opened?.session_id ?? 'none';

  return setup({
    types: { context: {} as SessionContext, events: {} as SessionEvent },
    actors: {
      openSession: fromPromise(() => services.authority.openSession()),
      followBinding: fromCallback<SessionEvent, { sessionId: string }>(({ sendBack, input }) => {
        const controller = new AbortController();
        void (async () => {
          let last: 'open' | 'bound' | 'completed' | 'expired' = 'open';
          while (!controller.signal.aborted) {
            try {
              const status = await services.authority.waitSession(input.sessionId, last, 25, controller.signal);
              if (controller.signal.aborted) return;
              if (status.state === 'bound' && status.account) {
                sendBack({ type: 'BOUND', accountId: status.account.account_id, via: 'qr' });
                return;
              }
              if (status.state === 'expired' || status.state === 'completed') {
                sendBack({ type: 'SESSION_EXPIRED' });
                return;
              }
              last = status.state;
            } catch {
              await sleep(options.pollBackoffMs ?? 2000, controller.signal);
            }
          }
        })();
        return () => controller.abort();
      }),
      bindCode: fromPromise<{ accountId: string }, { sessionId: string; code: string }>(async ({ input }) => {
        await services.authority.bindCode(input.sessionId, input.code);
        // The bind answer carries no account; the long poll reports it (pseudonymised on record).
        const status = await services.authority.waitSession(input.sessionId, 'open', 0);
        return { accountId: status.account?.account_id ?? 'unknown' };
      }),
      waitForCard: fromPromise<void, void>(({ signal }) => services.reader.waitForCard(signal)),
      readCard: fromCallback<SessionEvent, { accessKey: AccessKeyInput | null; aaChallenge: string }>(({ sendBack, input }) => {
        const controller = new AbortController();
        const send = (event: SessionEvent) => {
          if (!controller.signal.aborted) sendBack(event);
        };
        const off = services.reader.onCardRemoved?.(() => send({ type: 'CARD_REMOVED' }));
        void (async () => {
          try {
            const { list } = await services.authority.cscaList();
            const outcome = await services.reader.readDocument({
              accessKey: input.accessKey,
              aaChallenge: input.aaChallenge,
              csca: list,
              signal: controller.signal,
              onProgress: (progress) => send({ type: 'READ_PROGRESS', progress }),
            });
            send({ type: 'READ_DONE', outcome });
          } catch (error) {
            send({ type: 'READ_FAILED', error });
          }
        })();
        return () => {
          controller.abort();
          off?.();
        };
      }),
      queueUpgrade: fromPromise<{ jti: string }, { context: SessionContext }>(({ input }) => {
        const { opened, document, faceDecision, consentAt } = input.context;
        if (!opened || !document || !faceDecision || !consentAt) throw new Error('decision without its inputs');
        const entry = approvedMatcher(opened.policy, faceDecision.matcher);
        return services.recorder.queue({
          terminalId: services.identity.terminalId,
          authorityId: services.identity.authorityId,
          session: { session_id: opened.session_id, nonce: opened.nonce, policy_version: opened.policy.policy_version, submit_by: opened.submit_by },
          sw: services.sw,
          doc: document,
          bio: {
            matcher: faceDecision.matcher,
            score: faceDecision.score,
            threshold: entry?.threshold ?? faceDecision.threshold,
            target_fmr: opened.policy.target_fmr,
            decision: 'match',
            liveness: { method: faceDecision.liveness.method, result: 'live', score: faceDecision.liveness.score },
            capture: faceDecision.capture,
          },
          consent: { text_version: services.consentTextVersion, at: consentAt },
        });
      }),
      deliver: fromPromise<DeliveryResult, { jti: string }>(({ input }) => services.recorder.deliverNow(input.jti)),
    },
    actions: {
      wipe: assign(({ context }) => wiped(context, defaultLocale)),
      record: enqueueActions(({ enqueue }, event: Parameters<SessionServices['recorder']['record']>[0]) => {
        try {
          services.recorder.record(event);
        } catch {
          // A full or corrupt store must not crash the session: the kiosk goes out of service.
          enqueue.raise({ type: 'STORE_FAILED' });
        }
      }),
    },
  }).createMachine({
    id: 'session',
    context: wiped({ sessionNumber: 0, cameraOk: true }, defaultLocale),
    initial: 'idle',
    on: {
      CHOOSE_LANGUAGE: { actions: assign({ locale: ({ event }) => event.locale }) },
      DEVICE_FAULT: { actions: assign({ cameraOk: ({ event }) => event.fault === 'camera-ok' }) },
      STORE_FAILED: { target: '.outOfService', actions: assign({ outOfService: 'internal' }) },
    },
    states: {
      idle: {
        on: {
          START: [
            { guard: ({ context }) => !context.cameraOk, target: 'outOfService', actions: assign({ outOfService: 'camera' }) },
            { target: 'consent', actions: assign({ sessionNumber: ({ context }) => context.sessionNumber + 1 }) },
          ],
        },
      },
      consent: {
        after: { [t.consent]: { target: 'wipe', actions: { type: 'record', params: () => ({ kind: 'diagnostics', entry: 'timeout-consent' }) } } },
        on: {
          ACCEPT_CONSENT: { target: 'opening', actions: assign({ consentAt: () => new Date(services.now()).toISOString() }) },
          ACTIVITY: { target: 'consent', reenter: true },
          CANCEL: 'wipe',
        },
      },
      opening: {
        invoke: {
          src: 'openSession',
          onDone: [
            {
              // authority-protocol.md §1: a kiosk whose matcher is not approved says so before the citizen presents anything.
              guard: ({ event }) => approvedMatcher(event.output.policy, services.matcher) === undefined,
              target: 'outOfService',
              actions: [
                assign({ outOfService: 'matcher-not-approved' }),
                { type: 'record', params: () => ({ kind: 'diagnostics', entry: 'matcher-not-approved' }) },
              ],
            },
            {
              target: 'binding',
              actions: [
                assign({ opened: ({ event }) => event.output }),
                { type: 'record', params: ({ event }) => ({ kind: 'session-opened', session_id: event.output.session_id, policy_version: event.output.policy.policy_version }) },
              ],
            },
          ],
          onError: { target: 'outOfService', actions: assign({ outOfService: 'authority' }) },
        },
        after: { [t.opening]: { target: 'outOfService', actions: assign({ outOfService: 'authority' }) } },
        on: { CANCEL: 'wipe' },
      },
      binding: {
        invoke: { src: 'followBinding', input: ({ context }) => ({ sessionId: sessionId(context) }) },
        after: { [t.binding]: { target: 'wipe', actions: { type: 'record', params: ({ context }) => ({ kind: 'session-ended', session_id: sessionId(context), outcome: 'timeout-binding' }) } } },
        initial: 'typing',
        on: {
          BOUND: {
            target: 'document',
            actions: { type: 'record', params: ({ context, event }) => ({ kind: 'session-bound', session_id: sessionId(context), via: event.via, account: services.recorder.pseudonym(event.accountId) }) },
          },
          SESSION_EXPIRED: { target: 'result', actions: assign({ result: { outcome: 'failure', reason: 'session-expired', canRetry: false } }) },
          CANCEL: 'wipe',
        },
        states: {
          typing: {
            on: {
              KEYPAD: { actions: assign({ code: ({ context, event }) => editCode(context.code, event.key), codeError: null }) },
              SUBMIT_CODE: { guard: ({ context }) => isCompleteCode(context.code), target: 'checking' },
            },
          },
          checking: {
            invoke: {
              src: 'bindCode',
              input: ({ context }) => ({ sessionId: sessionId(context), code: context.code }),
              onDone: {
                target: '#session.document',
                actions: { type: 'record', params: ({ context, event }) => ({ kind: 'session-bound', session_id: sessionId(context), via: 'code', account: services.recorder.pseudonym(event.output.accountId) }) },
              },
              onError: [
                {
                  guard: ({ event }) => event.error instanceof AuthorityProblemError && event.error.problem === 'bad-code',
                  target: 'typing',
                  actions: assign({
                    code: '',
                    codeError: 'bad-code',
                    triesLeft: ({ event }) => {
                      const left = (event.error as AuthorityProblemError).body.tries_left;
                      return typeof left === 'number' ? left : null;
                    },
                  }),
                },
                {
                  guard: ({ event }) => event.error instanceof AuthorityProblemError && event.error.problem === 'too-many-attempts',
                  target: '#session.result',
                  actions: assign({ result: { outcome: 'failure', reason: 'bind-attempts', canRetry: false } }),
                },
                {
                  guard: ({ event }) => event.error instanceof AuthorityProblemError && event.error.status < 500 && event.error.status !== 408,
                  target: '#session.result',
                  actions: assign({ result: { outcome: 'failure', reason: 'session-expired', canRetry: false } }),
                },
                { target: 'typing', actions: assign({ codeError: null }) },
              ],
            },
          },
        },
      },
      document: {
        initial: 'waiting',
        on: { CANCEL: 'wipe' },
        states: {
          waiting: {
            entry: assign({ cardPhase: 'waiting', progress: null }),
            invoke: { src: 'waitForCard', onDone: 'reading', onError: { target: '#session.outOfService', actions: assign({ outOfService: 'reader' }) } },
            after: { [t.cardWait]: '#session.wipe' },
          },
          removed: {
            entry: assign({ cardPhase: 'removed', progress: null }),
            invoke: { src: 'waitForCard', onDone: 'reading', onError: { target: '#session.outOfService', actions: assign({ outOfService: 'reader' }) } },
            after: { [t.cardWait]: '#session.wipe' },
          },
          accessKey: {
            after: { [t.accessKey]: '#session.wipe' },
            on: {
              SUBMIT_ACCESS_KEY: { target: 'reading', actions: assign({ accessKey: ({ event }) => event.input, accessKeyError: null }) },
              ACTIVITY: { target: 'accessKey', reenter: true },
            },
          },
          reading: {
            entry: assign({ cardPhase: 'reading', progress: null }),
            invoke: {
              src: 'readCard',
              input: ({ context }) => ({ accessKey: context.accessKey, aaChallenge: context.opened?.aa_challenge ?? '' }),
            },
            after: {
              [t.cardRead]: {
                target: '#session.result',
                actions: assign({ result: { outcome: 'failure', reason: 'unreadable', canRetry: true } }),
              },
            },
            on: {
              READ_PROGRESS: {
                actions: assign({
                  cardPhase: ({ event }) => event.progress.phase,
                  progress: ({ event }) => (event.progress.bytesTotal > 0 ? { bytesRead: event.progress.bytesRead, bytesTotal: event.progress.bytesTotal } : null),
                }),
              },
              CARD_REMOVED: 'removed',
              READ_FAILED: [
                {
                  guard: ({ event }) => event.error instanceof ReaderUnavailableError,
                  target: '#session.outOfService',
                  actions: [assign({ outOfService: 'reader' }), { type: 'record', params: () => ({ kind: 'diagnostics', entry: 'reader-unavailable' }) }],
                },
                {
                  target: '#session.result',
                  actions: [
                    assign({ result: { outcome: 'failure', reason: 'unreadable', canRetry: true } }),
                    { type: 'record', params: ({ context }) => ({ kind: 'card-read', session_id: sessionId(context), result: 'failed', error: 'read-error' }) },
                  ],
                },
              ],
              READ_DONE: [
                {
                  guard: ({ event, context }) =>
                    event.outcome.kind === 'ok' && context.opened !== null && documentMeetsPolicy(event.outcome.document, context.opened.policy),
                  target: '#session.face',
                  actions: [
                    assign(({ event }) => {
                      const outcome = event.outcome as Extract<ReadDocumentOutcome, { kind: 'ok' }>;
                      return { document: outcome.document, portrait: outcome.portrait, accessKey: null, faceAttempt: 1, lastFaceOutcome: null };
                    }),
                    {
                      type: 'record',
                      params: ({ context, event }) => {
                        const outcome = event.outcome as Extract<ReadDocumentOutcome, { kind: 'ok' }>;
                        return {
                          kind: 'card-read',
                          session_id: sessionId(context),
                          result: 'ok',
                          doc_kind: outcome.document.kind,
                          pa: 'valid',
                          chip_auth: outcome.document.chip_auth.method,
                          document: services.recorder.pseudonym(outcome.documentNumber),
                        };
                      },
                    },
                  ],
                },
                {
                  guard: ({ event }) => event.outcome.kind === 'ok',
                  target: '#session.result',
                  actions: assign({ result: { outcome: 'failure', reason: 'clone', canRetry: false } }),
                },
                {
                  guard: ({ event }) => event.outcome.kind === 'access-key-needed',
                  target: 'accessKey',
                  actions: assign({ accessKind: ({ event }) => (event.outcome as { accessKind: 'mrz' | 'can' }).accessKind, accessKeyError: null }),
                },
                {
                  guard: ({ event, context }) => event.outcome.kind === 'access-denied' && context.accessKeyAttempts + 1 < MAX_ACCESS_KEY_ATTEMPTS,
                  target: 'accessKey',
                  actions: assign({
                    accessKind: ({ event }) => (event.outcome as { accessKind: 'mrz' | 'can' }).accessKind,
                    accessKeyError: 'access-denied',
                    accessKeyAttempts: ({ context }) => context.accessKeyAttempts + 1,
                    accessKey: null,
                  }),
                },
                {
                  guard: ({ event }) => event.outcome.kind === 'access-denied',
                  target: '#session.result',
                  actions: assign({ accessKey: null, result: { outcome: 'referral', reason: 'access-denied' } }),
                },
                { guard: ({ event }) => event.outcome.kind === 'removed', target: 'removed' },
                {
                  target: '#session.result',
                  actions: [
                    assign({
                      accessKey: null,
                      result: ({ event }) => ({ outcome: 'failure', reason: (event.outcome as { reason: FailureReason }).reason, canRetry: false }),
                    }),
                    {
                      type: 'record',
                      params: ({ context, event }) => ({
                        kind: 'card-read',
                        session_id: sessionId(context),
                        result: 'not-genuine',
                        error: (event.outcome as { reason: string }).reason,
                      }),
                    },
                  ],
                },
              ],
            },
          },
        },
      },
      face: {
        after: { [t.face]: { target: 'wipe', actions: { type: 'record', params: ({ context }) => ({ kind: 'session-ended', session_id: sessionId(context), outcome: 'timeout-face' }) } } },
        on: {
          CANCEL: 'wipe',
          ACTIVITY: { target: 'face', reenter: true },
          DEVICE_FAULT: {
            guard: ({ event }) => event.fault === 'camera-lost',
            target: 'outOfService',
            actions: [assign({ cameraOk: false, outOfService: 'camera' }), { type: 'record', params: () => ({ kind: 'diagnostics', entry: 'camera-lost' }) }],
          },
          FACE_DECISION: [
            {
              guard: ({ context, event }) => context.opened !== null && judgeFace(event.decision, context.opened.policy, context.faceAttempt, maxFaceAttempts).kind === 'match',
              target: 'decision',
              actions: [
                assign({ faceDecision: ({ event }) => event.decision }),
                {
                  type: 'record',
                  params: ({ context, event }) => ({
                    kind: 'match-decision',
                    session_id: sessionId(context),
                    attempt: context.faceAttempt,
                    decision: 'match',
                    score: event.decision.score,
                    threshold: event.decision.threshold,
                    liveness: 'live',
                  }),
                },
              ],
            },
            {
              guard: ({ context, event }) => context.opened !== null && judgeFace(event.decision, context.opened.policy, context.faceAttempt, maxFaceAttempts).kind === 'retry',
              target: 'face',
              reenter: true,
              actions: [
                { type: 'record', params: ({ context, event }) => faceFailureEvent(context, event.decision) },
                assign({
                  lastFaceOutcome: ({ context, event }) =>
                    (judgeFace(event.decision, context.opened!.policy, context.faceAttempt, maxFaceAttempts) as { outcome: 'no-match' | 'not-live' }).outcome,
                  faceAttempt: ({ context }) => context.faceAttempt + 1,
                }),
              ],
            },
            {
              guard: ({ context, event }) => context.opened !== null && judgeFace(event.decision, context.opened.policy, context.faceAttempt, maxFaceAttempts).kind === 'referral',
              target: 'result',
              actions: [
                { type: 'record', params: ({ context, event }) => faceFailureEvent(context, event.decision) },
                assign({
                  result: ({ context, event }) => ({
                    outcome: 'referral',
                    reason: (judgeFace(event.decision, context.opened!.policy, context.faceAttempt, maxFaceAttempts) as { reason: 'no-match' | 'not-live' }).reason,
                  }),
                }),
              ],
            },
            {
              // The renderer runs a matcher or threshold the policy does not approve: a kiosk fault, not the citizen's.
              target: 'outOfService',
              actions: [assign({ outOfService: 'matcher-not-approved' }), { type: 'record', params: () => ({ kind: 'diagnostics', entry: 'renderer-matcher-refused' }) }],
            },
          ],
        },
      },
      decision: {
        invoke: {
          src: 'queueUpgrade',
          input: ({ context }) => ({ context }),
          onDone: { target: 'submission', actions: assign({ jti: ({ event }) => event.output.jti }) },
          onError: {
            target: 'outOfService',
            actions: [
              assign({ outOfService: 'internal' }),
              {
                type: 'record',
                params: ({ event }) => ({ kind: 'diagnostics', entry: 'decision-not-recorded', detail: diagnosticCode(event.error) }),
              },
            ],
          },
        },
      },
      submission: {
        // The decision is durable: cancel is not offered here, and a slow authority means "queued".
        invoke: {
          src: 'deliver',
          input: ({ context }) => ({ jti: context.jti ?? '' }),
          onDone: {
            target: 'result',
            actions: assign({
              result: ({ event }): SessionResult => {
                const out = event.output;
                if (out.state === 'delivered') return { outcome: 'success', receiptId: out.receiptId };
                if (out.state === 'rejected') return { outcome: 'failure', reason: failureForProblem(out.problem), canRetry: false };
                if (out.state === 'expired') return { outcome: 'failure', reason: 'session-expired', canRetry: false };
                return { outcome: 'queued' };
              },
            }),
          },
          onError: { target: 'result', actions: assign({ result: { outcome: 'queued' } }) },
        },
        after: { [t.submitting]: { target: 'result', actions: assign({ result: { outcome: 'queued' } }) } },
      },
      result: {
        entry: { type: 'record', params: ({ context }) => ({ kind: 'session-ended', session_id: sessionId(context), outcome: resultCode(context.result) }) },
        after: { [t.result]: 'wipe' },
        on: {
          CANCEL: 'wipe',
          START: 'wipe',
          RETRY: {
            guard: ({ context }) => context.result?.outcome === 'failure' && context.result.canRetry && context.opened !== null,
            target: 'document',
            actions: assign({ result: null, accessKey: null }),
          },
        },
      },
      outOfService: {
        // Nothing personal stays in memory while the kiosk waits out of service.
        entry: assign(({ context }) => ({ ...wiped(context, context.locale), outOfService: context.outOfService })),
        after: { [t.outOfService]: { guard: ({ context }) => context.outOfService !== 'camera', target: 'wipe' } },
        on: {
          DEVICE_FAULT: { guard: ({ event }) => event.fault === 'camera-ok', target: 'wipe', actions: assign({ cameraOk: true }) },
        },
      },
      wipe: {
        // Drops every personal datum of the session (document, portrait, access key, decision).
        entry: 'wipe',
        always: 'idle',
      },
    },
  });
}

function faceFailureEvent(context: SessionContext, decision: FaceDecision) {
  return {
    kind: 'match-decision' as const,
    session_id: context.opened?.session_id ?? 'none',
    attempt: context.faceAttempt,
    decision: decision.liveness.result === 'live' ? ('no-match' as const) : ('liveness-failed' as const),
    score: decision.score,
    threshold: decision.threshold,
    liveness: decision.liveness.result === 'live' ? ('live' as const) : ('spoof' as const),
  };
}

/** The stable `code` of a typed error (StoreError, AttestationError…), for diagnostics. */
function diagnosticCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'error';
  return /^[a-z0-9][a-z0-9.:-]{0,79}$/.test(code) ? code : 'error';
}

function resultCode(result: SessionResult | null): string {
  if (!result) return 'none';
  return result.outcome === 'failure' || result.outcome === 'referral' ? `${result.outcome}-${result.reason}` : result.outcome;
}

export type SessionMachine = ReturnType<typeof createSessionMachine>;
export type SessionActor = ActorRefFrom<SessionMachine>;
export type SessionSnapshot = SnapshotFrom<SessionMachine>;
