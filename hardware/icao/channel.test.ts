import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes';
import { ChipChannel } from './channel';
import { IcaoError } from './errors';

function scripted(...responses: string[]) {
  const sent: string[] = [];
  const transceiver = {
    transmit: async (command: Uint8Array) => {
      sent.push(toHex(command));
      const next = responses.shift();
      if (next === undefined) throw new Error('script exhausted');
      return fromHex(next);
    },
  };
  return { sent, channel: new ChipChannel(transceiver) };
}

describe('ChipChannel', () => {
  it('follows 61xx with GET RESPONSE and counts every APDU', async () => {
    const { sent, channel } = scripted('AABB6102', 'CCDD9000');
    const r = await channel.send({ cla: 0, ins: 0xb0, p1: 0x81, p2: 0, le: 256 });
    expect(sent).toEqual(['00B0810000', '00C0000002']);
    expect(toHex(r.data)).toBe('AABBCCDD');
    expect(r.sw).toBe(0x9000);
    expect(channel.stats).toEqual({ apdus: 2, bytes: 5 + 4 + 5 + 4 });
  });

  it('reports a response too short for SW1 SW2 as a malformed response', async () => {
    await expect(scripted('90').channel.send({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 })).rejects.toMatchObject({ code: 'malformed-response' });
    const short = scripted('6100', '90');
    const error = await short.channel.send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IcaoError);
    expect(error).toMatchObject({ code: 'malformed-response' });
  });

  it('refuses a command the APDU layer cannot encode before sending anything', async () => {
    const { sent, channel } = scripted('9000');
    await expect(channel.send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 0 })).rejects.toMatchObject({ code: 'bad-argument' });
    expect(sent).toEqual([]);
  });
});
