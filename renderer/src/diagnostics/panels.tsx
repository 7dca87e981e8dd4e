import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { TraceLine } from '../../../electron/common/diagnostics-contract';
import { useTranslation } from 'react-i18next';
import type { Host } from '../host/host-api';
import { useDiagnosticsCall, type CallState } from './use-diagnostics-call';

export interface PanelProps {
  host: Host;
  token: string;
  onSessionClosed: () => void;
}

function Outcome<T>({ state, children }: { state: CallState<T>; children: (value: T) => ReactNode }) {
  const { t } = useTranslation('diagnostics');
  if (state.status === 'idle') return null;
  if (state.status === 'loading') return <p className="diag-muted" aria-busy="true">{t('common.loading')}</p>;
  if (state.status === 'error') {
    return (
      <p className="diag-error" role="alert" data-testid="diag-error">
        {state.code === 'diagnostics-unavailable' ? t('common.unavailable', { message: state.message }) : t('common.error', { message: state.message, code: state.code })}
      </p>
    );
  }
  return <>{children(state.value)}</>;
}

function Facts({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="diag-facts">
      {rows.map(([label, value]) => (
        <div key={label} className="diag-fact">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function useYesNo() {
  const { t } = useTranslation('diagnostics');
  return (value: boolean | null | undefined) => (value === null || value === undefined ? t('common.unknown') : value ? t('common.yes') : t('common.no'));
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

export function DevicesPanel({ host, token, onSessionClosed }: PanelProps) {
  const { t } = useTranslation('diagnostics');
  const yesNo = useYesNo();
  const call = useCallback(() => host.diagnosticsDevices(token), [host, token]);
  const { state, run } = useDiagnosticsCall(call, onSessionClosed, { auto: true });
  return (
    <>
      <div className="diag-actions">
        <button type="button" className="diag-button" onClick={() => void run()}>{t('common.refresh')}</button>
      </div>
      <Outcome state={state}>
        {(d) => (
          <>
            <h2>{t('devices.configuredReader')}</h2>
            <Facts
              rows={[
                ['URI', <code data-testid="diag-reader-uri">{d.reader.uri}</code>],
                [t('devices.type'), t(`devices.kind.${d.reader.kind}`)],
                [t('devices.present'), <span data-testid="diag-reader-present">{yesNo(d.reader.present)}</span>],
                [t('devices.mrzScanner'), d.mrzScanner ?? t('devices.notConfigured')],
              ]}
            />
            <h2>{t('devices.serial')} ({d.serial.length})</h2>
            {d.serial.length === 0 ? (
              <p className="diag-muted">{t('common.none')}</p>
            ) : (
              <table className="diag-table">
                <thead>
                  <tr><th>{t('devices.path')}</th><th>{t('devices.vendor')}</th><th>{t('devices.manufacturer')}</th></tr>
                </thead>
                <tbody>
                  {d.serial.map((p) => (
                    <tr key={p.path}><td><code>{p.path}</code></td><td>{p.vendorId ? `${p.vendorId}:${p.productId ?? ''}` : '—'}</td><td>{p.manufacturer ?? '—'}</td></tr>
                  ))}
                </tbody>
              </table>
            )}
            <h2>{t('devices.hid')} ({d.hid.length})</h2>
            {d.hid.length === 0 ? (
              <p className="diag-muted">{t('common.none')}</p>
            ) : (
              <table className="diag-table">
                <thead>
                  <tr><th>{t('devices.vendor')}</th><th>{t('devices.product')}</th><th>{t('devices.manufacturer')}</th></tr>
                </thead>
                <tbody>
                  {d.hid.map((h, i) => (
                    <tr key={`${h.path ?? ''}-${i}`}><td><code>{hex4(h.vendorId)}:{hex4(h.productId)}</code></td><td>{h.product ?? '—'}</td><td>{h.manufacturer ?? '—'}</td></tr>
                  ))}
                </tbody>
              </table>
            )}
            {d.errors.map((e) => (
              <p key={e.source} className="diag-warning">{t('devices.enumerationFailed', { source: e.source.toUpperCase(), message: e.message })}</p>
            ))}
          </>
        )}
      </Outcome>
    </>
  );
}

function formatTrace(lines: TraceLine[]): string {
  return lines
    .map((l) => `${String(l.t).padStart(5)} ms  ${l.direction === 'command' ? '>>' : l.direction === 'response' ? '<<' : '--'}  ${l.label}${l.hex ? `\n                ${l.hex}` : ''}`)
    .join('\n');
}

export function ReaderPanel({ host, token, onSessionClosed }: PanelProps) {
  const { t } = useTranslation('diagnostics');
  const yesNo = useYesNo();
  const call = useCallback(() => host.diagnosticsReaderTest(token), [host, token]);
  const { state, run } = useDiagnosticsCall(call, onSessionClosed);
  // The trace arrives line by line while the test runs (a slow reader shows where it stalls).
  const [live, setLive] = useState<TraceLine[]>([]);
  const running = state.status === 'loading';
  useEffect(() => {
    if (!running) return;
    setLive([]);
    return host.onEvent('diagnosticsTrace', (line) => setLive((lines) => [...lines, line]));
  }, [host, running]);
  return (
    <>
      <div className="diag-actions">
        <button type="button" className="diag-button primary" data-testid="diag-reader-run" disabled={state.status === 'loading'} onClick={() => void run()}>
          {state.status === 'loading' ? t('reader.running') : t('reader.run')}
        </button>
      </div>
      {running && (
        <>
          <h2>{t('reader.trace')}</h2>
          <pre className="diag-trace" data-testid="diag-trace-live">{formatTrace(live)}</pre>
        </>
      )}
      <Outcome state={state}>
        {(r) => (
          <>
            <Facts
              rows={[
                [t('reader.connected'), yesNo(r.connected)],
                [t('reader.cardPresent'), yesNo(r.cardPresent)],
                ...(r.atr
                  ? ([
                      [t('reader.atr'), <code data-testid="diag-atr">{r.atr.hex}</code>],
                      [t('reader.protocols'), r.atr.protocols.map((p) => `T=${p}`).join(', ')],
                      [t('reader.historical'), <code>{r.atr.historicalBytes || '—'}</code>],
                    ] as Array<[string, ReactNode]>)
                  : []),
              ]}
            />
            {r.error && <p className="diag-error" role="alert">{t('common.error', { message: r.error.message, code: r.error.code })}</p>}
            {r.connected && r.cardPresent === false && <p className="diag-muted">{t('reader.noCard')}</p>}
            {r.testRead.length > 0 && (
              <>
                <h2>{t('reader.testRead')}</h2>
                <table className="diag-table">
                  <tbody>
                    {r.testRead.map((c) => (
                      <tr key={c.command}><td>{c.command}</td><td><code>{c.sw}</code></td><td>{t(`reader.sw.${c.sw}`, { defaultValue: c.meaning })}</td></tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
            <h2>{t('reader.trace')}</h2>
            <pre className="diag-trace" data-testid="diag-trace">
              {formatTrace(r.trace)}
            </pre>
            <p className="diag-muted">{t('reader.duration', { ms: r.durationMs })}</p>
          </>
        )}
      </Outcome>
    </>
  );
}

export function MrzPanel({ host, token, onSessionClosed }: PanelProps) {
  const { t } = useTranslation('diagnostics');
  const yesNo = useYesNo();
  const call = useCallback(() => host.diagnosticsMrzTest(token), [host, token]);
  const { state, run } = useDiagnosticsCall(call, onSessionClosed);
  return (
    <>
      <p className="diag-muted">{t('mrz.privacy')}</p>
      <div className="diag-actions">
        <button type="button" className="diag-button primary" data-testid="diag-mrz-run" disabled={state.status === 'loading'} onClick={() => void run()}>
          {state.status === 'loading' ? t('mrz.running') : t('mrz.run')}
        </button>
      </div>
      <Outcome state={state}>
        {(m) => (
          <>
            <p className={m.status === 'ok' ? 'diag-ok' : 'diag-warning'} data-testid="diag-mrz-status">{t(`mrz.status.${m.status}`)}</p>
            {m.status !== 'not-configured' && (
              <Facts rows={[[t('mrz.format'), m.format ?? '—'], [t('mrz.lines'), String(m.lineCount)], [t('mrz.checkDigits'), yesNo(m.checkDigitsValid)]]} />
            )}
            {m.message && <p className="diag-muted">{m.message}</p>}
          </>
        )}
      </Outcome>
    </>
  );
}

export function AuthorityPanel({ host, token, onSessionClosed }: PanelProps) {
  const { t } = useTranslation('diagnostics');
  const yesNo = useYesNo();
  const statusCall = useCallback(() => host.diagnosticsAuthority(token), [host, token]);
  const status = useDiagnosticsCall(statusCall, onSessionClosed, { auto: true });
  const [enrollmentToken, setEnrollmentToken] = useState('');
  const [name, setName] = useState('');
  const enrollCall = useCallback(() => host.diagnosticsEnroll(token, { enrollmentToken, name }), [host, token, enrollmentToken, name]);
  const enroll = useDiagnosticsCall(enrollCall, onSessionClosed);
  const shown = enroll.state.status === 'done' ? enroll.state : status.state;
  return (
    <>
      <div className="diag-actions">
        <button type="button" className="diag-button" onClick={() => void status.run()}>{t('common.refresh')}</button>
      </div>
      <Outcome state={shown}>
        {(a) => (
          <>
            <Facts
              rows={[
                [t('authority.url'), <code>{a.url}</code>],
                [t('authority.enrolled'), <span data-testid="diag-enrolled">{yesNo(a.enrolled)}</span>],
                [t('authority.terminalId'), a.terminalId ?? '—'],
                [t('authority.authorityId'), a.authorityId ?? '—'],
                [t('authority.reachable'), yesNo(a.reachable)],
                [
                  t('authority.clockSkew'),
                  a.clockSkewSeconds === null ? '—' : `${t('authority.seconds', { value: a.clockSkewSeconds })} (${a.clockWithinAllowance ? t('authority.withinAllowance') : t('authority.outsideAllowance')})`,
                ],
              ]}
            />
            {a.error && <p className="diag-warning">{a.error.code === 'diagnostics-unavailable' ? t('common.unavailable', { message: a.error.message }) : t('common.error', { message: a.error.message, code: a.error.code })}</p>}
            {enroll.state.status === 'done' && <p className="diag-ok">{t('authority.enrolledOk')}</p>}
            {!a.enrolled && (
              <form
                className="diag-form"
                onSubmit={(event) => {
                  event.preventDefault();
                  void enroll.run();
                }}
              >
                <h2>{t('authority.enrollTitle')}</h2>
                <label>
                  {t('authority.enrollToken')}
                  <input value={enrollmentToken} onChange={(e) => setEnrollmentToken(e.target.value)} autoComplete="off" spellCheck={false} data-testid="diag-enroll-token" />
                </label>
                <label>
                  {t('authority.enrollName')}
                  <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} />
                </label>
                <button type="submit" className="diag-button primary" disabled={enroll.state.status === 'loading' || enrollmentToken.length < 8 || name.length === 0}>
                  {enroll.state.status === 'loading' ? t('authority.enrolling') : t('authority.enroll')}
                </button>
                {enroll.state.status === 'error' && <p className="diag-error" role="alert">{t('common.error', { message: enroll.state.message, code: enroll.state.code })}</p>}
              </form>
            )}
          </>
        )}
      </Outcome>
    </>
  );
}

export function QueuesPanel({ host, token, onSessionClosed }: PanelProps) {
  const { t } = useTranslation('diagnostics');
  const queuesCall = useCallback(() => host.diagnosticsQueues(token), [host, token]);
  const queues = useDiagnosticsCall(queuesCall, onSessionClosed, { auto: true });
  const retryCall = useCallback(() => host.diagnosticsRetryOutbox(token), [host, token]);
  const retry = useDiagnosticsCall(retryCall, onSessionClosed);
  const verifyCall = useCallback(() => host.diagnosticsVerifyAudit(token), [host, token]);
  const verify = useDiagnosticsCall(verifyCall, onSessionClosed);
  return (
    <>
      <div className="diag-actions">
        <button type="button" className="diag-button" onClick={() => void queues.run()}>{t('common.refresh')}</button>
      </div>
      <Outcome state={queues.state}>
        {(q) => (
          <>
            <h2>{t('queues.outbox')}</h2>
            {q.outbox ? (
              <>
                <div className="diag-counters" data-testid="diag-outbox">
                  {(['pending', 'delivered', 'rejected', 'expired'] as const).map((k) => (
                    <div key={k} className={`diag-counter ${k}`}>
                      <span className="diag-counter-value">{q.outbox![k]}</span>
                      <span>{t(`queues.${k}`)}</span>
                    </div>
                  ))}
                </div>
                {q.outbox.recentProblems.length > 0 && (
                  <>
                    <h3>{t('queues.problems')}</h3>
                    <table className="diag-table">
                      <tbody>
                        {q.outbox.recentProblems.map((p) => (
                          <tr key={p.jti}><td><code>{p.jti.slice(0, 8)}…</code></td><td>{p.state}</td><td>{p.problem ?? '—'}</td><td>{p.at ?? '—'}</td></tr>
                        ))}
                      </tbody>
                    </table>
                  </>
                )}
                <div className="diag-actions">
                  <button type="button" className="diag-button primary" onClick={() => void retry.run()}>{t('queues.retry')}</button>
                </div>
                <Outcome state={retry.state}>{(r) => <p className="diag-ok">{t('queues.retried', { count: r.madeDue })}</p>}</Outcome>
              </>
            ) : (
              <p className="diag-muted">{t('common.unavailable', { message: t('queues.outbox') })}</p>
            )}
            <h2>{t('queues.audit')}</h2>
            {q.audit ? (
              <>
                <Facts rows={[[t('queues.treeSize'), String(q.audit.treeSize)], [t('queues.root'), <code className="diag-wrap">{q.audit.root}</code>]]} />
                <div className="diag-actions">
                  <button type="button" className="diag-button primary" onClick={() => void verify.run()}>{t('queues.verify')}</button>
                </div>
                <Outcome state={verify.state}>
                  {(v) =>
                    v.ok ? (
                      <p className="diag-ok">{t('queues.verifyOk', { size: v.treeSize, checkpoints: v.checkpoints })}</p>
                    ) : (
                      <div className="diag-error" role="alert">
                        <p>{t('queues.verifyFailed')}</p>
                        <ul>{v.problems.map((p) => <li key={p}>{p}</li>)}</ul>
                      </div>
                    )
                  }
                </Outcome>
              </>
            ) : (
              <p className="diag-muted">{t('common.unavailable', { message: t('queues.audit') })}</p>
            )}
          </>
        )}
      </Outcome>
    </>
  );
}

export function LogsPanel({ host, token, onSessionClosed }: PanelProps) {
  const { t } = useTranslation('diagnostics');
  const logsCall = useCallback(() => host.diagnosticsLogs(token), [host, token]);
  const logs = useDiagnosticsCall(logsCall, onSessionClosed, { auto: true });
  const exportCall = useCallback(() => host.diagnosticsExportLogs(token), [host, token]);
  const exported = useDiagnosticsCall(exportCall, onSessionClosed);
  return (
    <>
      <div className="diag-actions">
        <button type="button" className="diag-button" onClick={() => void logs.run()}>{t('common.refresh')}</button>
        <button type="button" className="diag-button primary" onClick={() => void exported.run()}>{t('logs.export')}</button>
      </div>
      <Outcome state={exported.state}>{(e) => <p className="diag-ok">{t('logs.exported', { lines: e.lines, file: e.file })}</p>}</Outcome>
      <Outcome state={logs.state}>
        {(l) => (
          <>
            <h2>{t('logs.recent', { shown: l.lines.length, total: l.total })}</h2>
            {l.lines.length === 0 ? <p className="diag-muted">{t('logs.empty')}</p> : <pre className="diag-trace diag-logs">{l.lines.join('\n')}</pre>}
          </>
        )}
      </Outcome>
    </>
  );
}

export function ConfigurationPanel({ host, token, onSessionClosed }: PanelProps) {
  const { t } = useTranslation('diagnostics');
  const call = useCallback(() => host.diagnosticsConfiguration(token), [host, token]);
  const { state } = useDiagnosticsCall(call, onSessionClosed, { auto: true });
  return (
    <Outcome state={state}>
      {(c) => (
        <>
          <h2>{t('configuration.policy')}</h2>
          {c.policy ? (
            <>
              <Facts rows={[[t('configuration.policyVersion'), c.policy.policyVersion], [t('configuration.targetFmr'), c.policy.targetFmr === null ? '—' : String(c.policy.targetFmr)]]} />
              <table className="diag-table">
                <thead><tr><th>{t('configuration.matcher')}</th><th>{t('configuration.threshold')}</th></tr></thead>
                <tbody>
                  {c.policy.matchers.map((m) => (
                    <tr key={`${m.name}@${m.version}`}><td>{m.name} {m.version}</td><td>{m.threshold}</td></tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <p className="diag-muted">{t('configuration.noPolicy')}</p>
          )}
          <h2>{t('configuration.entries')}</h2>
          <table className="diag-table diag-config" data-testid="diag-config">
            <tbody>
              {c.entries.map((e) => (
                <tr key={e.key}><td><code>{e.key}</code></td><td><code className="diag-wrap">{e.value}</code></td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Outcome>
  );
}
