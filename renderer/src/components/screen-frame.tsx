import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './language-switch';

/** The common frame of a citizen screen: title, optional language switch, body and action bar. */
export function ScreenFrame({
  name,
  title,
  children,
  actions,
  onCancel,
  languageSwitch = true,
}: {
  name: string;
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  onCancel?: () => void;
  languageSwitch?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <main className={`screen ${name}`} aria-labelledby={`${name}-title`} data-screen={name}>
      <header className="screen-header">
        <div className="emblem" aria-hidden="true">ID</div>
        {languageSwitch && <LanguageSwitch />}
      </header>
      <h1 id={`${name}-title`}>{title}</h1>
      <section className="screen-body">{children}</section>
      {(actions || onCancel) && (
        <footer className="action-bar">
          {onCancel && (
            <button type="button" className="touch-button secondary" onClick={onCancel}>
              {t('common.cancel')}
            </button>
          )}
          {actions}
        </footer>
      )}
    </main>
  );
}
