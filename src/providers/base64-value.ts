/** A base64 value decoded past its cap: the answer is refused while it streams, before the rest is read. */
export class DecodedTooLargeError extends Error {
  override readonly name = 'DecodedTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`an image in the answer decodes to more than ${maxBytes} bytes`);
  }
}

/**
 * One base64 value decoded as its characters stream in: whole groups of four are decoded at once, the rest waits
 * for the next characters. Node's decoder skips characters outside the base64 alphabets and stops at a `=` before
 * the end, so the value is invalid exactly when fewer bytes come out than its length promises.
 */
export class Base64Value {
  private carry = '';
  private invalidCharacters = false;
  private closed = false;
  private buffer: Buffer | undefined;
  private length = 0;
  /** Bytes decoded so far, in the buffer or in pieces. */
  private decoded = 0;
  private readonly pieces: Buffer[] = [];

  /**
   * With a `capacity` (the most bytes the value can decode to, known from `Content-Length`) the bytes are decoded
   * in place into one buffer: no pieces and no copy at the end, so one image costs its own size in memory. With
   * `maxBytes`, decoding past it throws a {@link DecodedTooLargeError}, and no more than that is ever reserved.
   */
  constructor(
    capacity?: number,
    private readonly maxBytes?: number,
  ) {
    const reserved = capacity === undefined || maxBytes === undefined ? capacity : Math.min(capacity, maxBytes + 3);
    this.buffer = reserved === undefined ? undefined : Buffer.allocUnsafeSlow(reserved);
  }

  /** True when a character was not base64, or the value never ended (its closing quote never came). */
  get invalid(): boolean {
    return this.invalidCharacters || !this.closed;
  }

  /** Adds base64 characters (no escapes, no line breaks). */
  decode(text: string): void {
    let rest = text;
    if (this.carry !== '') {
      const missing = 4 - this.carry.length;
      this.carry += rest.slice(0, missing);
      rest = rest.slice(missing);
      if (this.carry.length < 4) return;
      this.emit(this.carry);
      this.carry = '';
    }
    const usable = rest.length - (rest.length % 4);
    if (usable > 0) this.emit(usable === rest.length ? rest : rest.slice(0, usable));
    this.carry = rest.slice(usable);
  }

  /**
   * Decodes what is left and gives back what a capacity sized for several images over-reserved (most of it was
   * never touched), or zeroes the few spare bytes: they are uninitialized memory, reachable through `.buffer`.
   */
  close(): void {
    if (this.carry !== '') this.emit(this.carry);
    this.carry = '';
    this.closed = true;
    if (!this.buffer) return;
    if (this.length < this.buffer.length * 0.9) {
      const exact = Buffer.allocUnsafeSlow(this.length);
      this.buffer.copy(exact, 0, 0, this.length);
      this.buffer = exact;
    } else this.buffer.fill(0, this.length);
  }

  bytes(): Buffer {
    if (this.buffer) return this.buffer.subarray(0, this.length);
    return this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces);
  }

  private emit(base64: string): void {
    const expected = decodedLength(base64);
    if (this.maxBytes !== undefined && this.decoded + expected > this.maxBytes) {
      throw new DecodedTooLargeError(this.maxBytes);
    }
    const written = this.write(base64);
    this.decoded += written;
    if (written !== expected) this.invalidCharacters = true;
  }

  /** Decodes whole groups of four characters (or the value's last ones); returns the byte count. */
  private write(base64: string): number {
    const most = Math.ceil(base64.length / 4) * 3;
    if (this.buffer && this.length + most <= this.buffer.length) {
      const written = this.buffer.write(base64, this.length, 'base64');
      this.length += written;
      return written;
    }
    // No capacity, or the announced length was wrong: collect pieces instead.
    if (this.buffer) this.pieces.push(this.buffer.subarray(0, this.length));
    this.buffer = undefined;
    const piece = Buffer.from(base64, 'base64');
    this.pieces.push(piece);
    return piece.length;
  }
}

/** What base64 made only of alphabet characters (with `=` padding at the end at most) decodes to. */
function decodedLength(base64: string): number {
  let length = base64.length;
  while (length > 0 && base64.charCodeAt(length - 1) === 0x3d) length--;
  return Math.floor(length / 4) * 3 + Math.max(0, (length % 4) - 1);
}
