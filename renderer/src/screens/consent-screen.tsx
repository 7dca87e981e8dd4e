import { useTranslation } from 'react-i18next';
import { ScreenFrame } from '../components/screen-frame';
import { fire, useHost } from '../host/host-context';

/** What is checked, what is kept (nothing biometric), what is sent; accepted before any capture. */
export function ConsentScreen() {
  const { t } = useTranslation();
  const host = useHost();
  return (
    <ScreenFrame
      name="consent"
      title={t('consent.title')}
      onCancel={() => fire(host.sessionCancel())}
      actions={
        <button type="button" className="touch-button" onClick={() => fire(host.sessionAcceptConsent())}>
          {t('consent.accept')}
        </button>
      }
    >
      <h2>{t('consent.checkedTitle')}</h2>
      <ul className="fact-list">
        <li>{t('consent.checked.app')}</li>
        <li>{t('consent.checked.card')}</li>
        <li>{t('consent.checked.face')}</li>
      </ul>
      <h2>{t('consent.keptTitle')}</h2>
      <p className="privacy-note">{t('consent.kept')}</p>
      <h2>{t('consent.sentTitle')}</h2>
      <p>{t('consent.sent')}</p>
    </ScreenFrame>
  );
}
