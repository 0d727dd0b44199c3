// Builds the vendored files the site serves from webapp/static/vendor/ (committed there).
// Run: npm ci --prefix webapp/vendor_build && npm run --prefix webapp/vendor_build build
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const out = new URL("../static/vendor/", import.meta.url);
mkdirSync(out, { recursive: true });
const version = (name) =>
  JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, import.meta.url))).version;

await build({
  entryPoints: [new URL("player-entry.js", import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "LifelongMedia",
  target: "es2020",
  legalComments: "none",
  banner: { js: `/* media-chrome ${version("media-chrome")} (MIT, Mux), bundled by webapp/vendor_build */` },
  outfile: new URL("media-player.js", out).pathname,
});
copyFileSync(new URL("node_modules/hls.js/dist/hls.light.min.js", import.meta.url), new URL("hls.light.min.js", out));
copyFileSync(new URL("node_modules/media-chrome/LICENSE", import.meta.url), new URL("LICENSE.media-chrome", out));
copyFileSync(new URL("node_modules/hls.js/LICENSE", import.meta.url), new URL("LICENSE.hls.js", out));
// The profile page's charts (Chart.js's own minified UMD build: the global `Chart`).
copyFileSync(new URL("node_modules/chart.js/dist/chart.umd.min.js", import.meta.url), new URL("chart.umd.min.js", out));
copyFileSync(new URL("node_modules/chart.js/LICENSE.md", import.meta.url), new URL("LICENSE.chart.js", out));
// The insight dashboards' charts (ECharts's own minified build: the global `echarts`).
copyFileSync(new URL("node_modules/echarts/dist/echarts.min.js", import.meta.url), new URL("echarts.min.js", out));
copyFileSync(new URL("node_modules/echarts/LICENSE", import.meta.url), new URL("LICENSE.echarts", out));
// The API reference page (/developers/api): Swagger UI's own prebuilt bundle and stylesheet.
mkdirSync(new URL("swagger-ui/", out), { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"]) {
  copyFileSync(new URL(`node_modules/swagger-ui-dist/${file}`, import.meta.url), new URL(`swagger-ui/${file}`, out));
}
writeFileSync(
  new URL("VERSIONS", out),
  `media-chrome ${version("media-chrome")}\nhls.js ${version("hls.js")}\nchart.js ${version("chart.js")}\necharts ${version("echarts")}\nswagger-ui-dist ${version("swagger-ui-dist")}\n`,
);
