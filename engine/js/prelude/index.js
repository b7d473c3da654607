// The runtime's own JavaScript. esbuild bundles this folder (and whatwg-url) into one script that
// is run once into the startup snapshot: `install(host)` defines the Web and Deno globals over the
// natives in `host` and returns the runtime's internal hooks. Nothing here may call a native at
// install time: natives need the isolate's host, which exists only when a Runtime runs.
import { bindText } from "./text.js";  // first: whatwg-url needs TextEncoder as it loads
import { URL, URLSearchParams } from "whatwg-url";
import { makeConsole } from "./console.js";
import { makeCrypto } from "./crypto.js";
import { makeDeno, makeErrors } from "./deno.js";
import { AbortController, AbortSignal, CustomEvent, DOMException, Event, EventTarget } from "./events.js";
import { Headers, Request, Response, makeFetch } from "./fetch.js";
import { inspect } from "./inspect.js";

export function install(host) {
  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });

  bindText(host);
  define("URL", URL);
  define("URLSearchParams", URLSearchParams);
  define("DOMException", DOMException);
  define("Event", Event);
  define("CustomEvent", CustomEvent);
  define("EventTarget", EventTarget);
  define("AbortController", AbortController);
  define("AbortSignal", AbortSignal);
  define("Headers", Headers);
  define("Request", Request);
  define("Response", Response);

  define("atob", (data) => host.atob(String(data)));
  define("btoa", (data) => host.btoa(String(data)));
  define("structuredClone", (value) => host.clone(value));
  define("setTimeout", (fn, ms = 0, ...args) => host.setTimer(checkCallback(fn, "setTimeout"), +ms || 0, false, args));
  define("setInterval", (fn, ms = 0, ...args) => host.setTimer(checkCallback(fn, "setInterval"), +ms || 0, true, args));
  define("clearTimeout", (id) => { if (typeof id === "number") host.clearTimer(id); });
  define("clearInterval", (id) => { if (typeof id === "number") host.clearTimer(id); });
  define("queueMicrotask", (fn) => host.queueMicrotask(checkCallback(fn, "queueMicrotask")));
  define("performance", Object.freeze({
    now: () => host.now(),
    get timeOrigin() { return host.timeOrigin(); },
    mark() {}, measure() {},
  }));
  const { crypto, CryptoKey } = makeCrypto(host);
  define("crypto", Object.freeze(crypto));
  define("CryptoKey", CryptoKey);
  define("console", makeConsole(host));
  const errors = makeErrors();
  const fetchWithHost = makeFetch(host, errors);
  define("fetch", function fetch(input, init) { return fetchWithHost(input, init, ""); });
  define("Deno", makeDeno(host, errors));
  define("self", globalThis);
  define("navigator", Object.freeze({ userAgent: "Pipedreamer", language: "en-US", hardwareConcurrency: 1 }));
  define("reportError", (error) => host.print("error", "Uncaught " + inspect(error)));

  // Calls a node whose module has evaluated, and reports the outcome of call `id` to the host:
  // a value that is not a thenable settles the call at once instead of after two rounds of
  // promise jobs.
  const callNode = (namespace, ctx, input, file, id) => {
    let value;
    try {
      value = nodeFunction(namespace, file)(ctx, input);
      if (value !== null && (typeof value === "object" || typeof value === "function") &&
          typeof value.then === "function") {
        const settled = [(result) => host.settle(id, true, result),
                         (error) => host.settle(id, false, error)];
        // A promise of this context is followed straight away; another thenable is adopted
        // into one first, as `await` would.
        const own = ReflectGetPrototypeOf(value) === promisePrototype;
        ReflectApply(promiseThen, own ? value : adopt(value), settled);
        return;
      }
    } catch (error) {
      host.settle(id, false, error);
      return;
    }
    host.settle(id, true, value);
  };

  // Hooks the runtime calls (kept off the global object once a context is made).
  return {
    // Per-context set-up: a controllable clock replaces Date's "now".
    init(options) {
      if (options.virtualClock) {
        const RealDate = Date;
        const now = () => host.wallNow();
        function PdDate(...args) {
          if (!new.target) return new RealDate(now()).toString();
          return args.length === 0 ? new RealDate(now()) : new RealDate(...args);
        }
        PdDate.prototype = RealDate.prototype;
        PdDate.now = now;
        PdDate.parse = RealDate.parse;
        PdDate.UTC = RealDate.UTC;
        Object.defineProperty(RealDate.prototype, "constructor", { value: PdDate, writable: true, configurable: true });
        define("Date", PdDate);
      }
      if (options.seededRandom) {
        Math.random = () => host.random();
      }
    },
    inspect,
    // The node's ctx builder: `factory(api)` from the embedder's context script, run once per
    // context, returns `(data) => ctx`. `api` holds what only the runtime may do: structured log
    // records, and fetch that may also reach one named host (ctx.fetch to its service's API
    // host, ctx.k8s to the cluster's API server), and built-ins as they were before any node
    // ran (a node's top-level code runs before the first ctx is built).
    makeContextBuilder(factory) {
      return factory(Object.freeze({
        log: (level, message, record) => host.print(level, message, JSON.stringify(record)),
        fetchAllowing: (allowed, input, init) => fetchWithHost(input, init, String(allowed)),
        inspect,
        defineAccessor: host.defineAccessor,
        parseJson: JSONParse,
      }));
    },
    // The data a ctx is built from: a call's own members followed by members many calls share.
    // The runtime compiles the shared members into an object literal handed to `withMembers`;
    // text that cannot be a literal is parsed by `mergeMembers` instead.
    withMembers,
    mergeMembers(node, executionId, shared) {
      return withMembers(node, executionId, JSONParse(shared));
    },
    // Awaits the module's evaluation (top-level await), calls its default export, and reports
    // the outcome of call `id` to the host.
    runNode(evaluation, namespace, ctx, input, file, id) {
      const run = async () => {
        await evaluation;
        return nodeFunction(namespace, file)(ctx, input);
      };
      run().then((value) => host.settle(id, true, value), (error) => host.settle(id, false, error));
    },
    // The same once the module has evaluated (above).
    callNode,
    // callNode with the ctx built and the input parsed here: one call from the runtime instead
    // of one for each. `makeData(node, executionId)` gives the ctx's data, `makeCtx(data,
    // trigger)` the ctx; the input is `inputText` parsed, or `input` when there is no text.
    callNodeWith(namespace, makeData, makeCtx, node, executionId, trigger, inputText, input, file, id) {
      const ctx = makeCtx(makeData(node, executionId), trigger);
      callNode(namespace, ctx, inputText === undefined ? input : JSONParse(inputText), file, id);
    },
    // The same without calling: loads the node and checks its default export.
    loadNode(evaluation, namespace, file, id) {
      const load = async () => {
        await evaluation;
        nodeFunction(namespace, file);
      };
      load().then(() => host.settle(id, true, undefined), (error) => host.settle(id, false, error));
    },
  };
}

// A call's own members on a plain object, then `shared`'s assigned onto it.
function withMembers(node, executionId, shared) {
  const data = {};
  data.node = node;
  data.executionId = executionId;
  return ObjectAssign(data, shared);
}

// This context's own built-ins, as they were before any node ran.
const promisePrototype = Promise.prototype;
const promiseThen = Promise.prototype.then;
const ReflectApply = Reflect.apply;
const ReflectGetPrototypeOf = Reflect.getPrototypeOf;
const ObjectAssign = Object.assign;
const JSONParse = JSON.parse;
const adopt = async (value) => value;

function nodeFunction(namespace, file) {
  const run = namespace.default;
  if (typeof run === "function") return run;
  const found = run === undefined ? "no default export" : "a default export that is not a function";
  const error = new TypeError(`${file}: expected \`export default async function run(ctx, input)\`, found ${found}`);
  error.pdPlain = true;
  throw error;
}

function checkCallback(fn, api) {
  if (typeof fn !== "function") throw new TypeError(`The callback of ${api} must be a function`);
  return fn;
}
