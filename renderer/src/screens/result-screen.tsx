import { useTranslation } from 'react-i18next';
import type { ScreenState } from '../../../electron/common/session-state';
import { ScreenFrame } from '../components/screen-frame';
import { fire, useHost } from '../host/host-context';

type ResultState = Extract<ScreenState, { screen: 'result' }>;

/** Success with the receipt, queued-until-online, failure with reason and next step, or referral to staff. */
export function ResultScreen({ state }: { state: ResultState }) {
  const { t } = useTranslation();
  const host = useHost();
  const done = (
    <button type="button" className="touch-button" onClick={() => fire(host.sessionCancel())}>
      {t('common.done')}
    </button>
  );
  switch (state.outcome) {
    case 'success':
      return (
        <ScreenFrame name="result-success" title={t('result.success.title')} actions={done}>
          <div className="result-icon ok" aria-hidden="true">✓</div>
          <p>{t('result.success.body')}</p>
          <dl className="receipt">
            <dt>{t('result.success.receipt')}</dt>
            <dd data-testid="receipt-id">{state.receiptId}</dd>
          </dl>
          <p className="muted">{t('result.success.app')}</p>
          <p className="muted">{t('result.resetIn')}</p>
        </ScreenFrame>
      );
    case 'queued':
      return (
        <ScreenFrame name="result-queued" title={t('result.queued.title')} actions={done}>
          <div className="result-icon pending" aria-hidden="true">⏳</div>
          <p>{t('result.queued.body')}</p>
          <p className="muted">{t('result.resetIn')}</p>
        </ScreenFrame>
      );
    case 'referral':
      return (
        <ScreenFrame name="result-referral" title={t('result.referral.title')} actions={done}>
          <div className="result-icon warn" aria-hidden="true">!</div>
          <p className="reason" data-testid="failure-reason" data-reason={state.reason}>{t(`result.reason.${state.reason}`)}</p>
          <p>{t('result.referral.body')}</p>
        </ScreenFrame>
      );
    case 'failure':
      return (
        <ScreenFrame
          name="result-failure"
          title={t('result.failure.title')}
          actions={
            <>
              {state.canRetry && (
                <button type="button" className="touch-button secondary" onClick={() => fire(host.sessionRetry())}>
                  {t('common.retry')}
                </button>
              )}
              {done}
            </>
          }
        >
          <div className="result-icon bad" aria-hidden="true">✕</div>
          <p className="reason" data-testid="failure-reason" data-reason={state.reason}>{t(`result.reason.${state.reason}`)}</p>
          <h2>{t('result.failure.next')}</h2>
          <p>{t(`result.advice.${state.reason}`)}</p>
          <p className="muted">{t('result.resetIn')}</p>
        </ScreenFrame>
      );
  }
}
