import { describe, expect, it } from 'vitest';
import { ExitCode, UsageError, type CliIo } from '../command';
import { commands } from './face';

function io(): CliIo & { outText: string[]; errText: string[] } {
  const outText: string[] = [];
  const errText: string[] = [];
  return { out: (t) => outText.push(t), err: (t) => errText.push(t), interrupted: new Promise(() => {}), outText, errText };
}
const cmd = (name: string) => {
  const c = commands.find((x) => x.name === name);
  if (!c) throw new Error(name);
  return c;
};

describe('kioskctl face (argument handling; the browser runs are covered by e2e and the eval script)', () => {
  it('registers info, compare and eval', () => {
    expect(commands.map((c) => c.name)).toEqual(['face info', 'face compare', 'face eval']);
  });
  it('compare needs exactly two paths and a known --degrade', async () => {
    await expect(cmd('face compare').run(['a.jpg'], io())).rejects.toThrow(UsageError);
    await expect(cmd('face compare').run(['a.jpg', 'b.jpg', '--degrade', 'fax'], io())).rejects.toThrow(/--degrade/);
    await expect(cmd('face compare').run(['a.jpg', 'b.jpg', '--bogus'], io())).rejects.toThrow(/unknown option/);
  });
  it('compare reports a missing file as unavailable, before starting a browser', async () => {
    const o = io();
    expect(await cmd('face compare').run(['/nonexistent/a.jpg', '/nonexistent/b.jpg', '--json'], o)).toBe(ExitCode.unavailable);
    expect(o.errText.join('\n')).toMatch(/no such file/);
  });
  it('eval needs one existing folder and valid options', async () => {
    await expect(cmd('face eval').run([], io())).rejects.toThrow(UsageError);
    expect(await cmd('face eval').run(['/nonexistent-folder'], io())).toBe(ExitCode.unavailable);
    await expect(cmd('face eval').run(['/tmp', '--max-per-identity', '0'], io())).rejects.toThrow(/positive/);
    await expect(cmd('face eval').run(['/tmp', '--scores'], io())).rejects.toThrow(/needs a value/);
  });
  it('info takes no arguments', async () => {
    await expect(cmd('face info').run(['x'], io())).rejects.toThrow(UsageError);
  });
});
