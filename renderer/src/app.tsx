import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, DeviceList } from '../../electron/common/contract';
import type { Host } from './host/host-api';
import { WelcomeScreen } from './screens/welcome-screen';

export function App({ host }: { host: Host }) {
  const { t } = useTranslation();
  const [info, setInfo] = useState<AppInfo>();
  const [devices, setDevices] = useState<DeviceList>();
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    host.appInfo().then((value) => live && setInfo(value), () => live && setFailed(true));
    host.listDevices().then((value) => live && setDevices(value), () => live && setFailed(true));
    const off = host.onEvent('devicesChanged', (value) => setDevices(value));
    return () => {
      live = false;
      off();
    };
  }, [host]);

  if (failed) return <main className="screen out-of-service" role="alert"><p>{t('status.hostUnavailable')}</p></main>;
  if (!info) return <main className="screen loading" aria-busy="true"><p>{t('status.connecting')}</p></main>;
  return <WelcomeScreen info={info} devices={devices} />;
}
