// Entry point bundled (by esbuild, at build time) into one script that runs inside V8 and
// exposes `globalThis.PdTypeScript.strip(source, fileName)`.
import { transform } from "sucrase";

globalThis.PdTypeScript = {
  strip(source, fileName) {
    const code = transform(source, {
      transforms: ["typescript"],
      filePath: fileName,
      disableESTransforms: true,
      keepUnusedImports: false,
      preserveDynamicImport: true,
    }).code;
    // V8 10.2 knows import assertions, not the newer attributes Deno 2 writes: same meaning.
    return code.replace(/(\bfrom\s*(["'])[^"'\n]+\2\s*)with(\s*\{)/g, "$1assert$3");
  },
};
