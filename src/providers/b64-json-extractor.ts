/**
 * Streams a JSON response and pulls every `"b64_json"` string value out as decoded bytes while it arrives, so a
 * 27 MB base64 image never exists as a JS string (holding the whole body as a string and JSON-parsing it costs
 * about three copies of each image). What remains (the skeleton, small) is parsed with JSON.parse; each extracted
 * value is replaced by the placeholder `"\u0000b64:<index>"`.
 */
export class B64JsonExtractor {
  private readonly skeleton: Buffer[] = [];
  private skeletonStart = 0;
  private readonly images: Buffer[][] = [];
  private inString = false;
  private escaped = false;
  private stringBytes: number[] = [];
  private lastString: string | undefined;
  private expectingValue = false;
  private afterKeyColon = false;
  /** Inside a b64_json value: decoding. */
  private decoding = false;
  private carry = '';
  private invalid = false;

  write(chunk: Buffer): void {
    this.skeletonStart = 0;
    for (let index = 0; index < chunk.length; index++) {
      const byte = chunk[index] as number;
      if (this.decoding) {
        const end = this.decodeRun(chunk, index);
        if (end === -1) return;
        index = end;
        this.skeletonStart = end + 1;
        continue;
      }
      this.scan(byte, chunk, index);
    }
    if (this.skeletonStart < chunk.length) this.skeleton.push(chunk.subarray(this.skeletonStart));
  }

  /** Parses the skeleton and puts the decoded images back in place of their placeholders. */
  finish(): { json: unknown; images: Buffer[]; invalidBase64: boolean } {
    const images = this.images.map((parts) => (parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)));
    const text = Buffer.concat(this.skeleton).toString('utf8');
    const json: unknown = JSON.parse(text);
    return { json, images, invalidBase64: this.invalid || this.decoding };
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
      this.afterKeyColon = this.lastString === 'b64_json';
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
        this.images.push([]);
        this.decoding = true;
        this.carry = '';
        this.skeletonStart = index + 1;
        return;
      }
      this.inString = true;
      this.stringBytes = [];
      return;
    }
    this.afterKeyColon = false;
  }

  /** Decodes base64 from `start`; returns the index of the closing quote, or -1 if the chunk ended first. */
  private decodeRun(chunk: Buffer, start: number): number {
    let end = start;
    let text = this.carry;
    let closed = -1;
    while (end < chunk.length) {
      const byte = chunk[end] as number;
      if (byte === 0x22 && !this.escaped) {
        closed = end;
        break;
      }
      if (this.escaped) {
        this.escaped = false;
        // Inside base64 only `\/` (an escaped slash) and `\n`/`\r` (line breaks) make sense.
        if (byte === 0x2f) text += '/';
        else if (byte !== 0x6e && byte !== 0x72) this.invalid = true;
      } else if (byte === 0x5c) this.escaped = true;
      else if (isBase64Byte(byte)) text += String.fromCharCode(byte);
      else if (byte !== 0x0a && byte !== 0x0d) this.invalid = true;
      end++;
      // Decode in slices so `text` stays small.
      if (text.length >= 65536) text = this.emit(text, false);
    }
    if (closed === -1) {
      this.carry = this.emit(text, false);
      return -1;
    }
    this.emit(text, true);
    this.carry = '';
    this.decoding = false;
    return closed;
  }

  private emit(text: string, final: boolean): string {
    const usable = final ? text.length : text.length - (text.length % 4);
    if (usable > 0) {
      const normalized = text.slice(0, usable).replace(/-/g, '+').replace(/_/g, '/');
      (this.images.at(-1) as Buffer[]).push(Buffer.from(normalized, 'base64'));
    }
    return text.slice(usable);
  }
}

function isBase64Byte(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2b ||
    byte === 0x2f ||
    byte === 0x3d ||
    byte === 0x2d ||
    byte === 0x5f
  );
}
