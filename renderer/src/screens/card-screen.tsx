import { useTranslation } from 'react-i18next';
import type { ScreenState } from '../../../electron/common/session-state';
import { ScreenFrame } from '../components/screen-frame';
import { fire, useHost } from '../host/host-context';

type CardState = Extract<ScreenState, { screen: 'card' }>;

/** Place your card: animated guidance, a progress bar driven by the bytes actually read, resume after a lift. */
export function CardScreen({ state }: { state: CardState }) {
  const { t } = useTranslation();
  const host = useHost();
  const percent = state.progress ? Math.floor((state.progress.bytesRead / state.progress.bytesTotal) * 100) : 0;
  const message = t(`card.${state.phase}`);
  return (
    <ScreenFrame name="card" title={t('card.title')} onCancel={() => fire(host.sessionCancel())}>
      <div className={`card-illustration phase-${state.phase}`} aria-hidden="true">
        <div className="reader-pad" />
        <div className="id-card">
          <div className="id-card-photo" />
          <div className="id-card-lines" />
        </div>
      </div>
      <p className={`card-message${state.phase === 'removed' ? ' warning' : ''}`} role={state.phase === 'removed' ? 'alert' : 'status'} data-testid="card-message">
        {message}
      </p>
      <div className="progress" role="progressbar" aria-label={t('card.progressLabel')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} data-testid="card-progress">
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      {state.progress && <p className="muted">{t('card.progress', { percent })}</p>}
    </ScreenFrame>
  );
}
