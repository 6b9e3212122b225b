// Stand-in for the package `country-iso-search` in our plotly.js bundle (esbuild --alias).
//
// plotly.js builds an index of every country name and alias, each normalised with Unicode NFD,
// as soon as its geo code loads: ~60 ms of script time on every page load on the 2-core machines
// we measure on (125 ms when busy), for locationmode "country names", which Tilannekuva never uses
// (our maps locate municipalities by GeoJSON id). Here the same index is built on the first
// lookup instead; results are identical (tests/test_bundle.py looks a country up by name).
'use strict';

var real = null;

function load() {
  // A path, not the package name: the alias that points here must not point here again.
  if (!real) real = require('../../node_modules/country-iso-search/dist/index.cjs');
  return real;
}

module.exports = {
  // plotly.js spreads COUNTRIES into createLookup() with its own extra codes; the real list is
  // added when the index is first needed.
  COUNTRIES: [],
  createLookup: function (extra) {
    var index = null;
    function get() {
      if (!index) {
        var r = load();
        index = r.createLookup(r.COUNTRIES.concat(extra));
      }
      return index;
    }
    return {
      lookup: function (input) { return get().lookup(input); },
      lookupAlpha3: function (input) { return get().lookupAlpha3(input); }
    };
  }
};
