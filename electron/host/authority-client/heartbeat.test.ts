import { describe, expect, it, vi } from 'vitest';
import { runHeartbeat } from './heartbeat';

describe('runHeartbeat', () => {
  it('beats every interval, survives failures, stops on abort', async () => {
    vi.useFakeTimers();
    try {
      const sent: number[] = [];
      const errors: unknown[] = [];
      let n = 0;
      const client = {
        heartbeat: async (status: { outbox_depth: number }) => {
          n += 1;
          if (n === 2) throw new Error('offline');
          sent.push(status.outbox_depth);
        },
      };
      const controller = new AbortController();
      const loop = runHeartbeat({
        client,
        status: () => ({ app_version: '1', reader: 'ok', camera: 'ok', outbox_depth: n, audit_tree_size: 0 }),
        intervalMs: 1000,
        signal: controller.signal,
        onError: (e) => errors.push(e),
      });
      await vi.advanceTimersByTimeAsync(2500);
      controller.abort();
      await loop;
      expect(n).toBe(3);
      expect(sent).toEqual([0, 2]);
      expect(errors).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
