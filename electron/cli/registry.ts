import type { KioskctlCommand } from './command';

/** Every kioskctl command, one import per module; keep the list sorted by module. */
export async function loadCommands(): Promise<KioskctlCommand[]> {
  const modules: Array<Promise<{ commands: KioskctlCommand[] }>> = [
    import('./commands/audit'),
    import('./commands/diagnostics'),
    import('./commands/enroll'),
    import('./commands/face'),
    import('./commands/outbox'),
    import('./commands/read'),
    import('./commands/readers'),
    import('./commands/upgrade'),
    import('./commands/verify-document'),
  ];
  return (await Promise.all(modules)).flatMap((m) => m.commands);
}
