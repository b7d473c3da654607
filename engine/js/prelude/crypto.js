// Web Crypto: getRandomValues, randomUUID, and the subtle subset nodes use — digest (SHA-1/256/
// 384/512) and HMAC importKey/exportKey/generateKey/sign/verify — over OpenSSL natives.
import { DOMException } from "./events.js";

const toBytes = (data) => {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError("Expected an ArrayBuffer or an ArrayBufferView (e.g. Uint8Array)");
};
const hashName = (hash) => {
  const name = typeof hash === "string" ? hash : hash?.name;
  const upper = String(name).toUpperCase();
  if (!["SHA-1", "SHA-256", "SHA-384", "SHA-512"].includes(upper)) {
    throw new DOMException(`Unrecognized algorithm name: ${name}`, "NotSupportedError");
  }
  return upper;
};

export function makeCrypto(host) {
  const kSecret = Symbol("secret");
  class CryptoKey {
    constructor(token, algorithm, extractable, usages, secret) {
      if (token !== kSecret) throw new TypeError("Illegal constructor");
      this.type = "secret";
      this.algorithm = algorithm;
      this.extractable = extractable;
      this.usages = usages;
      Object.defineProperty(this, kSecret, { value: secret });
    }
  }
  const hmacKey = (key, usage) => {
    if (!(key instanceof CryptoKey) || key.algorithm.name !== "HMAC") {
      throw new DOMException("The key is not an HMAC key", "InvalidAccessError");
    }
    if (!key.usages.includes(usage)) {
      throw new DOMException(`The key does not allow "${usage}"`, "InvalidAccessError");
    }
    return key[kSecret];
  };
  const algorithmName = (algorithm) => String(typeof algorithm === "string" ? algorithm : algorithm?.name).toUpperCase();
  const subtle = {
    async digest(algorithm, data) {
      return host.digest(hashName(typeof algorithm === "string" ? algorithm : algorithm?.name), toBytes(data));
    },
    async importKey(format, keyData, algorithm, extractable, usages) {
      if (algorithmName(algorithm) !== "HMAC") {
        throw new DOMException(`Unsupported algorithm: ${algorithm?.name ?? algorithm} (HMAC only)`, "NotSupportedError");
      }
      let raw;
      if (format === "raw") raw = new Uint8Array(toBytes(keyData));
      else if (format === "jwk") raw = Uint8Array.from(atob(keyData.k.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
      else throw new DOMException(`Unsupported key format: ${format}`, "NotSupportedError");
      const hash = hashName(algorithm.hash);
      return new CryptoKey(kSecret, { name: "HMAC", hash: { name: hash }, length: raw.length * 8 },
        !!extractable, [...usages], raw);
    },
    async generateKey(algorithm, extractable, usages) {
      const hash = hashName(algorithm.hash);
      const bytes = (algorithm.length ?? (hash === "SHA-384" || hash === "SHA-512" ? 1024 : 512)) / 8;
      const raw = crypto.getRandomValues(new Uint8Array(bytes));
      return new CryptoKey(kSecret, { name: "HMAC", hash: { name: hash }, length: bytes * 8 }, !!extractable, [...usages], raw);
    },
    async exportKey(format, key) {
      if (!key.extractable) throw new DOMException("The key is not extractable", "InvalidAccessError");
      if (format !== "raw") throw new DOMException(`Unsupported key format: ${format}`, "NotSupportedError");
      return key[kSecret].slice().buffer;
    },
    async sign(algorithm, key, data) {
      if (algorithmName(algorithm) !== "HMAC") throw new DOMException("Only HMAC can sign", "NotSupportedError");
      return host.hmac(key.algorithm.hash.name, hmacKey(key, "sign"), toBytes(data));
    },
    async verify(algorithm, key, signature, data) {
      if (algorithmName(algorithm) !== "HMAC") throw new DOMException("Only HMAC can verify", "NotSupportedError");
      const expected = host.hmac(key.algorithm.hash.name, hmacKey(key, "verify"), toBytes(data));
      return host.timingSafeEqual(new Uint8Array(expected), toBytes(signature));
    },
  };
  const crypto = {
    subtle,
    randomUUID: () => host.randomUUID(),
    getRandomValues(array) {
      if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView) {
        throw new DOMException("getRandomValues needs an integer typed array", "TypeMismatchError");
      }
      if (array.byteLength > 65536) {
        throw new DOMException("getRandomValues: the array is larger than 65536 bytes", "QuotaExceededError");
      }
      host.fillRandom(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      return array;
    },
  };
  return { crypto, CryptoKey };
}
