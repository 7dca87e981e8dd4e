import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FaceDecision as ContractFaceDecision, FaceReference, ScreenState } from '../../../electron/common/session-state';
import { DecisionError, approvedThreshold, matcherIdentity, type FaceDecision } from '../../face/decision';
import { FaceClient } from '../../face/face-client';
import type { StillImage } from '../../face/face-protocol';
import { FaceSession } from '../../face/face-session';
import { DEFAULT_CAMERA_POLICY } from '../../face/liveness';
import { CameraStartError, firstFrame, openCameraWithGrace } from '../camera/camera-start';
import { ScreenFrame } from '../components/screen-frame';
import { fire, useHost } from '../host/host-context';

type FaceState = Extract<ScreenState, { screen: 'face' }>;
type Phase = 'starting' | 'running' | 'countdown' | 'deciding' | 'camera-error' | 'portrait-error' | 'matcher-error';

/** Give up collecting frames after this long and decide on what there is. */
const CAPTURE_LIMIT_MS = 25_000;
const COUNTDOWN_S = 3;
const MIN_SCORED_FRAMES = 3;

function stillImage(reference: FaceReference): StillImage {
  const bytes = Uint8Array.from(atob(reference.data), (c) => c.charCodeAt(0));
  return reference.format === 'rgba'
    ? { kind: 'rgba', width: reference.width, height: reference.height, rgba: bytes.buffer }
    : { kind: 'encoded', bytes: bytes.buffer };
}

/** Only the decision crosses to the host: matcher identity, score, threshold, liveness, frame count. */
function toContract(decision: FaceDecision): ContractFaceDecision {
  return {
    matcher: { ...decision.matcher },
    score: decision.score,
    threshold: decision.threshold,
    liveness: { ...decision.liveness },
    capture: { frames: decision.capture.frames, camera: decision.capture.camera.slice(0, 200) },
  };
}

