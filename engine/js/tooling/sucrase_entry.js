// Entry point bundled (by esbuild, at build time) into one script that runs inside V8 and
// exposes `globalThis.PdTypeScript.strip(source, fileName)`.
import { transform } from "sucrase";

globalThis.PdTypeScript = {
  strip(source, fileName) {
    return transform(source, {
      transforms: ["typescript"],
      filePath: fileName,
      disableESTransforms: true,
      keepUnusedImports: false,
      preserveDynamicImport: true,
    }).code;
  },
};
