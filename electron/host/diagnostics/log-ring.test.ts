import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { LogRing, redactLogLine } from './log-ring';

describe('redactLogLine', () => {
  it('scrubs sensitive keys at any depth and MRZ- or ID-number-like text anywhere', () => {
    const line = JSON.stringify({
      level: 30,
      msg: 'read P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<< and 11010519491231002X',
      nested: { name: 'Anna', documentNumber: 'L898902C3', fine: 'ok' },
      token: 'abc',
    });
    const out = JSON.parse(redactLogLine(line));
    expect(out.msg).toBe('read [redacted] and [redacted]');
    expect(out.nested).toEqual({ name: '[redacted]', documentNumber: '[redacted]', fine: 'ok' });
    expect(out.token).toBe('[redacted]');
    expect(out.level).toBe(30);
  });
  it("keeps an error's class name but not a name that could be a person's", () => {
    const line = JSON.stringify({ err: { type: 'StoreCorruptError', name: 'StoreError', message: 'corrupt' }, error: { name: 'Wang Fang' }, holder: { name: 'StoreError' } });
    const out = JSON.parse(redactLogLine(line));
    expect(out.err.name).toBe('StoreError');
    expect(out.error.name).toBe('[redacted]');
    expect(out.holder).toBe('[redacted]');
  });
  it('handles plain text lines', () => {
    expect(redactLogLine('card L898902C36UTO7408122F1204159ZE184226B<<<<<10 seen')).toBe('card [redacted] seen');
  });
});

describe('LogRing', () => {
  it('keeps the newest lines from pino, redacted, and counts all of them', async () => {
    const ring = new LogRing(3);
    const logger = createLogger('info', ring);
    for (let i = 0; i < 5; i++) logger.info({ i, holder: 'Wang Fang' }, `line ${i}`);
    await new Promise((r) => setImmediate(r));
    const { lines, total } = ring.recent(10);
    expect(total).toBe(5);
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['line 2', 'line 3', 'line 4']);
    expect(lines.join('\n')).not.toContain('Wang Fang');
  });

  it("pino's own redaction keeps an error's class name and still hides a person's name", async () => {
    const ring = new LogRing(10);
    const logger = createLogger('info', ring);
    class StoreError extends Error {
      override name = 'StoreError';
    }
    logger.error({ err: new StoreError('the kiosk store is corrupt'), person: { name: 'Wang Fang' } }, 'cannot start');
    await new Promise((r) => setImmediate(r));
    const [line] = ring.recent(1).lines;
    const out = JSON.parse(line!);
    expect(out.err.name).toBe('StoreError');
    expect(out.err.message).toBe('the kiosk store is corrupt');
    expect(out.person.name).toBe('[redacted]');
  });
});
