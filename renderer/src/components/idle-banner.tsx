import { useTranslation } from 'react-i18next';

/** The visible inactivity countdown; any touch (or the button) keeps the session. */
export function IdleBanner({ seconds, onStay }: { seconds: number; onStay: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="idle-banner" role="alertdialog" aria-live="assertive" aria-labelledby="idle-title" data-testid="idle-banner">
      <div className="idle-panel">
        <h2 id="idle-title">{t('common.idle.title')}</h2>
        <p>{t('common.idle.body', { seconds })}</p>
        <div className="idle-count" aria-hidden="true">{seconds}</div>
        <button type="button" className="touch-button" onClick={onStay}>
          {t('common.idle.stay')}
        </button>
      </div>
    </div>
  );
}
