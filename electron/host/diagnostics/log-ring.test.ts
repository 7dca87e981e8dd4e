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
});
