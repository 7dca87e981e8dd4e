import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app';
import { DiagnosticsEntry } from './diagnostics/diagnostics-entry';
import { connectHost } from './host/host-api';
import { createI18n, supportedLocales, type SupportedLocale } from './i18n/i18n';
import './styles.css';

// Kiosk: no context menu, no pinch or ctrl-wheel zoom, no text selection (see styles.css).
window.addEventListener('contextmenu', (event) => event.preventDefault());
window.addEventListener('wheel', (event) => event.ctrlKey && event.preventDefault(), { passive: false });
document.addEventListener('gesturestart', (event) => event.preventDefault());

async function boot(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  try {
    const host = await connectHost();
    const info = await host.appInfo();
    const requested = new URLSearchParams(window.location.search).get('lang');
    const locale: SupportedLocale = supportedLocales.find((l) => l === requested) ?? info.defaultLocale;
    document.documentElement.lang = locale;
    const i18n = await createI18n(locale);
    root.render(
      <StrictMode>
        <I18nextProvider i18n={i18n}>
          <App host={host} />
          <DiagnosticsEntry host={host} />
        </I18nextProvider>
      </StrictMode>,
    );
  } catch (error) {
    const i18n = await createI18n('zh-CN');
    root.render(
      <main className="screen out-of-service" role="alert">
        <p lang="zh-CN">{i18n.t('status.hostUnavailable')}</p>
        <p lang="en">{(await createI18n('en')).t('status.hostUnavailable')}</p>
      </main>,
    );
    console.error(error);
  }
}

void boot();
