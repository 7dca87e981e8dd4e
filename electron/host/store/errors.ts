/**
 * Typed store failures. The host maps every one of them to the "out of service" screen; none of
 * them is retried in a loop, because a full disk or a corrupt file does not heal by itself.
 */
export type StoreErrorCode = 'store-full' | 'store-corrupt' | 'store-unavailable' | 'store-migration';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The disk (or the page budget) is full: SQLITE_FULL. Nothing was written by the failed statement. */
export class StoreFullError extends StoreError {
  constructor(cause?: unknown) {
    super('store-full', 'the kiosk store is full (no space left for the database)', { cause });
  }
}

/** The database file is not a database, or fails its integrity check. */
export class StoreCorruptError extends StoreError {
  constructor(detail: string, cause?: unknown) {
    super('store-corrupt', `the kiosk store is corrupt: ${detail}`, { cause });
  }
}

const FULL_CODES = new Set(['SQLITE_FULL']);
const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX']);
const UNAVAILABLE_CODES = new Set(['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_PERM', 'SQLITE_BUSY', 'SQLITE_LOCKED']);

/** Maps a better-sqlite3 error (its `code` is the extended SQLite result code name) to a StoreError. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const base = code.split('_').slice(0, 2).join('_');
  if (FULL_CODES.has(code) || FULL_CODES.has(base)) return new StoreFullError(error);
  if (CORRUPT_CODES.has(code) || CORRUPT_CODES.has(base)) {
    return new StoreCorruptError(error instanceof Error ? error.message : code, error);
  }
  if (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_CODES.has(base) || code.startsWith('SQLITE_IOERR')) {
    return new StoreError('store-unavailable', `the kiosk store cannot be used: ${error instanceof Error ? error.message : code}`, { cause: error });
  }
  return error;
}

/** Runs `fn`, turning SQLite failures into typed StoreErrors. */
export function guardStore<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toStoreError(error);
  }
}
