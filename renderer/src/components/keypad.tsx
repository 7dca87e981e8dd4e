import { useTranslation } from 'react-i18next';
import type { KeypadKey } from '../../../electron/common/session-state';

const DIGITS: KeypadKey[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** A large numeric keypad (3×4): digits, clear and delete. Touch-first, every key ≥ 64 px. */
export function Keypad({ onKey, disabled = false, label }: { onKey: (key: KeypadKey) => void; disabled?: boolean; label: string }) {
  const { t } = useTranslation();
  const key = (k: KeypadKey, text: string, aria?: string) => (
    <button key={k} type="button" className="keypad-key" disabled={disabled} aria-label={aria ?? text} data-key={k} onClick={() => onKey(k)}>
      {text}
    </button>
  );
  return (
    <div className="keypad" role="group" aria-label={label}>
      {DIGITS.map((d) => key(d, d))}
      {key('clear', t('common.clear'))}
      {key('0', '0')}
      {key('back', '⌫', t('common.delete'))}
    </div>
  );
}
