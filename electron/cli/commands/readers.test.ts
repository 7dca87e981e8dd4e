import { describe, expect, it } from 'vitest';
import { ExitCode, UsageError, type CliIo } from '../command';
import { commands } from './readers';

function io(interrupted: Promise<void> = new Promise(() => undefined)) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), interrupted };
  return { cli, out, err };
}

function command(name: string) {
  const found = commands.find((c) => c.name === name);
  if (!found) throw new Error(`no command ${name}`);
  return found;
}

describe('kioskctl reader commands', () => {
  it('atr --json reads the simulated card ATR', async () => {
    const { cli, out } = io();
    expect(await command('atr').run(['--reader', 'sim:ccid/test-card', '--json'], cli)).toBe(ExitCode.ok);
    expect(JSON.parse(out[0]!)).toMatchObject({ ok: true, atr: '3B2A00806524B0000200829000', protocols: ['T=0'] });
  });

  it('apdu sends commands with 61xx handling and reports failures', async () => {
    const { cli, out } = io();
    const code = await command('apdu').run(['--reader', 'sim:ccid/test-card', '--json', '00A4040C07A0000002471001', '00CA000000'], cli);
    expect(code).toBe(ExitCode.ok);
    const { results } = JSON.parse(out[0]!) as { results: Array<{ sw: string; data: string }> };
    expect(results.map((r) => r.sw)).toEqual(['9000', '9000']);
    expect(results[1]!.data.length).toBe(600);
    const second = io();
    expect(await command('apdu').run(['--reader', 'sim:ccid/test-card', '00B0000004'], second.cli)).toBe(ExitCode.failed);
    expect(second.out.join('\n')).toMatch(/6986 \(no-current-ef\)/);
  });

  it('cnid read masks holder data unless --reveal and decodes the photo through the test decoder', async () => {
    const masked = io();
    expect(await command('cnid read').run(['--reader', 'sim:ga467/wang-fang', '--json'], masked.cli)).toBe(ExitCode.ok);
    const result = JSON.parse(masked.out[0]!) as Record<string, unknown>;
    expect(result.name).toBe('**');
    expect(result.idNumber).toMatch(/^\*{16}\d{2}$/);
    expect(result.photo).toMatchObject({ decoded: true, format: 'png' });
    const revealed = io();
    await command('cnid read').run(['--reader', 'sim:ga467/wang-fang', '--json', '--reveal'], revealed.cli);
    expect(JSON.parse(revealed.out[0]!)).toMatchObject({ name: '王芳', validTo: '2038-05-20' });
  });

  it('mrz waits for a scan and validates it', async () => {
    const { cli, out } = io();
    expect(await command('mrz').run(['--scanner', 'sim:mrz/td3', '--json', '--timeout-ms', '3000'], cli)).toBe(ExitCode.ok);
    expect(JSON.parse(out[0]!)).toMatchObject({ ok: true, format: 'TD3', checkDigits: 'valid', documentNumber: '*******C3' });
  });

  it('simulate prints the pty path first and serves until interrupted', async () => {
    let stop!: () => void;
    const { cli, out } = io(new Promise<void>((resolve) => (stop = resolve)));
    const running = command('simulate').run(['--protocol', 'ccid-serial', '--card', 'test-card', '--json'], cli);
    for (let i = 0; i < 200 && out.length === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    const first = JSON.parse(out[0]!) as { path: string; uri: string };
    expect(first.path).toMatch(/kiosk-sim-/);
    const atr = io();
    expect(await command('atr').run(['--reader', first.uri, '--json'], atr.cli)).toBe(ExitCode.ok);
    stop();
    expect(await running).toBe(ExitCode.ok);
  });

  it('maps errors to exit codes: usage, unavailable', async () => {
    await expect(command('atr').run([], io().cli)).rejects.toBeInstanceOf(UsageError);
    await expect(command('atr').run(['--bogus'], io().cli)).rejects.toBeInstanceOf(UsageError);
    expect(await command('atr').run(['--reader', 'ccid-serial:/dev/ttyNOPE7', '--json'], io().cli)).toBe(ExitCode.unavailable);
    expect(await command('atr').run(['--reader', 'nope'], io().cli)).toBe(ExitCode.usage);
    expect(await command('atr').run(['--reader', 'sim:ccid/empty'], io().cli)).toBe(ExitCode.failed);
  });

  it('devices --json always answers with the three lists', async () => {
    const { cli, out } = io();
    expect(await command('devices').run(['--json'], cli)).toBe(ExitCode.ok);
    expect(Object.keys(JSON.parse(out[0]!) as object).sort()).toEqual(['errors', 'hid', 'serial']);
  });
});
