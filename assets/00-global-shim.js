/* Some npm modules inside the custom plotly.js bundle (assets/vendor/) refer to Node's `global`.
   esbuild leaves it as is unless told `--define:global=window`; this shim, loaded before the
   vendor folder (Dash loads top-level assets first), makes the bundle work either way. */
window.global = window.global || window;
