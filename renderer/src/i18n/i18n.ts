import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';
import diagnosticsEn from '../diagnostics/locales/en.json';
import diagnosticsZhCN from '../diagnostics/locales/zh-CN.json';

export const supportedLocales = ['zh-CN', 'en'] as const;
export type SupportedLocale = (typeof supportedLocales)[number];

export const resources = {
  'zh-CN': { translation: zhCN, diagnostics: diagnosticsZhCN },
  en: { translation: en, diagnostics: diagnosticsEn },
} as const;

export async function createI18n(locale: SupportedLocale): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.use(initReactI18next).init({
    resources,
    lng: locale,
    fallbackLng: false,
    supportedLngs: [...supportedLocales],
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}