/** Live preview, face guide, quality guidance and liveness prompts, countdown; the match runs in the face worker. */
export function FaceScreen({ state }: { state: FaceState }) {
  const { t } = useTranslation();
  const host = useHost();
  const video = useRef<HTMLVideoElement>(null);
  const [phase, setPhase] = useState<Phase>('starting');
  const [prompt, setPrompt] = useState<string | null>(null);
  const [qualityOk, setQualityOk] = useState(false);
  const [count, setCount] = useState(COUNTDOWN_S);

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | undefined;
    let client: FaceClient | undefined;
    let session: FaceSession | undefined;
    setPhase('starting');
    setPrompt(null);

    const element = video.current!;
    const stopStream = (s: MediaStream | undefined) => {
      for (const t of s?.getTracks() ?? []) t.stop();
    };
    /**
     * Opens the camera and waits for its first frame, retrying within the grace: a camera still
     * starting is waited for, only one still missing after the grace is reported lost.
     */
    const openCamera = async (): Promise<MediaStream | null> => {
      const opened = await openCameraWithGrace<MediaStream>({
        attempt: async (frameBudgetMs) => {
          const candidate = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
          // Held in `stream` at once, so leaving the screen stops it even while its first frame is awaited.
          stream = candidate;
          if (stopped) {
            stopStream(candidate);
            throw new CameraStartError('ended', 'face step left while the camera opened');
          }
          try {
            element.srcObject = candidate;
            await element.play().catch(() => undefined);
            await firstFrame(element, candidate.getVideoTracks()[0]!, frameBudgetMs);
            return candidate;
          } catch (error) {
            stopStream(candidate);
            if (stream === candidate) stream = undefined;
            element.srcObject = null;
            throw error;
          }
        },
        now: () => performance.now(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        cancelled: () => stopped,
      });
      if (opened.kind === 'open') return opened.stream;
      if (opened.kind === 'unavailable') {
        console.warn('camera unavailable after its start grace', opened.failure);
        setPhase('camera-error');
        fire(host.sessionDeviceFault('camera-lost'));
      }
      return null;
    };

    const run = async () => {
      const first = await openCamera();
      if (!first || stopped) return;
      let track = first.getVideoTracks()[0]!;

      client = FaceClient.start();
      await client.request({ op: 'init', modelsBase: new URL('./models/', window.location.href).href, delegate: 'CPU' });
      const { matcher: manifest } = await client.request({ op: 'info' });
      // target_fmr only labels the local decision; the host attests the session policy's own value.
      const policy = { target_fmr: 1e-4, matchers: state.matchers, liveness_required: state.livenessRequired };
      try {
        approvedThreshold(policy, manifest);
      } catch {
        setPhase('matcher-error');
        return;
      }
      const { allow } = await host.sessionCameraPolicy();
      session = new FaceSession(client, { policy, manifest, camera: { label: track.label || 'camera' }, cameraPolicy: { ...DEFAULT_CAMERA_POLICY, allow } });
      try {
        await session.setReference(stillImage(await host.sessionFaceReference()));
      } catch (error) {
        console.warn('chip portrait refused by the face pipeline', error);
        setPhase('portrait-error');
        return;
      }
      if (stopped) return;
      setPhase('running');

      const started = performance.now();
      let readyAt: number | null = null;
      let scored = 0;
      while (!stopped) {
        if (track.readyState === 'ended') {
          // The camera dropped out mid-capture (driver reset, cable): it gets the same grace to come back.
          stopStream(stream);
          setPhase('starting');
          const again = await openCamera();
          if (!again || stopped) return;
          track = again.getVideoTracks()[0]!;
          setPhase('running');
        }
        const bitmap = await createImageBitmap(element);
        const outcome = await session.frame(bitmap, performance.now());
        if (stopped) return;
        setPrompt(outcome.prompt);
        setQualityOk(outcome.report.quality.ok);
        if (outcome.report.score !== undefined) scored += 1;
        // A failed challenge ends the attempt as soon as there are frames to score: the host
        // judges it (not live) and decides on a retry, without the citizen waiting for nothing.
        if ((outcome.ready || (outcome.challenge.failure !== null && scored >= MIN_SCORED_FRAMES)) && readyAt === null) readyAt = performance.now();
        if (readyAt !== null) {
          const left = COUNTDOWN_S - Math.floor((performance.now() - readyAt) / 1000);
          setPhase('countdown');
          setCount(Math.max(0, left));
          if (left <= 0) break;
        }
        if (performance.now() - started > CAPTURE_LIMIT_MS) break;
        await new Promise((r) => requestAnimationFrame(r));
      }
      if (stopped) return;
      setPhase('deciding');
      let decision: ContractFaceDecision;
      try {
        decision = toContract(await session.finish());
      } catch (error) {
        if (!(error instanceof DecisionError)) throw error;
        // Too few good frames: an attempt that failed liveness, judged by the host like any other.
        const entry = approvedThreshold(policy, manifest);
        decision = {
          matcher: matcherIdentity(manifest),
          score: 0,
          threshold: entry.threshold,
          liveness: { method: 'challenge-blink-turn+planarity', result: 'not-live', score: 0 },
          capture: { frames: 0, camera: (track.label || 'camera').slice(0, 200) },
        };
      }
      await session.end();
      fire(host.sessionFaceDecision(decision));
    };

    run().catch((error: unknown) => {
      console.warn('face capture failed', error);
      if (!stopped) setPhase('camera-error');
    });
    return () => {
      stopped = true;
      void session?.end().catch(() => undefined);
      client?.terminate();
      stopStream(stream);
    };
    // One capture per attempt of one session.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.session, state.attempt]);

  const error = phase === 'camera-error' ? 'face.cameraError' : phase === 'portrait-error' ? 'face.portraitError' : phase === 'matcher-error' ? 'face.matcherNotApproved' : null;
  const shown = error ?? (phase === 'starting' ? 'face.starting' : phase === 'deciding' ? 'face.challenge.done' : (prompt ?? 'face.guidance.holdStill'));
  return (
    <ScreenFrame name="face" title={t('face.title')} onCancel={() => fire(host.sessionCancel())}>
      <p className="muted">{t('face.attempt', { attempt: state.attempt, max: state.maxAttempts })}</p>
      {state.lastOutcome && <p className="error" role="alert">{t(`face.again.${state.lastOutcome}`)}</p>}
      <div className={`camera-frame${qualityOk ? ' quality-ok' : ''}`}>
        <video ref={video} className="camera-preview" muted playsInline aria-label={t('face.previewLabel')} />
        <div className="face-guide" aria-hidden="true" />
        {phase === 'countdown' && <div className="countdown" aria-hidden="true">{count}</div>}
      </div>
      <p className={`face-prompt${error ? ' error' : ''}`} role="status" aria-live="polite" data-testid="face-prompt">
        {phase === 'countdown' ? t('face.countdown', { seconds: count }) : t(shown)}
      </p>
    </ScreenFrame>
  );
}
