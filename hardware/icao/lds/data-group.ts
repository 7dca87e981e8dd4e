/** ICAO 9303-10 §4.6.1: the tag of each elementary file's outer data object. */
export const DATA_GROUP_TAGS: Readonly<Record<number, number>> = {
  1: 0x61, 2: 0x75, 3: 0x63, 4: 0x76, 5: 0x65, 6: 0x66, 7: 0x67, 8: 0x68,
  9: 0x69, 10: 0x6a, 11: 0x6b, 12: 0x6c, 13: 0x6d, 14: 0x6e, 15: 0x6f, 16: 0x70,
};
export const EF_COM_TAG = 0x60;
export const EF_SOD_TAG = 0x77;

export function dataGroupTag(dataGroup: number): number {
  const tag = DATA_GROUP_TAGS[dataGroup];
  if (tag === undefined) throw new RangeError(`no data group ${dataGroup}`);
  return tag;
}

export function dataGroupForTag(tag: number): number | undefined {
  for (const [dg, t] of Object.entries(DATA_GROUP_TAGS)) if (t === tag) return Number(dg);
  return undefined;
}
