import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DiagnosticsEnterResult } from '../../../electron/common/diagnostics-contract';
import type { Host } from '../host/host-api';
import { formatDuration } from './long-press';
import { wrongPinsUntilLock } from './pin-warning';

const MAX_DIGITS = 12;
/** The PIN pad itself closes if nobody touches it. */
const PAD_IDLE_MS = 30_000;

type Message = { kind: 'none' } | { kind: 'result'; result: Exclude<DiagnosticsEnterResult, { status: 'open' }>; at: number } | { kind: 'failed' };

export function PinPad({ host, onOpen, onCancel }: { host: Host; onOpen: (token: string, idleTimeoutMs: number) => void; onCancel: () => void }) {
  const { t } = useTranslation('diagnostics');
  const [digits, setDigits] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>({ kind: 'none' });
  const [now, setNow] = useState(() => Date.now());
  const [lastTouch, setLastTouch] = useState(() => Date.now());

  useEffect(() => {
    const tick = window.setInterval(() => setNow(Date.now()), 500);
    return () => window.clearInterval(tick);
  }, []);
  useEffect(() => {
    if (now - lastTouch > PAD_IDLE_MS) onCancel();
  }, [now, lastTouch, onCancel]);

  const lockedFor = message.kind === 'result' && message.result.status === 'locked' ? message.result.retryAfterMs - (now - message.at) : 0;
  const locked = lockedFor > 0;

  const press = (key: string) => {
    setLastTouch(Date.now());
    if (key === 'clear') setDigits('');
    else if (key === 'back') setDigits((d) => d.slice(0, -1));
    else setDigits((d) => (d.length < MAX_DIGITS ? d + key : d));
  };

  const submit = async () => {
    setLastTouch(Date.now());
    setBusy(true);
    try {
      const result = await host.diagnosticsEnter(digits);
      setDigits('');
      if (result.status === 'open') onOpen(result.token, result.idleTimeoutMs);
      else setMessage({ kind: 'result', result, at: Date.now() });
    } catch {
      setMessage({ kind: 'failed' });
    } finally {
      setBusy(false);
    }
  };

  let text = t('pin.prompt');
  let tone = '';
  if (busy) text = t('pin.checking');
  else if (message.kind === 'failed') [text, tone] = [t('pin.failed'), 'danger'];
  else if (message.kind === 'result') {
    const r = message.result;
    if (r.status === 'wrong-pin') [text, tone] = [t('pin.wrongLeft', { count: wrongPinsUntilLock(r.attemptsBeforeLock) }), 'danger'];
    else if (r.status === 'not-configured') [text, tone] = [t('pin.notConfigured'), 'warn'];
    else if (locked) [text, tone] = [t('pin.locked', { time: formatDuration(lockedFor) }), 'danger'];
  }

  const key = (k: string, label: string, aria?: string) => (
    <button key={k} type="button" className="diag-key" data-key={k} aria-label={aria ?? label} disabled={busy || locked} onClick={() => press(k)}>
      {label}
    </button>
  );

  return (
    <div className="diagnostics-overlay pin-overlay" role="dialog" aria-modal="true" aria-labelledby="diag-pin-title">
      <div className="pin-panel">
        <h1 id="diag-pin-title">{t('pin.title')}</h1>
        <p className={`pin-message ${tone}`} role="status" data-testid="pin-message">
          {text}
        </p>
        <div className="pin-dots" data-testid="pin-dots" aria-label={`${digits.length}`}>
          {Array.from({ length: Math.max(6, digits.length) }, (_, i) => (
            <span key={i} className={i < digits.length ? 'dot filled' : 'dot'} />
          ))}
        </div>
        <div className="diag-keypad" role="group" aria-label={t('pin.title')}>
          {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => key(d, d))}
          {key('clear', t('pin.clear'))}
          {key('0', '0')}
          {key('back', '⌫', t('pin.delete'))}
        </div>
        <div className="pin-actions">
          <button type="button" className="diag-button secondary" onClick={onCancel}>
            {t('pin.cancel')}
          </button>
          <button type="button" className="diag-button primary" data-testid="pin-enter" disabled={busy || locked || digits.length < 6} onClick={() => void submit()}>
            {t('pin.enter')}
          </button>
        </div>
      </div>
    </div>
  );
}
