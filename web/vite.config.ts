// The page builds into the package (src/hospital_bff/h5/static), which the API server mounts at
// /h5/ in demo mode. For a CDN, build with H5_BASE set to where the files will live, and
// VITE_GRAPHQL_URL / VITE_WECHAT_AUTHORIZE_URL / VITE_WECHAT_APP_ID to the API and the
// official account (see the README, "The patient's H5 page"); H5_OUT_DIR puts the output elsewhere.
import { defineConfig } from "vite";

export default defineConfig({
  base: process.env.H5_BASE ?? "/h5/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: process.env.H5_OUT_DIR ?? "../src/hospital_bff/h5/static",
    emptyOutDir: true,
    // One small bundle; no source maps in the package.
    sourcemap: false,
    target: "es2020",
  },
});
