// Formats values for console.* the way Deno does: strings raw at the top level and quoted inside
// objects, objects on one line when they fit in 72 columns and indented by two spaces otherwise,
// depth 4, circular references marked, Map/Set/Date/Error/typed arrays/classes recognised.

const kCustomInspect = Symbol.for("Deno.customInspect");
const kNodeCustomInspect = Symbol.for("nodejs.util.inspect.custom");
const kMaxDepth = 4;
const kLineWidth = 72;
const kMaxItems = 100;

const quote = (s) => JSON.stringify(s);
const isIdentifier = (key) => /^[A-Za-z_$][\w$]*$/.test(key);
const formatKey = (key) =>
  typeof key === "symbol" ? `[${key.toString()}]` : isIdentifier(key) ? key : quote(key);

function functionLabel(fn) {
  const source = Function.prototype.toString.call(fn);
  if (source.startsWith("class")) return `[class ${fn.name || "(anonymous)"}]`;
  const kind = fn.constructor && fn.constructor.name !== "Function" ? fn.constructor.name : "Function";
  return fn.name ? `[${kind}: ${fn.name}]` : `[${kind} (anonymous)]`;
}

function primitive(value, nested) {
  switch (typeof value) {
    case "string": return nested ? quote(value) : value;
    case "number": return Object.is(value, -0) ? "-0" : String(value);
    case "bigint": return `${value}n`;
    case "symbol": return value.toString();
    case "undefined": return "undefined";
    case "function": return functionLabel(value);
    default: return String(value);
  }
}

function wrap(prefix, open, items, close, indent) {
  if (items.length === 0) return `${prefix}${open}${close}`;
  const single = `${prefix}${open} ${items.join(", ")} ${close}`;
  if (single.length + indent <= kLineWidth && !items.some((i) => i.includes("\n"))) return single;
  const pad = " ".repeat(indent + 2);
  return `${prefix}${open}\n${items.map((i) => pad + i).join(",\n")}\n${" ".repeat(indent)}${close}`;
}

function constructorName(value) {
  const proto = Object.getPrototypeOf(value);
  if (proto === null) return null;
  const ctor = proto.constructor;
  return typeof ctor === "function" && ctor.name ? ctor.name : "Object";
}

export function inspect(value, options = {}) {
  const seen = new Map();  // object → circular index (0 until referenced)
  let nextRef = 1;
  const refs = new Set();
  const depthLimit = options.depth ?? kMaxDepth;

  function format(v, depth, indent) {
    if ((typeof v !== "object" || v === null) && typeof v !== "function") return primitive(v, depth > 0);
    if (typeof v === "function" && !Object.keys(v).length) return functionLabel(v);
    const custom = v[kCustomInspect] ?? v[kNodeCustomInspect];
    if (typeof custom === "function" && custom !== inspect) {
      const out = custom.call(v, (x) => inspect(x, options), options);
      return typeof out === "string" ? out : format(out, depth, indent);
    }
    if (seen.has(v)) {
      if (!seen.get(v)) seen.set(v, nextRef++);
      refs.add(seen.get(v));
      return `[Circular *${seen.get(v)}]`;
    }
    if (v instanceof Date) return isNaN(v) ? "Invalid Date" : v.toISOString();
    if (v instanceof RegExp) return v.toString();
    if (v instanceof Error) return v.stack || `${v.name}: ${v.message}`;
    if (v instanceof Promise) return "Promise { <unknown> }";
    if (v instanceof WeakMap || v instanceof WeakSet) return `${constructorName(v)} { <items unknown> }`;
    if (v instanceof ArrayBuffer) return `ArrayBuffer { byteLength: ${v.byteLength} }`;
    const name = constructorName(v);
    if (depth >= depthLimit) {
      return Array.isArray(v) ? "[Array]" : `[${name ?? "Object: null prototype"}]`;
    }
    seen.set(v, 0);
    let items = [];
    let out;
    const more = (n) => (n > 0 ? [`... ${n} more item${n > 1 ? "s" : ""}`] : []);
    if (Array.isArray(v) || ArrayBuffer.isView(v)) {
      const count = Math.min(v.length, kMaxItems);
      let holes = 0;
      for (let i = 0; i < count; i++) {
        if (!(i in v)) { holes++; continue; }
        if (holes) { items.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`); holes = 0; }
        items.push(format(v[i], depth + 1, indent + 2));
      }
      if (holes) items.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`);
      items.push(...more(v.length - count));
      const prefix = Array.isArray(v) ? (name === "Array" ? "" : `${name}(${v.length}) `) : `${name}(${v.length}) `;
      out = wrap(prefix, "[", items, "]", indent);
    } else if (v instanceof Map) {
      for (const [k, val] of v) items.push(`${format(k, depth + 1, indent + 2)} => ${format(val, depth + 1, indent + 2)}`);
      out = wrap(`Map(${v.size}) `, "{", items, "}", indent);
    } else if (v instanceof Set) {
      for (const val of v) items.push(format(val, depth + 1, indent + 2));
      out = wrap(`Set(${v.size}) `, "{", items, "}", indent);
    } else {
      for (const key of Reflect.ownKeys(v)) {
        const desc = Object.getOwnPropertyDescriptor(v, key);
        if (!desc || (!desc.enumerable && typeof key !== "symbol")) continue;
        if (typeof key === "symbol" && !desc.enumerable) continue;
        const shown = "value" in desc ? format(desc.value, depth + 1, indent + 2)
          : desc.get && desc.set ? "[Getter/Setter]" : desc.get ? "[Getter]" : "[Setter]";
        items.push(`${formatKey(key)}: ${shown}`);
      }
      const prefix = typeof v === "function" ? `${functionLabel(v)} `
        : name === null ? "[Object: null prototype] " : name === "Object" ? "" : `${name} `;
      out = wrap(prefix, "{", items, "}", indent);
    }
    const ref = seen.get(v);
    seen.delete(v);
    return ref && refs.has(ref) ? `<ref *${ref}> ${out}` : out;
  }
  return format(value, 0, 0);
}

// console.log's printf-style first argument: %s %d %i %f %o %O %j %c %%.
export function formatArgs(args) {
  const parts = [];
  let rest = args;
  if (typeof args[0] === "string" && args.length > 1 && args[0].includes("%")) {
    let i = 1;
    const text = args[0].replace(/%([sdifoOjc%])/g, (match, spec) => {
      if (spec === "%") return "%";
      if (i >= args.length) return match;
      const arg = args[i++];
      switch (spec) {
        case "s": return typeof arg === "string" ? arg : inspect(arg, { depth: 1 });
        case "d": case "i": {
          if (typeof arg === "bigint") return `${arg}n`;
          const n = Number(arg);
          return String(spec === "i" ? Math.trunc(n) : n);
        }
        case "f": return String(parseFloat(arg));
        case "j": try { return JSON.stringify(arg); } catch { return "[Circular]"; }
        case "c": return "";
        default: return inspect(arg);
      }
    });
    parts.push(text);
    rest = args.slice(i);
  } else if (args.length) {
    parts.push(inspect(args[0]));
    rest = args.slice(1);
  }
  for (const arg of rest) parts.push(inspect(arg));
  return parts.join(" ");
}
