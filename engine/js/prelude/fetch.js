// fetch with Headers, Request and Response (WHATWG Fetch, buffered bodies). The request itself is
// made by the host off the isolate thread (host.fetch → Promise), which applies the node's network
// permissions, redirects, the timeout and the response size limit.
import { DOMException } from "./events.js";

// Resolved at call time: the globals exist only after install().
const encoder = { encode: (s) => new TextEncoder().encode(s) };
const decoder = { decode: (b) => new TextDecoder().decode(b) };
const kTokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const kForbiddenValueRe = /[\0\r\n]/;

function normalizeValue(value) {
  return String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
}

export class Headers {
  #list = [];  // [lowercase name, value] in insertion order
  constructor(init) {
    if (init == null) return;
    if (init instanceof Headers) {
      for (const [k, v] of init.#list) this.#list.push([k, v]);
    } else if (typeof init[Symbol.iterator] === "function") {
      for (const pair of init) {
        const entry = [...pair];
        if (entry.length !== 2) throw new TypeError("Headers: each header must be a [name, value] pair");
        this.append(entry[0], entry[1]);
      }
    } else if (typeof init === "object") {
      for (const key of Object.keys(init)) this.append(key, init[key]);
    } else {
      throw new TypeError("Headers: init must be an object, an iterable of pairs or Headers");
    }
  }
  #name(name) {
    const n = String(name);
    if (!kTokenRe.test(n)) throw new TypeError(`Header name is not valid: "${n}"`);
    return n.toLowerCase();
  }
  #value(value) {
    const v = normalizeValue(value);
    if (kForbiddenValueRe.test(v)) throw new TypeError(`Header value is not valid: "${v}"`);
    return v;
  }
  append(name, value) { this.#list.push([this.#name(name), this.#value(value)]); }
  set(name, value) {
    const n = this.#name(name);
    const v = this.#value(value);
    const i = this.#list.findIndex(([k]) => k === n);
    this.#list = this.#list.filter(([k], j) => k !== n || j === i);
    if (i >= 0) this.#list[this.#list.findIndex(([k]) => k === n)][1] = v;
    else this.#list.push([n, v]);
  }
  get(name) {
    const n = this.#name(name);
    const values = this.#list.filter(([k]) => k === n).map(([, v]) => v);
    return values.length ? values.join(", ") : null;
  }
  getSetCookie() { return this.#list.filter(([k]) => k === "set-cookie").map(([, v]) => v); }
  has(name) { const n = this.#name(name); return this.#list.some(([k]) => k === n); }
  delete(name) { const n = this.#name(name); this.#list = this.#list.filter(([k]) => k !== n); }
  *entries() {
    const names = [...new Set(this.#list.map(([k]) => k))].sort();
    for (const n of names) {
      if (n === "set-cookie") for (const v of this.getSetCookie()) yield [n, v];
      else yield [n, this.get(n)];
    }
  }
  *keys() { for (const [k] of this.entries()) yield k; }
  *values() { for (const [, v] of this.entries()) yield v; }
  forEach(callback, thisArg) { for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this); }
  [Symbol.iterator]() { return this.entries(); }
  [Symbol.for("Deno.customInspect")](inspect) { return `Headers ${inspect(Object.fromEntries(this))}`; }
  static raw(headers) { return headers.#list.map(([k, v]) => [k, v]); }
}

// Body init → [bytes or null, default content type or null].
function extractBody(body) {
  if (body == null) return [null, null];
  if (typeof body === "string") return [encoder.encode(body), "text/plain;charset=UTF-8"];
  if (body instanceof URLSearchParams) {
    return [encoder.encode(body.toString()), "application/x-www-form-urlencoded;charset=UTF-8"];
  }
  if (body instanceof ArrayBuffer) return [new Uint8Array(body.slice(0)), null];
  if (ArrayBuffer.isView(body)) {
    return [new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), null];
  }
  return [encoder.encode(String(body)), "text/plain;charset=UTF-8"];
}

// Response.body / Request.body: bodies arrive whole, so the stream holds one chunk — enough for
// getReader().read(), `for await` and cancel() as Deno code uses them. Reading or cancelling it
// uses the body up, as with a real stream.
class BodyStream {
  #take; #locked = false; #done = false;
  constructor(take) { this.#take = take; }
  get locked() { return this.#locked; }
  cancel() {
    this.#done = true;
    this.#take();
    return Promise.resolve();
  }
  getReader() {
    if (this.#locked) throw new TypeError("ReadableStream is locked");
    this.#locked = true;
    return {
      read: () => this.#read(),
      cancel: () => this.cancel(),
      releaseLock: () => { this.#locked = false; },
      closed: Promise.resolve(undefined),
    };
  }
  #read() {
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    this.#done = true;
    const bytes = this.#take();
    return Promise.resolve(bytes && bytes.length > 0 ? { value: bytes, done: false } : { value: undefined, done: true });
  }
  async *[Symbol.asyncIterator]() {
    const reader = this.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
}

class Body {
  #bytes; #used = false; #stream = null;
  constructor(bytes) { this.#bytes = bytes; }
  get bodyUsed() { return this.#used; }
  get body() {
    if (this.#bytes === null) return null;
    return (this.#stream ??= new BodyStream(() => {
      if (this.#used) return null;
      this.#used = true;
      return this.#bytes;
    }));
  }
  #consume() {
    if (this.#used) return Promise.reject(new TypeError("Body already consumed"));
    this.#used = true;
    return Promise.resolve(this.#bytes ?? new Uint8Array(0));
  }
  async arrayBuffer() {
    const bytes = await this.#consume();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }
  async bytes() { return new Uint8Array(await this.arrayBuffer()); }
  async text() { return decoder.decode(await this.#consume()); }
  async json() {
    const text = await this.text();
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new SyntaxError(`${e.message} (body of ${this.url || "the message"}: ${JSON.stringify(text.slice(0, 60))})`);
    }
  }
  static bytes(body) { return body.#bytes; }
  static setBytes(body, bytes) { body.#bytes = bytes; }
  static used(body) { return body.#used; }
}

const kMethods = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"];

export class Request extends Body {
  #url; #method; #headers; #signal; #redirect; #client;
  constructor(input, init = {}) {
    const source = input instanceof Request ? input : null;
    let bodyInit = init.body;
    if (bodyInit === undefined && source) bodyInit = Body.bytes(source);
    const [bytes, type] = extractBody(bodyInit);
    super(bytes);
    this.#url = source ? source.url : new URL(String(input)).href;
    let method = String(init.method ?? source?.method ?? "GET");
    if (kMethods.includes(method.toUpperCase())) method = method.toUpperCase();
    if (!kTokenRe.test(method)) throw new TypeError(`'${method}' is not a valid HTTP method`);
    this.#method = method;
    if ((method === "GET" || method === "HEAD") && bytes !== null) {
      throw new TypeError("Request with GET/HEAD method cannot have body");
    }
    this.#headers = new Headers(init.headers ?? source?.headers);
    if (type && !this.#headers.has("content-type")) this.#headers.set("content-type", type);
    this.#signal = init.signal ?? source?.signal ?? new AbortController().signal;
    this.#redirect = init.redirect ?? source?.redirect ?? "follow";
    this.#client = init.client ?? source?.client ?? null;
  }
  get url() { return this.#url; }
  get method() { return this.#method; }
  get headers() { return this.#headers; }
  get signal() { return this.#signal; }
  get redirect() { return this.#redirect; }
  get client() { return this.#client; }
  clone() {
    if (this.bodyUsed) throw new TypeError("Cannot clone a Request whose body was used");
    return new Request(this);
  }
}

export class Response extends Body {
  #status; #statusText; #headers; #url = ""; #redirected = false; #type = "default";
  constructor(body = null, init = {}) {
    const [bytes, type] = extractBody(body);
    super(bytes);
    const status = init.status ?? 200;
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`The status provided (${status}) is outside the range [200, 599]`);
    }
    this.#status = status;
    this.#statusText = String(init.statusText ?? "");
    this.#headers = new Headers(init.headers);
    if (type && !this.#headers.has("content-type")) this.#headers.set("content-type", type);
  }
  get status() { return this.#status; }
  get statusText() { return this.#statusText; }
  get ok() { return this.#status >= 200 && this.#status < 300; }
  get headers() { return this.#headers; }
  get url() { return this.#url; }
  get redirected() { return this.#redirected; }
  get type() { return this.#type; }
  clone() {
    if (this.bodyUsed) throw new TypeError("Cannot clone a Response whose body was used");
    return Response.fromHost({ status: this.#status, statusText: this.#statusText,
      headers: Headers.raw(this.#headers), body: Body.bytes(this), url: this.#url, redirected: this.#redirected });
  }
  static json(data, init = {}) {
    const headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new Response(JSON.stringify(data), { ...init, headers });
  }
  static error() {
    const r = new Response(null, { status: 200 });
    r.#status = 0;
    r.#type = "error";
    return r;
  }
  static redirect(url, status = 302) {
    if (![301, 302, 303, 307, 308].includes(status)) throw new RangeError(`Invalid redirect status ${status}`);
    const r = new Response(null, { status, headers: { location: new URL(url).href } });
    return r;
  }
  // A response made from what host.fetch resolved with.
  static fromHost(raw) {
    const r = new Response(null, { status: 200 });
    Response.#fill(r, raw);
    return r;
  }
  static #fill(r, raw) {
    r.#status = raw.status;
    r.#statusText = raw.statusText ?? "";
    r.#headers = new Headers(raw.headers);
    r.#url = raw.url ?? "";
    r.#redirected = !!raw.redirected;
    r.#type = "basic";
    Body.setBytes(r, raw.body ?? null);
  }
}

export function makeFetch(host, errors) {
  // `extraHost` is also allowed for this request (ctx.fetch to its service's API host).
  return function fetch(input, init = undefined, extraHost = "") {
    let request;
    try {
      request = new Request(input, init);
    } catch (e) {
      return Promise.reject(e);
    }
    const signal = request.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    if (Body.used(request)) return Promise.reject(new TypeError("Request body already consumed"));
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      const caCerts = request.client?.caCerts ?? [];
      let pending;
      try {
        pending = host.fetch(request.method, request.url, Headers.raw(request.headers),
          Body.bytes(request), caCerts, request.redirect, extraHost);
      } catch (e) {
        signal.removeEventListener("abort", onAbort);
        reject(errors.wrap(e));
        return;
      }
      pending.then((raw) => {
        signal.removeEventListener("abort", onAbort);
        resolve(Response.fromHost(raw));
      }, (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(errors.wrap(e));
      });
    });
  };
}

export { DOMException };
