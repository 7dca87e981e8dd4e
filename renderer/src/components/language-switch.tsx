import { useTranslation } from 'react-i18next';
import { useContext } from 'react';
import { HostContext, fire } from '../host/host-context';
import { resources, supportedLocales } from '../i18n/i18n';

/** Language choice as large toggle buttons, each labelled in its own language. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const host = useContext(HostContext);
  return (
    <div className="language-switch" role="group" aria-label={t('app.language')}>
      {supportedLocales.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          className="touch-button secondary"
          aria-pressed={i18n.language === locale}
          onClick={() => {
            void i18n.changeLanguage(locale);
            document.documentElement.lang = locale;
            if (host) fire(host.sessionChooseLanguage(locale));
          }}
        >
          {resources[locale].translation.app.languageName}
        </button>
      ))}
    </div>
  );
}
