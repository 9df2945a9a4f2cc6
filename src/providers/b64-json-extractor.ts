import { Base64Value } from './base64-value.js';

/** Settings of {@link B64JsonExtractor}. */
export interface B64JsonExtractorOptions {
  /**
   * The body's length when announced (`Content-Length`). Each image is then decoded in place into one buffer sized
   * from what is left of the body: no pieces and no copy at the end, so one image costs its own size in memory.
   */
  readonly bodyBytes?: number;
  /** The keys whose string values are base64 images (`b64_json`; native Gemini answers use `data`). */
  readonly keys?: readonly string[];
  /** Most decoded bytes of one image; past it `write` throws a `DecodedTooLargeError`. */
  readonly maxImageBytes?: number;
}

/**
 * Streams a JSON response and pulls every `"b64_json"` string value (or those of the configured keys) out as decoded bytes while it arrives, so a
 * 27 MB base64 image never exists as a JS string (holding the whole body as a string and JSON-parsing it costs
 * about three copies of each image). What remains (the skeleton, small) is parsed with JSON.parse; each extracted
 * value is replaced by the placeholder `"\u0000b64:<index>"`.
 */
export class B64JsonExtractor {
  private readonly skeleton: Buffer[] = [];
  private skeletonStart = 0;
  private readonly images: Base64Value[] = [];
  /** Body bytes before the current chunk. */
  private offset = 0;
  private inString = false;
  private escaped = false;
  private stringBytes: number[] = [];
  private lastString: string | undefined;
  private expectingValue = false;
  private afterKeyColon = false;
  /** Inside a b64_json value: decoding. */
  private decoding = false;
  private invalid = false;
  private scratch = Buffer.alloc(0);
  private readonly keys: ReadonlySet<string>;

  constructor(private readonly options: B64JsonExtractorOptions = {}) {
    this.keys = new Set(options.keys ?? ['b64_json']);
  }

  write(chunk: Buffer): void {
    this.skeletonStart = 0;
    for (let index = 0; index < chunk.length; index++) {
      if (this.decoding) {
        const end = this.decodeRun(chunk, index);
        if (end === -1) break;
        index = end;
        this.skeletonStart = end + 1;
        continue;
      }
      this.scan(chunk[index] as number, chunk, index);
    }
    if (!this.decoding && this.skeletonStart < chunk.length) this.skeleton.push(chunk.subarray(this.skeletonStart));
    this.offset += chunk.length;
  }

  /** Parses the skeleton and puts the decoded images back in place of their placeholders. */
  finish(): { json: unknown; images: Buffer[]; invalidBase64: boolean } {
    const images = this.images.map((image) => image.bytes());
    const text = Buffer.concat(this.skeleton).toString('utf8');
    const json: unknown = JSON.parse(text);
    return { json, images, invalidBase64: this.invalid || this.images.some((image) => image.invalid) };
  }

  private scan(byte: number, chunk: Buffer, index: number): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (byte === 0x5c) this.escaped = true;
      else if (byte === 0x22) {
        this.inString = false;
        this.lastString = this.stringBytes.length <= 16 ? String.fromCharCode(...this.stringBytes) : undefined;
        this.expectingValue = true;
        return;
      }
      if (this.stringBytes.length <= 16) this.stringBytes.push(byte);
      return;
    }
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) return;
    if (byte === 0x3a && this.expectingValue) {
      this.afterKeyColon = this.lastString !== undefined && this.keys.has(this.lastString);
      this.expectingValue = false;
      return;
    }
    this.expectingValue = false;
    if (byte === 0x22) {
      if (this.afterKeyColon) {
        this.afterKeyColon = false;
        // Emit the skeleton up to and excluding the opening quote, then the placeholder.
        this.skeleton.push(chunk.subarray(this.skeletonStart, index));
        this.skeleton.push(Buffer.from(JSON.stringify(`\u0000b64:${this.images.length}`)));
        this.images.push(new Base64Value(this.capacityFrom(this.offset + index + 1), this.options.maxImageBytes));
        this.decoding = true;
        this.skeletonStart = index + 1;
        return;
      }
      this.inString = true;
      this.stringBytes = [];
      return;
    }
    this.afterKeyColon = false;
  }

  /** The most bytes a base64 value starting at body offset `start` can decode to, when the body length is known. */
  private capacityFrom(start: number): number | undefined {
    const { bodyBytes } = this.options;
    return bodyBytes === undefined || bodyBytes <= start ? undefined : Math.ceil((bodyBytes - start) / 4) * 3;
  }

  /** Decodes base64 from `start`; returns the index of the closing quote, or -1 if the chunk ended first. */
  private decodeRun(chunk: Buffer, start: number): number {
    const quote = chunk.indexOf(0x22, start);
    const end = quote === -1 ? chunk.length : quote;
    const run = chunk.subarray(start, end);
    // Fast path: native searches instead of a loop over every byte. Characters outside the alphabet are caught by
    // the decoded length (see `decode`); escapes and line breaks need the byte loop.
    if (this.escaped || run.indexOf(0x5c) !== -1 || run.indexOf(0x0a) !== -1 || run.indexOf(0x0d) !== -1) {
      return this.decodeRunByByte(chunk, start);
    }
    if (end > start) this.current().decode(chunk.toString('latin1', start, end));
    if (quote === -1) return -1;
    this.closeValue();
    return quote;
  }

  /** The slow path: copies the run's characters into `scratch` without escapes and line breaks, then decodes once. */
  private decodeRunByByte(chunk: Buffer, start: number): number {
    if (this.scratch.length < chunk.length - start) this.scratch = Buffer.allocUnsafe(chunk.length - start);
    const scratch = this.scratch;
    let length = 0;
    let closed = -1;
    let escaped = this.escaped;
    for (let index = start; index < chunk.length; index++) {
      const byte = chunk[index] as number;
      if (escaped) {
        escaped = false;
        // Inside base64 only `\/` (an escaped slash) and `\n`/`\r` (line breaks) make sense.
        if (byte === 0x2f) scratch[length++] = byte;
        else if (byte !== 0x6e && byte !== 0x72) this.invalid = true;
      } else if (byte === 0x22) {
        closed = index;
        break;
      } else if (byte === 0x5c) escaped = true;
      else if (byte !== 0x0a && byte !== 0x0d) scratch[length++] = byte;
    }
    this.escaped = escaped;
    if (length > 0) this.current().decode(scratch.toString('latin1', 0, length));
    if (closed === -1) return -1;
    this.closeValue();
    return closed;
  }

  private closeValue(): void {
    this.decoding = false;
    this.current().close();
  }

  private current(): Base64Value {
    return this.images.at(-1) as Base64Value;
  }
}
