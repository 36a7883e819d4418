// Bundle the portal into dist/ (make run and make test call it): one minified ES module, its CSS and page,
// no CDN at run time. Prints the first page's JavaScript size, gzipped, against its 100 KB budget.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

mkdirSync("dist", { recursive: true });
await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  outfile: "dist/portal.js",
  legalComments: "none",
});
copyFileSync("src/index.html", "dist/index.html");
copyFileSync("src/portal.css", "dist/portal.css");
const gzipped = gzipSync(readFileSync("dist/portal.js")).length;
console.log(`portal: dist/portal.js ${(gzipped / 1024).toFixed(1)} KB gzipped (budget 100 KB)`);
