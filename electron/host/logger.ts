/**
 * Structured logs (pino). Redaction is a backstop, not the policy: no code path logs personal
 * data in the first place (portraits, frames, templates, MRZ, names never reach a log call).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export const redactedPaths = [
  '*.mrz',
  '*.can',
  '*.portrait',
  '*.image',
  '*.frame',
  '*.embedding',
  '*.holder',
  '*.name',
  '*.secret',
  '*.token',
  'headers.authorization',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { app: 'id-upgrade-kiosk' }, redact: { paths: redactedPaths, censor: '[redacted]' } },
    destination ?? process.stderr,
  );
}
