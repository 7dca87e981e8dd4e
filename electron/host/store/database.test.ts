import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './database';
import { StoreCorruptError, StoreError, StoreFullError } from './errors';
import { migrations } from './migrations/index';
import { scratchDirectory } from './test-support';

describe('openStore', () => {
  let dir: ReturnType<typeof scratchDirectory>;
  beforeEach(() => {
    dir = scratchDirectory();
  });
  afterEach(() => dir.remove());

  it('opens in WAL mode with synchronous=FULL and the newest schema', () => {
    const store = openStore(join(dir.path, 'kiosk.db'));
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)?.version);
    store.close();
  });

  it('is idempotent across reopen and keeps data', () => {
    const path = join(dir.path, 'kiosk.db');
    const a = openStore(path);
    a.db.prepare("INSERT INTO config_cache VALUES ('k', '1', 'now')").run();
    a.close();
    const b = openStore(path);
    expect(b.db.prepare('SELECT value FROM config_cache').get()).toEqual({ value: '1' });
    b.close();
  });

  it('refuses a store written by newer software', () => {
    const path = join(dir.path, 'kiosk.db');
    const a = openStore(path);
    a.db.pragma('user_version = 999');
    a.close();
    expect(() => openStore(path)).toThrow(expect.objectContaining({ code: 'store-migration' }));
  });

  it('turns a file that is not a database into StoreCorruptError', () => {
    const path = join(dir.path, 'kiosk.db');
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    const attempt = () => openStore(path);
    expect(attempt).toThrow(StoreCorruptError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'store-corrupt' }));
  });

  it('turns damaged pages inside a real database into StoreCorruptError', () => {
    const path = join(dir.path, 'kiosk.db');
    const store = openStore(path);
    const insert = store.db.prepare('INSERT INTO config_cache VALUES (?, ?, ?)');
    store.transaction(() => {
      for (let i = 0; i < 400; i += 1) insert.run(`key-${i}`, 'x'.repeat(200), 'now');
    });
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    const bytes = readFileSync(path);
    // Overwrite the b-tree pages after the header page; the header stays valid so only the check sees it.
    bytes.fill(0xa5, 4096 * 2, bytes.length);
    writeFileSync(path, bytes);
    let caught: unknown;
    try {
      openStore(path).close();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect((caught as StoreError).code).toBe('store-corrupt');
  });

  it('turns SQLITE_FULL into StoreFullError and leaves the store usable for reads', () => {
    const path = join(dir.path, 'kiosk.db');
    const probe = openStore(path);
    const pages = probe.db.pragma('page_count', { simple: true }) as number;
    probe.close();
    const store = openStore(path, { maxPageCount: pages + 2 });
    const insert = store.db.prepare('INSERT INTO config_cache VALUES (?, ?, ?)');
    const fill = () =>
      store.transaction(() => {
        for (let i = 0; i < 1000; i += 1) insert.run(`key-${i}`, 'y'.repeat(1000), 'now');
      });
    expect(fill).toThrow(StoreFullError);
    expect(fill).toThrow(expect.objectContaining({ code: 'store-full' }));
    // The failed transaction rolled back entirely.
    expect(store.db.prepare('SELECT count(*) AS n FROM config_cache').get()).toEqual({ n: 0 });
    store.close();
  });
});
