import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScreenState } from '../../../electron/common/session-state';
import { Keypad } from '../components/keypad';
import { ScreenFrame } from '../components/screen-frame';
import { fire, useHost } from '../host/host-context';

type BindingState = Extract<ScreenState, { screen: 'binding' }>;

/** The session's QR code for the citizen's app, and the 8-digit fallback code on a large keypad. */
export function BindingScreen({ state }: { state: BindingState }) {
  const { t } = useTranslation();
  const host = useHost();
  const [qrImage, setQrImage] = useState<string>();

  useEffect(() => {
    let live = true;
    // Error correction M and a wide quiet zone read well off a screen at arm's length.
    QRCode.toDataURL(state.qr, { errorCorrectionLevel: 'M', margin: 4, width: 640, color: { dark: '#000000', light: '#ffffff' } })
      .then((url) => live && setQrImage(url))
      .catch(() => live && setQrImage(undefined));
    return () => {
      live = false;
    };
  }, [state.qr]);

  const slots = Array.from({ length: 8 }, (_, i) => state.code[i] ?? '');
  return (
    <ScreenFrame
      name="binding"
      title={t('binding.title')}
      onCancel={() => fire(host.sessionCancel())}
      actions={
        <button type="button" className="touch-button" disabled={state.code.length !== 8 || state.checking} onClick={() => fire(host.sessionSubmitCode())}>
          {t('common.submit')}
        </button>
      }
    >
      <div className="binding-layout">
        <div className="qr-panel">
          <p>{t('binding.scanHint')}</p>
          {qrImage && <img className="qr" src={qrImage} alt={t('binding.qrLabel')} data-testid="session-qr" data-qr={state.qr} />}
          <p className="muted" aria-live="polite">{t('binding.waiting')}</p>
        </div>
        <div className="code-panel">
          <p>{t('binding.orCode')}</p>
          <div className="code-slots" role="status" aria-label={t('binding.codeLabel')} aria-description={t('binding.codeDigits', { count: state.code.length })} data-testid="code-slots">
            {slots.map((digit, i) => (
              <span key={i} className={`code-slot${digit ? ' filled' : ''}`}>{digit}</span>
            ))}
          </div>
          {state.checking && <p aria-live="polite">{t('binding.checking')}</p>}
          {state.codeError && (
            <p className="error" role="alert">
              {t('binding.badCode')} {state.triesLeft !== null && t('binding.triesLeft', { count: state.triesLeft })}
            </p>
          )}
          <Keypad label={t('binding.codeLabel')} disabled={state.checking} onKey={(key) => fire(host.sessionKeypad(key))} />
        </div>
      </div>
    </ScreenFrame>
  );
}
