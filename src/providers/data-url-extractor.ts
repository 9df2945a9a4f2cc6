import { Base64Value } from './base64-value.js';

/** `data:image/<type>;base64,` at the start of a JSON string or after `(` (markdown `![image](…)`), ending a window. */
const prefixPattern = /(?:^|["(])data:image\/[a-z0-9.+-]+;base64,$/i;
const windowBytes = 64;

/**
 * Streams a chat completion and pulls every base64 image data URL out of its JSON strings while it arrives (new-api
 * puts Gemini's image in the assistant text as `![image](data:image/png;base64,…)`), so a 20 MB image never exists
 * as a JS string. The skeleton keeps the `data:<type>;base64,` prefix and replaces the payload with the placeholder
 * `\u0000img:<index>`; what remains is small and parsed with JSON.parse.
 */
export class DataUrlExtractor {
  private readonly skeleton: Buffer[] = [];
  private skeletonStart = 0;
  private readonly images: Base64Value[] = [];
  /** The last bytes of the previous chunk: a prefix may straddle two chunks. */
  private previousTail = Buffer.alloc(0);
  private inString = false;
  private escaped = false;
  private decoding = false;
  private invalid = false;

  /** With `maxImageBytes`, an image decoding past it makes `write` throw a `DecodedTooLargeError`. */
  constructor(private readonly maxImageBytes?: number) {}

  write(chunk: Buffer): void {
    this.skeletonStart = 0;
    for (let index = 0; index < chunk.length; index++) {
      if (this.decoding) {
        const end = this.decodeRun(chunk, index);
        if (end === -1) break;
        // The terminator (`)` or the closing quote) belongs to the skeleton and is scanned as usual.
        this.skeletonStart = end;
        index = end - 1;
        continue;
      }
      this.scan(chunk, index);
    }
    if (!this.decoding && this.skeletonStart < chunk.length) this.skeleton.push(chunk.subarray(this.skeletonStart));
    const tail = chunk.subarray(Math.max(0, chunk.length - windowBytes));
    this.previousTail =
      tail.length >= windowBytes ? Buffer.from(tail) : Buffer.concat([this.previousTail, tail]).subarray(-windowBytes);
  }

  /** Parses the skeleton; the images are in placeholder order. */
  finish(): { json: unknown; images: Buffer[]; invalidBase64: boolean } {
    const images = this.images.map((image) => image.bytes());
    const json: unknown = JSON.parse(Buffer.concat(this.skeleton).toString('utf8'));
    return { json, images, invalidBase64: this.invalid || this.images.some((image) => image.invalid) };
  }

  private scan(chunk: Buffer, index: number): void {
    const byte = chunk[index] as number;
    if (!this.inString) {
      if (byte === 0x22) this.inString = true;
      return;
    }
    if (this.escaped) {
      this.escaped = false;
      return;
    }
    if (byte === 0x5c) this.escaped = true;
    else if (byte === 0x22) this.inString = false;
    else if (byte === 0x2c && prefixPattern.test(this.window(chunk, index))) {
      this.skeleton.push(chunk.subarray(this.skeletonStart, index + 1));
      this.skeleton.push(Buffer.from(`\\u0000img:${this.images.length}`));
      this.images.push(new Base64Value(undefined, this.maxImageBytes));
      this.decoding = true;
      this.skeletonStart = index + 1;
    }
  }

  /** The bytes up to and including `index`, at most `windowBytes` of them, across the previous chunk. */
  private window(chunk: Buffer, index: number): string {
    if (index + 1 >= windowBytes) return chunk.toString('latin1', index + 1 - windowBytes, index + 1);
    return Buffer.concat([this.previousTail, chunk.subarray(0, index + 1)])
      .subarray(-windowBytes)
      .toString('latin1');
  }

  /** Decodes base64 from `start` up to `)` or `"`; returns the terminator's index, or -1 if the chunk ended first. */
  private decodeRun(chunk: Buffer, start: number): number {
    const stops = new Stops(chunk);
    let index = start;
    while (index < chunk.length) {
      if (this.escaped) {
        // Inside base64 only `\/` (an escaped slash) and `\n`/`\r` (line breaks) make sense.
        const byte = chunk[index] as number;
        this.escaped = false;
        if (byte === 0x2f) this.current().decode('/');
        else if (byte !== 0x6e && byte !== 0x72) this.invalid = true;
        index++;
        continue;
      }
      const stop = stops.first(index);
      const end = stop === -1 ? chunk.length : stop;
      if (end > index) this.current().decode(chunk.toString('latin1', index, end));
      if (stop === -1) return -1;
      if (chunk[stop] === 0x5c) {
        this.escaped = true;
        index = stop + 1;
        continue;
      }
      this.current().close();
      this.decoding = false;
      return stop;
    }
    return -1;
  }

  private current(): Base64Value {
    return this.images.at(-1) as Base64Value;
  }
}

/** Finds the next `)`, quote or backslash with native searches, each redone only once passed (escapes can be frequent). */
class Stops {
  private readonly next = [-2, -2, -2];

  constructor(private readonly chunk: Buffer) {}

  first(from: number): number {
    let first = -1;
    [0x29, 0x22, 0x5c].forEach((byte, slot) => {
      let found = this.next[slot] as number;
      if (found !== -1 && found < from) found = this.chunk.indexOf(byte, from);
      this.next[slot] = found;
      if (found !== -1 && (first === -1 || found < first)) first = found;
    });
    return first;
  }
}
