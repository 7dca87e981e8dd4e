import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Host } from '../host/host-api';
import { formatDuration } from './long-press';
import { AuthorityPanel, ConfigurationPanel, DevicesPanel, LogsPanel, MrzPanel, QueuesPanel, ReaderPanel, type PanelProps } from './panels';

const TABS = ['devices', 'reader', 'mrz', 'authority', 'queues', 'logs', 'configuration'] as const;
type Tab = (typeof TABS)[number];
/** Touches keep the host's session alive at most this often. */
const KEEPALIVE_MS = 10_000;

/**
 * The technician's screen: one tab per panel. It closes itself (and tells the host why) when
 * nobody touches it for the configured idle time; the host enforces the same limit on its side.
 */
export function DiagnosticsScreen({ host, token, idleTimeoutMs, onClosed }: { host: Host; token: string; idleTimeoutMs: number; onClosed: () => void }) {
  const { t } = useTranslation('diagnostics');
  const [tab, setTab] = useState<Tab>('devices');
  const [now, setNow] = useState(() => Date.now());
  const lastActivity = useRef(Date.now());
  const lastKeepalive = useRef(Date.now());
  const closed = useRef(false);

  const close = useCallback(
    (reason: 'technician' | 'inactivity') => {
      if (closed.current) return;
      closed.current = true;
      host.diagnosticsExit(token, reason).catch(() => undefined);
      onClosed();
    },
    [host, token, onClosed],
  );
  const sessionClosed = useCallback(() => {
    closed.current = true;
    onClosed();
  }, [onClosed]);

  useEffect(() => {
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(tick);
  }, []);
  const remaining = lastActivity.current + idleTimeoutMs - now;
  useEffect(() => {
    if (remaining <= 0) close('inactivity');
  }, [remaining, close]);

  const onActivity = () => {
    const at = Date.now();
    lastActivity.current = at;
    setNow(at);
    if (at - lastKeepalive.current >= KEEPALIVE_MS) {
      lastKeepalive.current = at;
      host.diagnosticsStatus(token).catch(() => sessionClosed());
    }
  };

  const props: PanelProps = { host, token, onSessionClosed: sessionClosed };
  return (
    <div className="diagnostics-overlay" role="dialog" aria-modal="true" aria-labelledby="diag-title" onPointerDownCapture={onActivity} onKeyDownCapture={onActivity} data-testid="diagnostics-screen">
      <header className="diag-header">
        <div>
          <h1 id="diag-title">{t('title')}</h1>
          <p className="diag-subtitle">{t('subtitle')}</p>
        </div>
        <div className="diag-header-actions">
          <span className="diag-countdown" data-testid="diag-countdown">
            {t('closesIn', { time: formatDuration(remaining) })}
          </span>
          <button type="button" className="diag-button secondary" data-testid="diag-exit" onClick={() => close('technician')}>
            {t('exit')}
          </button>
        </div>
      </header>
      <nav className="diag-tabs" role="tablist">
        {TABS.map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} className={tab === name ? 'diag-tab active' : 'diag-tab'} data-testid={`diag-tab-${name}`} onClick={() => setTab(name)}>
            {t(`tabs.${name}`)}
          </button>
        ))}
      </nav>
      <section className="diag-panel" role="tabpanel" data-testid={`diag-panel-${tab}`}>
        {tab === 'devices' && <DevicesPanel {...props} />}
        {tab === 'reader' && <ReaderPanel {...props} />}
        {tab === 'mrz' && <MrzPanel {...props} />}
        {tab === 'authority' && <AuthorityPanel {...props} />}
        {tab === 'queues' && <QueuesPanel {...props} />}
        {tab === 'logs' && <LogsPanel {...props} />}
        {tab === 'configuration' && <ConfigurationPanel {...props} />}
      </section>
    </div>
  );
}
