import { migration0001 } from './0001-terminal-identity';
import { migration0002 } from './0002-outbox';
import { migration0003 } from './0003-audit-log';
import { migration0004 } from './0004-config-cache';
import type { Migration } from './migration';

/** In version order; a released migration is never edited, only followed by a new one. */
export const migrations: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004];
