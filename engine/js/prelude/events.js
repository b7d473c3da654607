// DOMException, Event, CustomEvent, EventTarget, AbortController and AbortSignal (WHATWG DOM),
// as much as nodes use: listeners with once/signal, abort reasons, AbortSignal.timeout/any.

const kInternal = Symbol("internal");
const kAbort = Symbol("abort");

const kErrorCodes = { IndexSizeError: 1, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
  SyntaxError: 12, InvalidAccessError: 15, TypeMismatchError: 17, NetworkError: 19, AbortError: 20,
  TimeoutError: 23, DataCloneError: 25 };

export class DOMException extends Error {
  constructor(message = "", name = "Error") {
    super(message);
    Object.defineProperty(this, "name", { value: String(name), configurable: true, writable: true });
  }
  get code() { return kErrorCodes[this.name] ?? 0; }
}

export class Event {
  #type; #bubbles; #cancelable; #defaultPrevented = false; #stop = false;
  #timeStamp = typeof performance === "undefined" ? 0 : performance.now();
  target = null;
  currentTarget = null;
  constructor(type, init = {}) {
    if (arguments.length === 0) throw new TypeError("Event constructor needs a type");
    this.#type = String(type);
    this.#bubbles = !!init.bubbles;
    this.#cancelable = !!init.cancelable;
  }
  get type() { return this.#type; }
  get bubbles() { return this.#bubbles; }
  get cancelable() { return this.#cancelable; }
  get defaultPrevented() { return this.#defaultPrevented; }
  get timeStamp() { return this.#timeStamp; }
  get isTrusted() { return false; }
  preventDefault() { if (this.#cancelable) this.#defaultPrevented = true; }
  stopPropagation() {}
  stopImmediatePropagation() { this.#stop = true; }
  static stopped(event) { return event.#stop; }
}

export class CustomEvent extends Event {
  #detail;
  constructor(type, init = {}) { super(type, init); this.#detail = init.detail ?? null; }
  get detail() { return this.#detail; }
}

export class EventTarget {
  #listeners = new Map();  // type → [{callback, once}]
  addEventListener(type, callback, options = {}) {
    if (callback == null) return;
    const opts = typeof options === "boolean" ? {} : options;
    if (opts.signal?.aborted) return;
    const list = this.#listeners.get(type) ?? [];
    if (list.some((l) => l.callback === callback)) return;
    const entry = { callback, once: !!opts.once };
    list.push(entry);
    this.#listeners.set(type, list);
    opts.signal?.addEventListener("abort", () => this.removeEventListener(type, callback));
  }
  removeEventListener(type, callback) {
    const list = this.#listeners.get(type);
    if (!list) return;
    const i = list.findIndex((l) => l.callback === callback);
    if (i >= 0) list.splice(i, 1);
  }
  dispatchEvent(event) {
    if (!(event instanceof Event)) throw new TypeError("dispatchEvent needs an Event");
    event.target = this;
    event.currentTarget = this;
    const handler = this["on" + event.type];
    const list = [...(this.#listeners.get(event.type) ?? [])];
    if (typeof handler === "function") list.unshift({ callback: handler, once: false });
    for (const entry of list) {
      if (entry.once) this.removeEventListener(event.type, entry.callback);
      try {
        if (typeof entry.callback === "function") entry.callback.call(this, event);
        else entry.callback.handleEvent(event);
      } catch (error) {
        globalThis.reportError?.(error);
      }
      if (Event.stopped(event)) break;
    }
    event.currentTarget = null;
    return !event.defaultPrevented;
  }
}

export class AbortSignal extends EventTarget {
  #aborted = false;
  #reason = undefined;
  onabort = null;
  constructor(key) {
    super();
    if (key !== kInternal) throw new TypeError("Illegal constructor: use new AbortController().signal");
  }
  get aborted() { return this.#aborted; }
  get reason() { return this.#reason; }
  throwIfAborted() { if (this.#aborted) throw this.#reason; }
  static abort(reason) {
    const signal = new AbortSignal(kInternal);
    signal[kAbort](reason);
    return signal;
  }
  static timeout(ms) {
    const signal = new AbortSignal(kInternal);
    const id = setTimeout(() => signal[kAbort](new DOMException("Signal timed out.", "TimeoutError")), ms);
    globalThis.Deno?.unrefTimer?.(id);  // as in Deno: a pending timeout keeps nothing alive
    return signal;
  }
  static any(signals) {
    const signal = new AbortSignal(kInternal);
    for (const s of signals) {
      if (s.aborted) { signal[kAbort](s.reason); return signal; }
    }
    for (const s of signals) s.addEventListener("abort", () => signal[kAbort](s.reason), { once: true });
    return signal;
  }
  [kAbort](reason) {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason === undefined ? new DOMException("The signal has been aborted", "AbortError") : reason;
    this.dispatchEvent(new Event("abort"));
  }
}
export class AbortController {
  #signal = new AbortSignal(kInternal);
  get signal() { return this.#signal; }
  abort(reason) { this.#signal[kAbort](reason); }
}
