import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccessKeyInput, ScreenState } from '../../../electron/common/session-state';
import { ScreenFrame } from '../components/screen-frame';
import { fire, useHost } from '../host/host-context';

type AccessKeyState = Extract<ScreenState, { screen: 'access-key' }>;
type Field = 'documentNumber' | 'birthDate' | 'expiryDate' | 'can';

const LIMITS: Record<Field, { max: number; pattern: RegExp }> = {
  documentNumber: { max: 22, pattern: /^[A-Z0-9<]{1,22}$/ },
  birthDate: { max: 6, pattern: /^\d{6}$/ },
  expiryDate: { max: 6, pattern: /^\d{6}$/ },
  can: { max: 6, pattern: /^\d{6}$/ },
};
const ROWS = ['1234567890', 'QWERTYUIOP', 'ASDFGHJKL<', 'ZXCVBNM'];

/**
 * MRZ or CAN entry on a touch keyboard (no MRZ scanner fitted). What is typed stays in this
 * component until it is sent once to the host; it is never part of the screen state.
 */
export function AccessKeyScreen({ state }: { state: AccessKeyState }) {
  const { t } = useTranslation();
  const host = useHost();
  const fields: Field[] = state.kind === 'mrz' ? ['documentNumber', 'birthDate', 'expiryDate'] : ['can'];
  const [values, setValues] = useState<Record<Field, string>>({ documentNumber: '', birthDate: '', expiryDate: '', can: '' });
  const [active, setActive] = useState<Field>(fields[0]!);
  // A refused key is wiped from the screen, too.
  useEffect(() => setValues({ documentNumber: '', birthDate: '', expiryDate: '', can: '' }), [state.error, state.session]);

  const numeric = active !== 'documentNumber';
  const type = (ch: string) => {
    fire(host.sessionActivity());
    setValues((v) => (v[active].length >= LIMITS[active].max ? v : { ...v, [active]: v[active] + ch }));
  };
  const erase = () => setValues((v) => ({ ...v, [active]: v[active].slice(0, -1) }));
  const complete = fields.every((f) => LIMITS[f].pattern.test(values[f]));
  const submit = () => {
    const key: AccessKeyInput =
      state.kind === 'mrz'
        ? { kind: 'mrz', documentNumber: values.documentNumber, birthDate: values.birthDate, expiryDate: values.expiryDate }
        : { kind: 'can', can: values.can };
    setValues({ documentNumber: '', birthDate: '', expiryDate: '', can: '' });
    fire(host.sessionSubmitAccessKey(key));
  };

  return (
    <ScreenFrame
      name="access-key"
      title={t(state.kind === 'mrz' ? 'accessKey.titleMrz' : 'accessKey.titleCan')}
      onCancel={() => fire(host.sessionCancel())}
      actions={
        <button type="button" className="touch-button" disabled={!complete} onClick={submit}>
          {t('common.submit')}
        </button>
      }
    >
      <p>{t(state.kind === 'mrz' ? 'accessKey.hintMrz' : 'accessKey.hintCan')}</p>
      {state.error && <p className="error" role="alert">{t('accessKey.denied')}</p>}
      <div className="field-list">
        {fields.map((field) => (
          <button
            key={field}
            type="button"
            className={`entry-field${active === field ? ' active' : ''}`}
            aria-pressed={active === field}
            onClick={() => setActive(field)}
            data-field={field}
          >
            <span className="entry-label">{t(`accessKey.${field}`)}</span>
            <span className="entry-value" aria-live="polite">{values[field]}</span>
          </button>
        ))}
      </div>
      <div className="touch-keyboard" role="group" aria-label={t('accessKey.keyboardLabel')}>
        {ROWS.map((row) => (
          <div className="keyboard-row" key={row}>
            {[...row].map((ch) => (
              <button key={ch} type="button" className="keyboard-key" disabled={numeric && !/\d/.test(ch)} onClick={() => type(ch)} aria-label={ch === '<' ? t('keyboard.filler') : ch}>
                {ch}
              </button>
            ))}
            {row === 'ZXCVBNM' && (
              <button type="button" className="keyboard-key wide" onClick={erase} aria-label={t('common.delete')}>
                ⌫
              </button>
            )}
          </div>
        ))}
      </div>
    </ScreenFrame>
  );
}
