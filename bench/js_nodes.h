// The nodes both runtimes run in the JS benchmarks: a trivial one, and a generated 300-line
// TypeScript node (interfaces, enums, generics, classes) for load times.
#pragma once

#include <string>

namespace pd::bench {

inline std::string trivial_node() {
  return "export default async function run(_ctx, input) { return input; }\n";
}

inline std::string typescript_node_300_lines(int variant) {
  std::string ts = "// variant " + std::to_string(variant) + "\n";
  ts += "interface Item { id: number; name: string; tags?: string[] }\n";
  ts += "enum Level { Low = 1, Mid, High }\n";
  ts += "type Mapper<T, U> = (value: T, index: number) => U;\n";
  int lines = 3;
  for (int i = 0; lines < 290; ++i) {
    ts += "export class Store" + std::to_string(i) + "<T extends Item> {\n";
    ts += "  private readonly items: T[] = [];\n";
    ts += "  constructor(private readonly label: string, public level: Level = Level.Mid) {}\n";
    ts += "  add(item: T): this { this.items.push(item); return this; }\n";
    ts += "  map<U>(fn: Mapper<T, U>): U[] { return this.items.map(fn); }\n";
    ts += "  get size(): number { return this.items.length as number; }\n";
    ts += "}\n";
    lines += 7;
  }
  ts +=
      "export default async function run(_ctx: unknown, input: { n: number }): Promise<number> {\n";
  ts += "  const s = new Store0<Item>('x').add({ id: input.n, name: 'a' });\n";
  ts += "  return s.map((i: Item) => i.id)[0] + s.size;\n";
  ts += "}\n";
  return ts;
}

}  // namespace pd::bench
