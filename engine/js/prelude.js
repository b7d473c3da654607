// The runtime's own JavaScript, run in every fresh context before a node loads: Web APIs built on
// the natives the host passes in as `host` (base64, clock, randomness). Keep it small and
// dependency-free; it is embedded into the binary.
(function (host) {
  "use strict";
  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });

  define("atob", (data) => host.atob(String(data)));
  define("btoa", (data) => host.btoa(String(data)));

  class TextEncoder {
    get encoding() { return "utf-8"; }
    encode(input = "") {
      const s = String(input);
      const out = [];
      for (let i = 0; i < s.length; i++) {
        let c = s.codePointAt(i);
        if (c > 0xffff) i++;
        if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;  // lone surrogate
        if (c < 0x80) out.push(c);
        else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
        else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      }
      return new Uint8Array(out);
    }
  }
  class TextDecoder {
    constructor(label = "utf-8") {
      const l = String(label).toLowerCase();
      if (l !== "utf-8" && l !== "utf8") throw new RangeError(`The encoding "${label}" is not supported`);
    }
    get encoding() { return "utf-8"; }
    decode(input) {
      if (input === undefined) return "";
      const bytes = input instanceof Uint8Array ? input
        : ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
        : new Uint8Array(input);
      let out = "";
      for (let i = 0; i < bytes.length;) {
        const b = bytes[i];
        let c = 0xfffd, n = 1;
        if (b < 0x80) { c = b; }
        else if (b >= 0xc2 && b < 0xe0 && (bytes[i + 1] & 0xc0) === 0x80) { c = ((b & 31) << 6) | (bytes[i + 1] & 63); n = 2; }
        else if (b >= 0xe0 && b < 0xf0 && (bytes[i + 1] & 0xc0) === 0x80 && (bytes[i + 2] & 0xc0) === 0x80) {
          c = ((b & 15) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63); n = 3;
        } else if (b >= 0xf0 && b < 0xf5 && (bytes[i + 1] & 0xc0) === 0x80 && (bytes[i + 2] & 0xc0) === 0x80 && (bytes[i + 3] & 0xc0) === 0x80) {
          c = ((b & 7) << 18) | ((bytes[i + 1] & 63) << 12) | ((bytes[i + 2] & 63) << 6) | (bytes[i + 3] & 63); n = 4;
        }
        out += String.fromCodePoint(c);
        i += n;
      }
      return out;
    }
  }
  define("TextEncoder", TextEncoder);
  define("TextDecoder", TextDecoder);

  define("performance", Object.freeze({ now: () => host.now(), timeOrigin: host.timeOrigin }));
  define("structuredClone", (value) => host.clone(value));
  define("crypto", Object.freeze({
    randomUUID: () => host.randomUUID(),
    getRandomValues(array) {
      if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array) {
        throw new TypeError("getRandomValues needs an integer typed array");
      }
      if (array.byteLength > 65536) {
        throw new RangeError("getRandomValues: the array is larger than 65536 bytes");
      }
      host.fillRandom(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      return array;
    },
  }));

  // Deno compatibility subset. Host natives throw {code, message}; codes become Deno.errors.
  const errors = {};
  for (const name of ["NotFound", "PermissionDenied", "AlreadyExists", "IsADirectory", "Other"]) {
    errors[name] = class extends Error {
      constructor(message) { super(message); this.name = name; }
    };
  }
  const call = (fn, ...args) => {
    try {
      return fn(...args);
    } catch (e) {
      const Kind = e && errors[e.code];
      if (Kind) throw new Kind(e.message);
      throw e;
    }
  };
  const pathOf = (p) => (typeof URL !== "undefined" && p instanceof URL ? p.pathname : String(p));
  const toFileInfo = (s) => ({
    isFile: s.isFile, isDirectory: s.isDirectory, isSymlink: s.isSymlink, size: s.size,
    mtime: s.mtime ? new Date(s.mtime) : null,
  });
  const env = host.env();
  define("Deno", Object.freeze({
    errors: Object.freeze(errors),
    readTextFile: async (p) => call(host.readFile, pathOf(p), false),
    readFile: async (p) => call(host.readFile, pathOf(p), true),
    readTextFileSync: (p) => call(host.readFile, pathOf(p), false),
    stat: async (p) => toFileInfo(call(host.stat, pathOf(p), true)),
    lstat: async (p) => toFileInfo(call(host.stat, pathOf(p), false)),
    readDir: (p) => {
      const entries = call(host.readDir, pathOf(p));
      return (async function* () { yield* entries; })();
    },
    cwd: () => host.cwd(),
    env: Object.freeze({
      get: (key) => env[key],
      has: (key) => Object.prototype.hasOwnProperty.call(env, key),
      toObject: () => ({ ...env }),
    }),
  }));
});
