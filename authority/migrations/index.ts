import { migration0001 } from './0001-terminals-and-accounts';
import { migration0002 } from './0002-sessions-and-codes';
import { migration0003 } from './0003-upgrades-and-replay';
import type { Migration } from './migration';

export type { Migration } from './migration';
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003];
