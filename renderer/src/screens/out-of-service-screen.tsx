import { useTranslation } from 'react-i18next';
import type { OutOfServiceReason } from '../../../electron/common/session-state';

/** Shown while a device or the authority is missing; the host re-checks and returns to welcome by itself. */
export function OutOfServiceScreen({ reason }: { reason: OutOfServiceReason }) {
  const { t } = useTranslation();
  return (
    <main className="screen out-of-service" role="alert" aria-labelledby="oos-title" data-screen="out-of-service" data-reason={reason}>
      <div className="result-icon warn" aria-hidden="true">!</div>
      <h1 id="oos-title">{t('outOfService.title')}</h1>
      <p>{t('outOfService.body')}</p>
      <p className="muted">{t(`outOfService.reason.${reason}`)}</p>
    </main>
  );
}
