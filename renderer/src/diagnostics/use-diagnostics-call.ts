import { useCallback, useEffect, useRef, useState } from 'react';
import { HostCallError } from '../host/host-api';

export type CallState<T> =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; value: T }
  | { status: 'error'; code: string; message: string };

/**
 * One diagnostics call with its loading and error state. A closed diagnostics session (the host
 * timed it out) ends diagnostics for the screen too, through `onSessionClosed`.
 */
export function useDiagnosticsCall<T>(call: () => Promise<T>, onSessionClosed: () => void, options: { auto?: boolean } = {}) {
  const [state, setState] = useState<CallState<T>>(options.auto ? { status: 'loading' } : { status: 'idle' });
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);
  const run = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      const value = await call();
      if (live.current) setState({ status: 'done', value });
    } catch (error) {
      if (error instanceof HostCallError && error.code === 'diagnostics-session-required') {
        onSessionClosed();
        return;
      }
      const code = error instanceof HostCallError ? error.code : 'internal';
      if (live.current) setState({ status: 'error', code, message: error instanceof Error ? error.message : String(error) });
    }
  }, [call, onSessionClosed]);
  useEffect(() => {
    if (options.auto) void run();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- run once on mount for auto panels
  }, []);
  return { state, run };
}
