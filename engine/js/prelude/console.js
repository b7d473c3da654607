// console.* over one native, host.print(level, text); the host decides where lines go
// (captured by the harness, JSON log lines in the engine).
import { formatArgs, inspect } from "./inspect.js";

export function makeConsole(host) {
  let groupIndent = "";
  const counts = new Map();
  const timers = new Map();
  const print = (level, args) => {
    const text = formatArgs(args);
    host.print(level, groupIndent ? text.replace(/^/gm, groupIndent) : text);
  };
  const console = {
    log: (...args) => print("log", args),
    info: (...args) => print("info", args),
    debug: (...args) => print("debug", args),
    warn: (...args) => print("warn", args),
    error: (...args) => print("error", args),
    trace: (...args) => {
      const stack = new Error().stack.split("\n").slice(2).join("\n");
      print("error", ["Trace" + (args.length ? ": " + formatArgs(args) : ""), "\n" + stack]);
    },
    assert: (condition, ...args) => {
      if (condition) return;
      print("error", args.length ? ["Assertion failed:", ...args] : ["Assertion failed"]);
    },
    dir: (value, options) => host.print("log", groupIndent + inspect(value, options)),
    table: (data) => print("log", [data]),
    count: (label = "default") => {
      const n = (counts.get(label) ?? 0) + 1;
      counts.set(label, n);
      print("info", [`${label}: ${n}`]);
    },
    countReset: (label = "default") => counts.delete(label),
    time: (label = "default") => timers.set(label, performance.now()),
    timeLog: (label = "default", ...args) => {
      if (!timers.has(label)) return print("warn", [`Timer '${label}' does not exist`]);
      print("info", [`${label}: ${(performance.now() - timers.get(label)).toFixed(3)}ms`, ...args]);
    },
    timeEnd: (label = "default") => {
      if (!timers.has(label)) return print("warn", [`Timer '${label}' does not exist`]);
      print("info", [`${label}: ${(performance.now() - timers.get(label)).toFixed(3)}ms`]);
      timers.delete(label);
    },
    group: (...args) => {
      if (args.length) print("log", args);
      groupIndent += "  ";
    },
    groupEnd: () => { groupIndent = groupIndent.slice(2); },
  };
  console.dirxml = console.log;
  console.groupCollapsed = console.group;
  return console;
}
