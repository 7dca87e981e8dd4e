import { describe, expect, it } from 'vitest';
import { DocumentRejection, FailureReason, OutOfServiceReason, ScreenState } from '../../../electron/common/session-state';
import { CHALLENGE_GUIDANCE } from '../../face/liveness';
import { GUIDANCE } from '../../face/quality-gate';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

function lookup(table: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], table);
}

/** Every key the citizen screens build at run time from host state or face-pipeline output. */
function dynamicKeys(): string[] {
  const reasons = [...DocumentRejection.options, ...(FailureReason.options[1] as { options: string[] }).options];
  const card = ScreenState.options.find((o) => 'shape' in o && o.shape.screen.value === 'card') as unknown as { shape: { phase: { options: string[] } } };
  const cardPhases = card.shape.phase.options;
  return [
    ...reasons.flatMap((r) => [`result.reason.${r}`, `result.advice.${r}`]),
    ...OutOfServiceReason.options.map((r) => `outOfService.reason.${r}`),
    ...cardPhases.map((p) => `card.${p}`),
    ...Object.values(GUIDANCE),
    ...Object.values(CHALLENGE_GUIDANCE),
    'face.again.no-match',
    'face.again.not-live',
  ];
}

describe('citizen strings', () => {
  it('exist in both languages for every reason, phase and face prompt the screens can show', () => {
    const keys = dynamicKeys();
    expect(keys.length).toBeGreaterThan(40);
    for (const table of [en, zhCN]) {
      for (const key of keys) expect(typeof lookup(table, key), key).toBe('string');
    }
  });
});
