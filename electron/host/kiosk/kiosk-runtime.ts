/**
 * The kiosk runtime: owns the citizen session (the xstate machine of electron/host/session),
 * turns the renderer's named calls into machine events, shows the machine's inactivity timeouts
 * as a visible countdown, and publishes the PII-free screen state. Both shells (Electron main,
 * web host) create one and broadcast its states as the `sessionState` event.
 */
import type { ChannelArgs, ChannelName, ChannelResult } from '../../common/contract';
import { ScreenState, type FaceReference } from '../../common/session-state';
import { HostError } from '../dispatcher';
import { createSessionMachine, type SessionEvent, type SessionMachineOptions, type SessionSnapshot } from '../session/machine';
import { toScreenState } from '../session/screen-state';
import { DEFAULT_TIMEOUTS, type SessionServices, type SessionTimeouts } from '../session/services';
import { createActor } from 'xstate';

type SessionChannel = Extract<ChannelName, `session${string}`>;
export type SessionHandlers = { [K in SessionChannel]: (...args: ChannelArgs<K>) => Promise<ChannelResult<K>> };

export interface KioskRuntimeOptions {
  services: SessionServices;
  machine?: SessionMachineOptions;
  defaultLocale?: 'zh-CN' | 'en';
  /** The countdown is shown during the last `warnMs` of a screen's inactivity timeout. */
  warnMs?: number;
  /** Countdown resolution. */
  tickMs?: number;
  now?: () => number;
  /** Camera labels allowed to feed liveness (config `camera.allowedLabels`). */
  cameraAllow?: string[];
}

export interface KioskRuntime {
  screen(): ScreenState;
  subscribe(listener: (state: ScreenState) => void): () => void;
  handlers: SessionHandlers;
  /** The machine's state value, for diagnostics and tests. */
  machineState(): unknown;
  stop(): void;
}

/**
 * Which inactivity timeout of the machine runs on a screen, and whether a touch restarts it (the
 * machine re-enters these states on ACTIVITY). Mirrors electron/host/session/machine.ts.
 */
function timeoutOf(state: ScreenState, t: SessionTimeouts): { ms: number; touchResets: boolean } | null {
  switch (state.screen) {
    case 'consent':
      return { ms: t.consent, touchResets: true };
    case 'binding':
      return { ms: t.binding, touchResets: false };
    case 'access-key':
      return { ms: t.accessKey, touchResets: true };
    case 'face':
      return { ms: t.face, touchResets: true };
    case 'result':
      return { ms: t.result, touchResets: false };
    case 'card':
      return state.phase === 'waiting' || state.phase === 'removed' ? { ms: t.cardWait, touchResets: false } : null;
    default:
      return null;
  }
}

export function createKioskRuntime(options: KioskRuntimeOptions): KioskRuntime {
  const now = options.now ?? Date.now;
  const timeouts: SessionTimeouts = { ...DEFAULT_TIMEOUTS, ...options.machine?.timeouts };
  const maxFaceAttempts = options.machine?.maxFaceAttempts ?? 3;
  const warnMs = options.warnMs ?? 15_000;
  const actor = createActor(createSessionMachine(options.services, options.machine ?? {}, options.defaultLocale ?? 'zh-CN'));
  const listeners = new Set<(state: ScreenState) => void>();
  let enteredAt = now();
  let screenKey = '';
  let current: ScreenState = { screen: 'attract', session: 0, idleSecondsLeft: null };
  let published = '';

  const project = (snapshot: SessionSnapshot, idleSecondsLeft: number | null): ScreenState =>
    toScreenState(
      { value: snapshot.value as string | Record<string, unknown>, context: snapshot.context },
      { consentTextVersion: options.services.consentTextVersion, maxFaceAttempts, idleSecondsLeft },
    ) as ScreenState;

  const countdown = (state: ScreenState): number | null => {
    const timeout = timeoutOf(state, timeouts);
    if (!timeout) return null;
    const remaining = enteredAt + timeout.ms - now();
    return remaining > warnMs ? null : Math.max(0, Math.ceil(remaining / 1000));
  };

  const publish = () => {
    const snapshot = actor.getSnapshot();
    const base = project(snapshot, null);
    const key = `${JSON.stringify(snapshot.value)}:${base.session}:${'attempt' in base ? base.attempt : ''}`;
    if (key !== screenKey) {
      screenKey = key;
      enteredAt = now();
    }
    // Validated against the contract: a state that is not PII-free by schema never leaves the host.
    const state = ScreenState.parse({ ...base, idleSecondsLeft: countdown(base) });
    current = state;
    const text = JSON.stringify(state);
    if (text === published) return;
    published = text;
    for (const listener of listeners) listener(state);
  };

  actor.subscribe({ next: publish, error: () => undefined });
  actor.start();
  publish();
  const ticker = setInterval(publish, options.tickMs ?? 1_000);
  ticker.unref?.();

  const send = (event: SessionEvent) => {
    actor.send(event);
    publish();
  };
  const activity = () => {
    const timeout = timeoutOf(current, timeouts);
    if (timeout?.touchResets) enteredAt = now();
    send({ type: 'ACTIVITY' });
  };

  const handlers: SessionHandlers = {
    sessionState: async () => current,
    sessionStart: async () => send({ type: 'START' }),
    sessionChooseLanguage: async (locale) => send({ type: 'CHOOSE_LANGUAGE', locale }),
    sessionAcceptConsent: async () => send({ type: 'ACCEPT_CONSENT' }),
    sessionKeypad: async (key) => send({ type: 'KEYPAD', key }),
    sessionSubmitCode: async () => send({ type: 'SUBMIT_CODE' }),
    sessionSubmitAccessKey: async (input) => send({ type: 'SUBMIT_ACCESS_KEY', input }),
    sessionFaceReference: async (): Promise<FaceReference> => {
      const snapshot = actor.getSnapshot();
      const portrait = snapshot.matches('face') ? snapshot.context.portrait : null;
      if (!portrait) throw new HostError('not-available', 'the chip portrait is available only during the face step');
      return portrait;
    },
    sessionFaceDecision: async (decision) => send({ type: 'FACE_DECISION', decision }),
    sessionRetry: async () => send({ type: 'RETRY' }),
    sessionCancel: async () => send({ type: 'CANCEL' }),
    sessionActivity: async () => activity(),
    sessionDeviceFault: async (fault) => send({ type: 'DEVICE_FAULT', fault }),
    sessionCameraPolicy: async () => ({ allow: [...(options.cameraAllow ?? [])] }),
  };

  return {
    screen: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    handlers,
    machineState: () => actor.getSnapshot().value,
    stop() {
      clearInterval(ticker);
      actor.stop();
      listeners.clear();
    },
  };
}
