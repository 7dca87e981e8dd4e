import type { Database } from 'better-sqlite3';

/** One numbered schema step; `version` equals the NNNN of its file name. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
