import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, DeviceList } from '../../electron/common/contract';
import type { ScreenState } from '../../electron/common/session-state';
import { IdleBanner } from './components/idle-banner';
import type { Host } from './host/host-api';
import { HostContext, fire } from './host/host-context';
import { AccessKeyScreen } from './screens/access-key-screen';
import { BindingScreen } from './screens/binding-screen';
import { CardScreen } from './screens/card-screen';
import { ConsentScreen } from './screens/consent-screen';
import { FaceScreen } from './screens/face-screen';
import { OutOfServiceScreen } from './screens/out-of-service-screen';
import { ProgressScreen } from './screens/progress-screen';
import { ResultScreen } from './screens/result-screen';
import { WelcomeScreen } from './screens/welcome-screen';

/** Touches closer together than this send one activity ping to the host. */
const ACTIVITY_THROTTLE_MS = 2_000;

/** Renders the host's session state; every decision is the host's. */
export function App({ host }: { host: Host }) {
  const { t } = useTranslation();
  const [info, setInfo] = useState<AppInfo>();
  const [devices, setDevices] = useState<DeviceList>();
  const [state, setState] = useState<ScreenState>();
  const [failed, setFailed] = useState(false);
  const lastPing = useRef(0);
  const { i18n } = useTranslation();
  // The language this kiosk starts in; every wipe back to the welcome screen returns to it.
  const bootLocale = useRef(i18n.language);
  const lastScreen = useRef<string | undefined>(undefined);

  useEffect(() => {
    const previous = lastScreen.current;
    lastScreen.current = state?.screen;
    if (state?.screen === 'attract' && previous !== undefined && previous !== 'attract' && i18n.language !== bootLocale.current) {
      void i18n.changeLanguage(bootLocale.current);
      document.documentElement.lang = bootLocale.current;
    }
  }, [state?.screen, i18n]);

  useEffect(() => {
    let live = true;
    host.appInfo().then((value) => live && setInfo(value), () => live && setFailed(true));
    host.listDevices().then((value) => live && setDevices(value), () => live && setFailed(true));
    host.sessionState().then((value) => live && setState((s) => s ?? value), () => live && setFailed(true));
    const offDevices = host.onEvent('devicesChanged', (value) => setDevices(value));
    const offState = host.onEvent('sessionState', (value) => setState(value));
    return () => {
      live = false;
      offDevices();
      offState();
    };
  }, [host]);

  useEffect(() => {
    const onTouch = () => {
      const now = Date.now();
      if (now - lastPing.current < ACTIVITY_THROTTLE_MS) return;
      lastPing.current = now;
      fire(host.sessionActivity());
    };
    window.addEventListener('pointerdown', onTouch, { capture: true });
    return () => window.removeEventListener('pointerdown', onTouch, { capture: true });
  }, [host]);

  if (failed) return <main className="screen out-of-service" role="alert"><p>{t('status.hostUnavailable')}</p></main>;
  if (!info || !state) return <main className="screen loading" aria-busy="true"><p>{t('status.connecting')}</p></main>;
  return (
    <HostContext.Provider value={host}>
      <Screen state={state} info={info} devices={devices} />
      {state.idleSecondsLeft !== null && <IdleBanner seconds={state.idleSecondsLeft} onStay={() => fire(host.sessionActivity())} />}
    </HostContext.Provider>
  );
}

function Screen({ state, info, devices }: { state: ScreenState; info: AppInfo; devices: DeviceList | undefined }) {
  const { t } = useTranslation();
  switch (state.screen) {
    case 'attract':
      return <WelcomeScreen info={info} devices={devices} />;
    case 'consent':
      return <ConsentScreen />;
    case 'opening':
      return <ProgressScreen name="opening" title={t('opening.title')} />;
    case 'binding':
      return <BindingScreen state={state} />;
    case 'card':
      return <CardScreen state={state} />;
    case 'access-key':
      return <AccessKeyScreen state={state} />;
    case 'face':
      return <FaceScreen state={state} />;
    case 'submitting':
      return <ProgressScreen name="submitting" title={t('submitting.title')} body={t('submitting.body')} />;
    case 'result':
      return <ResultScreen state={state} />;
    case 'out-of-service':
      return <OutOfServiceScreen reason={state.reason} />;
  }
}
