import { createActor } from 'xstate';
import type { FaceReference, Locale, ScreenState } from './screen-state';
import { createSessionMachine, type SessionEvent, type SessionMachineOptions, type SessionSnapshot } from './machine';
import { toScreenState } from './screen-state';
import type { SessionServices } from './services';

/**
 * The running session for one kiosk: owns the actor, hands the renderer PII-free screen states
 * and accepts its events. The chip portrait is handed out only while the face step is on screen.
 */
export class CitizenSession {
  private readonly actor;
  private readonly maxFaceAttempts: number;

  constructor(
    private readonly services: SessionServices,
    options: SessionMachineOptions = {},
    defaultLocale: Locale = 'zh-CN',
  ) {
    this.maxFaceAttempts = options.maxFaceAttempts ?? 3;
    this.actor = createActor(createSessionMachine(services, options, defaultLocale));
  }

  start(): this {
    this.actor.start();
    return this;
  }

  stop(): void {
    this.actor.stop();
  }

  send(event: SessionEvent): void {
    this.actor.send(event);
  }

  snapshot(): SessionSnapshot {
    return this.actor.getSnapshot();
  }

  screenState(): ScreenState {
    const snapshot = this.actor.getSnapshot();
    return toScreenState(
      { value: snapshot.value as string | Record<string, unknown>, context: snapshot.context },
      { consentTextVersion: this.services.consentTextVersion, maxFaceAttempts: this.maxFaceAttempts },
    );
  }

  /** Calls `listener` with each new screen state (deduplicated). Returns the unsubscribe function. */
  onScreenState(listener: (state: ScreenState) => void): () => void {
    let last = '';
    const subscription = this.actor.subscribe(() => {
      const state = this.screenState();
      const key = JSON.stringify(state);
      if (key !== last) {
        last = key;
        listener(state);
      }
    });
    return () => subscription.unsubscribe();
  }

  faceReference(): FaceReference | undefined {
    const snapshot = this.actor.getSnapshot();
    return snapshot.matches('face') ? (snapshot.context.portrait ?? undefined) : undefined;
  }
}
