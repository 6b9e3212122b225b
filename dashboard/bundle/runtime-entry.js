// The one thing Dash's 100 KB "polyfill@7" bundle (core-js + regenerator) gives the browsers we
// support: the global `regeneratorRuntime` that Dash's renderer and component bundles call when
// they load their lazy parts. The app leaves polyfill@7 out of the page (dashboard/__init__.py) and
// serves this instead: built into assets/vendor/, which Dash loads before its renderer.
require('regenerator-runtime/runtime');
