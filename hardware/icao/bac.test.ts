import { describe, expect, it } from 'vitest';
import { basicAccessKeys, performBac } from './bac';
import { toHex } from './bytes';
import { ChipChannel } from './channel';
import { mrzInformation } from './mrz-key';
import { ScriptedTransceiver, scriptedRandom } from './testing/scripted-transceiver';

// ICAO Doc 9303-11 Appendix D (worked example: Basic Access Control).
const seed = { documentNumber: 'L898902C', dateOfBirth: '690806', dateOfExpiry: '940623' };

describe('BAC — ICAO 9303-11 Appendix D', () => {
  it('derives the document basic access keys', () => {
    expect(mrzInformation(seed)).toBe('L898902C<369080619406236');
    const k = basicAccessKeys(seed);
    expect(toHex(k.kSeed)).toBe('239AB9CB282DAF66231DC5A4DF6BFBAE');
    expect(toHex(k.kEnc)).toBe('AB94FDECF2674FDFB9B391F85D7F76F2');
    expect(toHex(k.kMac)).toBe('7962D9ECE03D1ACD4C76089DCE131543');
  });

  it('replays mutual authentication, session keys, SSC and protected SELECT / READ BINARY byte for byte', async () => {
    const card = new ScriptedTransceiver([
      ['0084000008', '4608F919887022129000'],
      [
        '008200002872C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A728',
        '46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D74499000',
      ],
      ['0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800', '990290008E08FA855A5D4C50A8ED9000'],
      ['0CB000000D9701048E08ED6705417E96BA5500', '8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000'],
      [
        '0CB000040D9701128E082EA28A70F3C7B53500',
        '871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000',
      ],
    ]);
    const channel = new ChipChannel(card);
    const keys = await performBac(channel, seed, scriptedRandom('781723860C06C226', '0B795240CB7049B01C19B33E32804F0B'));
    expect(toHex(keys.encKey)).toBe('979EC13B1CBFE9DCD01AB0FED307EAE5');
    expect(toHex(keys.macKey)).toBe('F1CB1F1FB5ADF208806B89DC579DC1F8');
    expect(keys.ssc.toString(16).toUpperCase()).toBe('887022120C06C226');

    const sel = await channel.send({ cla: 0, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.of(0x01, 0x1e) });
    expect(sel.sw).toBe(0x9000);
    const head = await channel.send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 });
    expect(toHex(head.data)).toBe('60145F01');
    const rest = await channel.send({ cla: 0, ins: 0xb0, p1: 0, p2: 4, le: 0x12 });
    expect(toHex(rest.data)).toBe('04303130365F36063034303030305C026175');
    expect(card.done).toBe(true);
  });

  it('a wrong MRZ key fails with a typed error', async () => {
    const card = new ScriptedTransceiver([
      ['0084000008', '4608F919887022129000'],
      [
        '008200002872C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A728',
        '6300',
      ],
    ]);
    await expect(
      performBac(new ChipChannel(card), seed, scriptedRandom('781723860C06C226', '0B795240CB7049B01C19B33E32804F0B')),
    ).rejects.toMatchObject({ code: 'bac-failed' });
  });
});
