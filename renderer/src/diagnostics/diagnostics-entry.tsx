import { useCallback, useEffect, useRef, useState } from 'react';
import type { Host } from '../host/host-api';
import { DiagnosticsScreen } from './diagnostics-screen';
import { drifted, inHotspot, LONG_PRESS_MS, type PressStart } from './long-press';
import { PinPad } from './pin-pad';
import './diagnostics.css';

type Stage = { kind: 'hidden' } | { kind: 'pin' } | { kind: 'open'; token: string; idleTimeoutMs: number };

/**
 * The hidden entry to diagnostics, mounted beside the citizen app: an invisible corner hotspot;
 * a 3-second press opens the technician PIN pad; the right PIN opens the diagnostics screen over
 * everything (opaque, so no citizen screen shows through).
 */
export function DiagnosticsEntry({ host }: { host: Host }) {
  const [stage, setStage] = useState<Stage>({ kind: 'hidden' });
  const press = useRef<PressStart | undefined>(undefined);
  const timer = useRef<number | undefined>(undefined);

  const cancelPress = useCallback(() => {
    press.current = undefined;
    window.clearTimeout(timer.current);
  }, []);

  useEffect(() => {
    if (stage.kind !== 'hidden') return;
    const down = (event: PointerEvent) => {
      if (!inHotspot(event.clientX, event.clientY)) return;
      press.current = { x: event.clientX, y: event.clientY, at: performance.now() };
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => {
        press.current = undefined;
        setStage({ kind: 'pin' });
      }, LONG_PRESS_MS);
    };
    const move = (event: PointerEvent) => {
      if (press.current && drifted(press.current, event.clientX, event.clientY)) cancelPress();
    };
    window.addEventListener('pointerdown', down, { capture: true });
    window.addEventListener('pointermove', move, { capture: true });
    window.addEventListener('pointerup', cancelPress, { capture: true });
    window.addEventListener('pointercancel', cancelPress, { capture: true });
    return () => {
      cancelPress();
      window.removeEventListener('pointerdown', down, { capture: true });
      window.removeEventListener('pointermove', move, { capture: true });
      window.removeEventListener('pointerup', cancelPress, { capture: true });
      window.removeEventListener('pointercancel', cancelPress, { capture: true });
    };
  }, [stage.kind, cancelPress]);

  return (
    <>
      {/* The hotspot is a visual no-op; it only marks the corner for tests and assistive tech stays unaware. */}
      <div className="diagnostics-hotspot" data-testid="diagnostics-hotspot" aria-hidden="true" />
      {stage.kind === 'pin' && (
        <PinPad
          host={host}
          onOpen={(token, idleTimeoutMs) => {
            // A citizen session left running under diagnostics is ended: its data is wiped, not hidden.
            host.sessionCancel().catch(() => undefined);
            setStage({ kind: 'open', token, idleTimeoutMs });
          }}
          onCancel={() => setStage({ kind: 'hidden' })}
        />
      )}
      {stage.kind === 'open' && (
        <DiagnosticsScreen host={host} token={stage.token} idleTimeoutMs={stage.idleTimeoutMs} onClosed={() => setStage({ kind: 'hidden' })} />
      )}
    </>
  );
}
