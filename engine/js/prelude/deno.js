// The Deno compatibility subset existing Pipedreamer nodes use. Natives throw Errors carrying a
// `code` (NotFound, PermissionDenied, …); `errors.wrap` turns them into Deno.errors classes.
// Permissions are checked by the host, never here.
import { inspect } from "./inspect.js";

const kErrorNames = ["NotFound", "PermissionDenied", "AlreadyExists", "IsADirectory", "NotADirectory",
  "InvalidData", "TimedOut", "Interrupted", "ConnectionRefused", "ConnectionReset", "BadResource",
  "Http", "Busy", "NotSupported", "WriteZero", "UnexpectedEof", "AddrInUse"];

export function makeErrors() {
  const classes = {};
  for (const name of kErrorNames) {
    classes[name] = { [name]: class extends Error {
      constructor(message, options) { super(message, options); this.name = name; }
    } }[name];
  }
  const wrap = (e) => {
    const Kind = e && typeof e.code === "string" && classes[e.code];
    if (!Kind) return e;
    const error = new Kind(e.message);
    error.code = e.code;
    return error;
  };
  return { classes: Object.freeze(classes), wrap };
}

export function makeDeno(host, errors) {
  const call = (fn, ...args) => {
    try {
      return fn(...args);
    } catch (e) {
      throw errors.wrap(e);
    }
  };
  const pathOf = (p) => (p instanceof URL ? decodeURIComponent(p.pathname) : String(p));
  const fileInfo = (s) => ({
    isFile: s.isFile, isDirectory: s.isDirectory, isSymlink: s.isSymlink, size: s.size,
    mtime: s.mtime ? new Date(s.mtime) : null, atime: null, birthtime: null,
  });
  const write = (p, data, options = {}) =>
    call(host.writeFile, pathOf(p), data, !!options.append, options.create !== false);
  const envOverlay = new Map();  // Deno.env.set/delete stay inside this context
  const envObject = () => {
    const base = host.env();
    for (const [k, v] of envOverlay) {
      if (v === undefined) delete base[k];
      else base[k] = v;
    }
    return base;
  };
  const checkKey = (key) => {
    const k = String(key);
    if (!k || k.includes("=") || k.includes("\0")) throw new TypeError(`Key is an empty string or contains "=": ${k}`);
    return k;
  };
  class HttpClient {
    #caCerts;
    constructor(caCerts) { this.#caCerts = caCerts; }
    get caCerts() { return this.#caCerts; }
    close() {}
  }
  return Object.freeze({
    errors: errors.classes,
    build: Object.freeze({ os: "linux", arch: "x86_64", target: "x86_64-unknown-linux-gnu" }),
    version: Object.freeze({ deno: "2.0.0-pipedreamer", v8: host.v8Version(), typescript: "5.x (types stripped)" }),
    readTextFile: async (p) => call(host.readFile, pathOf(p), false),
    readFile: async (p) => call(host.readFile, pathOf(p), true),
    readTextFileSync: (p) => call(host.readFile, pathOf(p), false),
    readFileSync: (p) => call(host.readFile, pathOf(p), true),
    writeTextFile: async (p, text, options) => write(p, String(text), options),
    writeFile: async (p, bytes, options) => write(p, bytes, options),
    writeTextFileSync: (p, text, options) => write(p, String(text), options),
    writeFileSync: (p, bytes, options) => write(p, bytes, options),
    mkdir: async (p, options = {}) => call(host.mkdir, pathOf(p), !!options.recursive),
    mkdirSync: (p, options = {}) => call(host.mkdir, pathOf(p), !!options.recursive),
    remove: async (p, options = {}) => call(host.remove, pathOf(p), !!options.recursive),
    removeSync: (p, options = {}) => call(host.remove, pathOf(p), !!options.recursive),
    stat: async (p) => fileInfo(call(host.stat, pathOf(p), true)),
    lstat: async (p) => fileInfo(call(host.stat, pathOf(p), false)),
    statSync: (p) => fileInfo(call(host.stat, pathOf(p), true)),
    lstatSync: (p) => fileInfo(call(host.stat, pathOf(p), false)),
    readDir: (p) => {
      let entries;
      try {
        entries = call(host.readDir, pathOf(p));
      } catch (e) {
        return (async function* () { throw e; })();
      }
      return (async function* () { yield* entries; })();
    },
    readDirSync: (p) => call(host.readDir, pathOf(p))[Symbol.iterator](),
    cwd: () => host.cwd(),
    env: Object.freeze({
      get: (key) => envObject()[checkKey(key)],
      has: (key) => Object.prototype.hasOwnProperty.call(envObject(), checkKey(key)),
      set: (key, value) => { envOverlay.set(checkKey(key), String(value)); },
      delete: (key) => { envOverlay.set(checkKey(key), undefined); },
      toObject: () => envObject(),
    }),
    createHttpClient: (options = {}) => {
      const certs = options.caCerts ?? [];
      if (!Array.isArray(certs) || certs.some((c) => typeof c !== "string")) {
        throw new TypeError("Deno.createHttpClient: caCerts must be an array of PEM strings");
      }
      return new HttpClient([...certs]);
    },
    inspect: (value, options) => inspect(value, options),
    unrefTimer: (id) => host.unrefTimer(id),
    refTimer: (id) => host.refTimer(id),
  });
}
