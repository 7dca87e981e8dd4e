/**
 * The host side of the renderer↔host contract: one dispatcher that validates every argument
 * and every result against the contract's schemas. Electron's ipcMain and the web host's
 * WebSocket bridge both call it, so the two shells cannot drift apart.
 */
import type { z } from 'zod';
import {
  channelByWireName,
  contract,
  type ChannelArgs,
  type ChannelName,
  type ChannelResult,
  type Envelope,
  type HostErrorShape,
} from '../common/contract';

export type HostHandlers = {
  [K in ChannelName]: (...args: ChannelArgs<K>) => Promise<ChannelResult<K>>;
};

/** A failure the host reports to the renderer with a stable code. */
export class HostError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues?: HostErrorShape['issues'],
  ) {
    super(message);
    this.name = 'HostError';
  }
}

function issuesOf(error: z.ZodError): NonNullable<HostErrorShape['issues']> {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

export type Dispatch = (wireChannel: string, rawArgs: unknown) => Promise<Envelope<unknown>>;

export function createDispatcher(
  handlers: HostHandlers,
  onUnexpected: (error: unknown, channel: string) => void = () => {},
): Dispatch {
  return async (wireChannel, rawArgs) => {
    const name = typeof wireChannel === 'string' ? channelByWireName.get(wireChannel) : undefined;
    if (!name) {
      return { ok: false, error: { code: 'unknown-channel', message: `no such channel: ${typeof wireChannel === 'string' ? wireChannel : typeof wireChannel}` } };
    }
    const spec = contract[name];
    const args = spec.args.safeParse(rawArgs);
    if (!args.success) {
      return {
        ok: false,
        error: { code: 'invalid-arguments', message: `invalid arguments for ${spec.channel}`, issues: issuesOf(args.error) },
      };
    }
    try {
      const handler = handlers[name] as (...a: unknown[]) => Promise<unknown>;
      const value = await handler(...(args.data as unknown[]));
      const result = spec.result.safeParse(value);
      if (!result.success) {
        onUnexpected(result.error, spec.channel);
        return { ok: false, error: { code: 'invalid-result', message: `the host produced an invalid result for ${spec.channel}` } };
      }
      return { ok: true, value: result.data };
    } catch (error) {
      if (error instanceof HostError) {
        return { ok: false, error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) } };
      }
      onUnexpected(error, spec.channel);
      return { ok: false, error: { code: 'internal', message: `${spec.channel} failed` } };
    }
  };
}
