import type { KioskStore } from './database';
import { guardStore } from './errors';

/** Keys of the configuration cache: authority data kept for offline use. Never personal data. */
export type ConfigKey = 'csca-list' | 'session-policy' | 'clock-skew' | 'authority-keys' | (string & {});

export interface CachedValue<T> {
  value: T;
  updatedAt: string;
}

export class ConfigCache {
  constructor(private readonly store: KioskStore) {}

  get<T>(key: ConfigKey): CachedValue<T> | undefined {
    const row = guardStore(() =>
      this.store.db.prepare('SELECT value, updated_at FROM config_cache WHERE key = ?').get(key),
    ) as { value: string; updated_at: string } | undefined;
    return row ? { value: JSON.parse(row.value) as T, updatedAt: row.updated_at } : undefined;
  }

  put(key: ConfigKey, value: unknown, at: Date = new Date()): void {
    guardStore(() =>
      this.store.db
        .prepare(
          'INSERT INTO config_cache (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
        )
        .run(key, JSON.stringify(value), at.toISOString()),
    );
  }
}
