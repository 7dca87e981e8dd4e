import BetterSqlite3, { type Database } from 'better-sqlite3';
import { StoreCorruptError, StoreError, guardStore, toStoreError } from './errors';
import { migrations as allMigrations } from './migrations/index';
import type { Migration } from './migrations/migration';

export interface OpenStoreOptions {
  /** Runs `PRAGMA quick_check` at open (default true); a corrupt file is refused here, not mid-session. */
  check?: boolean;
  migrations?: readonly Migration[];
  /** Test hook: caps the file at this many pages so SQLITE_FULL can be provoked without a full disk. */
  maxPageCount?: number;
}

/** The kiosk's one SQLite database: WAL, synchronous=FULL so a committed decision survives power loss. */
export interface KioskStore {
  readonly db: Database;
  readonly path: string;
  /** Runs `fn` in one IMMEDIATE transaction; SQLite failures become typed StoreErrors. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export function applyMigrations(db: Database, migrations: readonly Migration[] = allMigrations): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new StoreError('store-migration', `the store has schema version ${current}, newer than this software (${newest})`);
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}

export function openStore(path: string, options: OpenStoreOptions = {}): KioskStore {
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(path, { timeout: 5000 });
    // A non-database file fails on the first read, which the journal_mode pragma is.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    if (options.check !== false) {
      const result = db.pragma('quick_check', { simple: true });
      if (result !== 'ok') throw new StoreCorruptError(String(result));
    }
    applyMigrations(db, options.migrations);
    if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${options.maxPageCount}`);
  } catch (error) {
    try {
      db?.close();
    } catch {
      // closing a half-opened handle can fail too; the original error is the one to report
    }
    throw toStoreError(error);
  }
  const handle = db;
  return {
    db: handle,
    path,
    transaction: <T>(fn: () => T): T => guardStore(() => handle.transaction(fn).immediate()),
    close: () => {
      if (handle.open) handle.close();
    },
  };
}
