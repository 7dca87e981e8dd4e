/**
 * Reader wire protocol §4: MRZ lines end with CR (LF optional); a document ends with an empty
 * line or after its last line (TD1 3×30, TD2 2×36, TD3 2×44). Lines that cannot be MRZ lines
 * (other typing interleaved with a keyboard wedge, noise) are dropped.
 */
export class MrzLineAssembler {
  #partial = '';
  #lines: string[] = [];

  /** Feeds text; returns the documents (arrays of lines) completed by it. */
  push(text: string): string[][] {
    const documents: string[][] = [];
    for (const ch of text) {
      if (ch === '\r' || ch === '\n') {
        const line = this.#partial.trim().toUpperCase();
        this.#partial = '';
        if (ch === '\n' && line === '' && this.#lastWasCr) {
          this.#lastWasCr = false;
          continue;
        }
        this.#lastWasCr = ch === '\r';
        const done = this.#onLine(line);
        if (done) documents.push(done);
      } else {
        this.#lastWasCr = false;
        this.#partial += ch;
        if (this.#partial.length > 200) this.#partial = this.#partial.slice(-200);
      }
    }
    return documents;
  }

  #lastWasCr = false;

  #onLine(line: string): string[] | undefined {
    if (line === '') {
      return this.#flush();
    }
    if (!/^[A-Z0-9<]+$/.test(line) || ![30, 36, 44].includes(line.length)) return undefined;
    if (this.#lines.length > 0 && this.#lines[0]?.length !== line.length) this.#lines = [];
    this.#lines.push(line);
    const expected = line.length === 30 ? 3 : 2;
    if (this.#lines.length >= expected) return this.#flush();
    return undefined;
  }

  #flush(): string[] | undefined {
    const lines = this.#lines;
    this.#lines = [];
    return lines.length > 0 ? lines : undefined;
  }
}
