import { useTranslation } from 'react-i18next';
import type { AppInfo, DeviceList } from '../../../electron/common/contract';
import { LanguageSwitch } from '../components/language-switch';
import { fire, useHost } from '../host/host-context';

export interface WelcomeScreenProps {
  info: AppInfo;
  devices: DeviceList | undefined;
}

export function WelcomeScreen({ info, devices }: WelcomeScreenProps) {
  const { t } = useTranslation();
  const host = useHost();
  return (
    <main className="screen welcome" aria-labelledby="welcome-title" data-screen="attract">
      <header className="screen-header">
        <div className="emblem" aria-hidden="true">ID</div>
        <LanguageSwitch />
      </header>
      <section className="welcome-body">
        <h1 id="welcome-title">{t('app.title')}</h1>
        <p className="tagline">{t('app.tagline')}</p>
        <ol className="steps">
          <li><span className="step-number" aria-hidden="true">1</span>{t('welcome.steps.scan')}</li>
          <li><span className="step-number" aria-hidden="true">2</span>{t('welcome.steps.card')}</li>
          <li><span className="step-number" aria-hidden="true">3</span>{t('welcome.steps.face')}</li>
        </ol>
        <p className="privacy-note">{t('welcome.privacy')}</p>
        <button type="button" className="touch-button start-button" onClick={() => fire(host.sessionStart())}>
          {t('welcome.start')}
        </button>
        <p className="muted">{t('welcome.startHint')}</p>
      </section>
      <footer className="status-bar" data-testid="status-bar">
        <span data-testid="app-version">{t('status.version', { version: info.version })}</span>
        <span>{t(`status.shell.${info.shell}`)}</span>
        {devices && (
          <>
            <span data-testid="configured-reader">{t('status.reader', { reader: devices.configuredReader })}</span>
            <span data-testid="serial-count">{t('status.serialPorts', { count: devices.serial.length })}</span>
            <span data-testid="hid-count">{t('status.hidDevices', { count: devices.hid.length })}</span>
            {devices.errors.map((e) => (
              <span key={e.source} className="status-warning" title={e.message}>
                {t('status.enumerationFailed', { source: e.source.toUpperCase() })}
              </span>
            ))}
          </>
        )}
      </footer>
    </main>
  );
}
