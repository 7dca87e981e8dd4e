/**
 * JSON parsing that refuses duplicate member names (authority-protocol.md, Conventions).
 * JSON.parse keeps the last duplicate silently, and jose does not look, so the text is walked here.
 */
export class StrictJsonError extends Error {
  constructor(
    readonly code: 'json-syntax' | 'json-duplicate-member',
    message: string,
  ) {
    super(message);
    this.name = 'StrictJsonError';
  }
}

export function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StrictJsonError('json-syntax', `malformed JSON: ${(error as Error).message}`);
  }
  // The text is valid JSON from here on, so the walk below only has to find object keys.
  new DuplicateMemberScan(text).run();
  return value;
}

class DuplicateMemberScan {
  private i = 0;
  constructor(private readonly text: string) {}

  run(): void {
    this.skipWs();
    this.value();
  }

  private skipWs(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i]!)) this.i++;
  }

  private value(): void {
    const c = this.text[this.i];
    if (c === '{') this.object();
    else if (c === '[') this.array();
    else if (c === '"') this.string();
    else {
      // number, true, false, null: runs until a structural character or whitespace
      while (this.i < this.text.length && !',]} \t\n\r'.includes(this.text[this.i]!)) this.i++;
    }
  }

  private object(): void {
    this.i++; // {
    const seen = new Set<string>();
    this.skipWs();
    if (this.text[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.skipWs();
      const start = this.i;
      this.string();
      const key = JSON.parse(this.text.slice(start, this.i)) as string;
      if (seen.has(key)) {
        throw new StrictJsonError('json-duplicate-member', `duplicate member name ${JSON.stringify(key)}`);
      }
      seen.add(key);
      this.skipWs();
      this.i++; // :
      this.skipWs();
      this.value();
      this.skipWs();
      if (this.text[this.i++] === '}') return;
    }
  }

  private array(): void {
    this.i++; // [
    this.skipWs();
    if (this.text[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.skipWs();
      this.value();
      this.skipWs();
      if (this.text[this.i++] === ']') return;
    }
  }

  private string(): void {
    this.i++; // opening quote
    while (this.text[this.i] !== '"') {
      if (this.text[this.i] === '\\') this.i++;
      this.i++;
    }
    this.i++; // closing quote
  }
}
