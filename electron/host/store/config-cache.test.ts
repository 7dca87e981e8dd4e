import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigCache } from './config-cache';
import { openStore } from './database';
import { scratchDirectory } from './test-support';

describe('ConfigCache', () => {
  it('keeps the last good value per key across reopen', () => {
    const dir = scratchDirectory();
    try {
      const path = join(dir.path, 'kiosk.db');
      const store = openStore(path);
      const cache = new ConfigCache(store);
      expect(cache.get('csca-list')).toBeUndefined();
      cache.put('csca-list', { version: '1' }, new Date('2026-01-01T00:00:00Z'));
      cache.put('csca-list', { version: '2' }, new Date('2026-01-02T00:00:00Z'));
      store.close();
      const reopened = openStore(path);
      expect(new ConfigCache(reopened).get('csca-list')).toEqual({ value: { version: '2' }, updatedAt: '2026-01-02T00:00:00.000Z' });
      reopened.close();
    } finally {
      dir.remove();
    }
  });
});
