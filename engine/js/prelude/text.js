// TextEncoder/TextDecoder (UTF-8 only, as in Deno's default build) over native transcoding.
// Defined as globals when this module loads, because whatwg-url makes encoders at load time; the
// natives they call are bound later, by install().
const natives = { host: null };

export function bindText(host) {
  natives.host = host;
}

{
  const host = { utf8Encode: (s) => natives.host.utf8Encode(s), utf8Decode: (b, f) => natives.host.utf8Decode(b, f) };
  class TextEncoder {
    get encoding() { return "utf-8"; }
    encode(input = "") { return host.utf8Encode(String(input)); }
    encodeInto(input, dest) {
      const bytes = host.utf8Encode(String(input));
      const n = Math.min(bytes.length, dest.length);
      dest.set(bytes.subarray(0, n));
      return { read: n === bytes.length ? String(input).length : undefined, written: n };
    }
  }
  class TextDecoder {
    #fatal; #ignoreBOM;
    constructor(label = "utf-8", options = {}) {
      const l = String(label).trim().toLowerCase();
      if (l !== "utf-8" && l !== "utf8" && l !== "unicode-1-1-utf-8") {
        throw new RangeError(`The encoding label provided ('${label}') is invalid.`);
      }
      this.#fatal = !!options.fatal;
      this.#ignoreBOM = !!options.ignoreBOM;
    }
    get encoding() { return "utf-8"; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }
    decode(input = new Uint8Array(0)) {
      const bytes = input instanceof Uint8Array ? input
        : ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
        : new Uint8Array(input);
      const text = host.utf8Decode(bytes, this.#fatal);
      if (text === null) throw new TypeError("The encoded data was not valid UTF-8");
      return !this.#ignoreBOM && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    }
  }
  for (const [name, value] of Object.entries({ TextEncoder, TextDecoder })) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
