import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';
import { createI18n } from './i18n';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('translations', () => {
  it('have the same keys in every language', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort());
  });

  it('have no empty strings', () => {
    for (const table of [en, zhCN]) {
      for (const key of keys(table)) {
        const value = key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], table);
        expect(value, key).not.toBe('');
      }
    }
  });

  it('translate with plurals and interpolation', async () => {
    const i18n = await createI18n('en');
    expect(i18n.t('status.serialPorts', { count: 1 })).toBe('1 serial port');
    expect(i18n.t('status.serialPorts', { count: 3 })).toBe('3 serial ports');
    await i18n.changeLanguage('zh-CN');
    expect(i18n.t('status.version', { version: '1.2.3' })).toBe('版本 1.2.3');
  });
});
