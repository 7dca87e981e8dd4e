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

const ERROR_OBJECT_KEYS = new Set(['err', 'error', 'cause']);
const ERROR_CLASS_NAME = /^[A-Z][A-Za-z0-9]*(Error|Exception)$|^Error$/;

/**
 * `name` is redacted because it can be a person's name, but an error's `name` is its class
 * (`StoreError`, `TypeError`): a technician needs it, and it never holds personal data. Kept when
 * it reads as an error class and sits under an error object's key; `parentKey` null means the
 * container is not known (see `censor`), and then the value's shape alone decides.
 */
export function isErrorClassName(parentKey: string | null | undefined, key: string, value: unknown): boolean {
  if (key !== 'name' || typeof value !== 'string' || !ERROR_CLASS_NAME.test(value)) return false;
  return parentKey === null || (parentKey !== undefined && ERROR_OBJECT_KEYS.has(parentKey));
}

/** Pino's censor. Under a wildcard path (`*.name`) pino names the container with a symbol, not its key. */
function censor(value: unknown, path: Array<string | symbol>): unknown {
  const key = path.at(-1);
  const parent = path.at(-2);
  if (typeof key !== 'string') return '[redacted]';
  return isErrorClassName(typeof parent === 'string' ? parent : null, key, value) ? value : '[redacted]';
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { app: 'id-upgrade-kiosk' }, redact: { paths: redactedPaths, censor } },
    destination ?? process.stderr,
  );
}
