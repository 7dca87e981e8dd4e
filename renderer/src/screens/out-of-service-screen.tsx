import { useContext, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { OutOfServiceReason } from '../../../electron/common/session-state';
import { cameraOpens } from '../camera/camera-start';
import { HostContext, fire } from '../host/host-context';
import { supportedLocales } from '../i18n/i18n';

/** How often a lost camera is looked for again. */
const CAMERA_RECHECK_MS = 3_000;

/**
 * Shown while a device or the authority is missing; the host re-checks and returns to welcome by
 * itself. Nothing to touch here, so it speaks every language at once, the current one first.
 */
export function OutOfServiceScreen({ reason }: { reason: OutOfServiceReason }) {
  const { i18n } = useTranslation();
  const host = useContext(HostContext);
  // Only the renderer sees the camera: it tells the host when one is back — when it opens and
  // gives a live track, not merely when one is listed (a listed camera that cannot open would
  // send the kiosk back to welcome and out of service again).
  useEffect(() => {
    if (reason !== 'camera' || !host) return;
    let probing = false;
    const timer = setInterval(() => {
      if (probing) return;
      probing = true;
      void cameraOpens(() => navigator.mediaDevices.getUserMedia({ video: true }))
        .then((ok) => ok && fire(host.sessionDeviceFault('camera-ok')))
        .finally(() => {
          probing = false;
        });
    }, CAMERA_RECHECK_MS);
    return () => clearInterval(timer);
  }, [reason, host]);
  const locales = [i18n.language, ...supportedLocales.filter((l) => l !== i18n.language)];
  return (
    <main className="screen out-of-service" role="alert" aria-labelledby="oos-title" data-screen="out-of-service" data-reason={reason}>
      <div className="result-icon warn" aria-hidden="true">!</div>
      {locales.map((locale, i) => {
        const t = i18n.getFixedT(locale);
        return (
          <section key={locale} lang={locale} className={i === 0 ? 'oos-primary' : 'oos-secondary'}>
            {i === 0 ? <h1 id="oos-title">{t('outOfService.title')}</h1> : <h2>{t('outOfService.title')}</h2>}
            <p>{t('outOfService.body')}</p>
            <p className="muted">{t(`outOfService.reason.${reason}`)}</p>
          </section>
        );
      })}
    </main>
  );
}
