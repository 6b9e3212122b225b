// The chart's own modebar: two buttons, "download PNG" and "download SVG".
//
// plotly's stock camera button saves the bare plot area (no title, unit, source or date, and one
// format only). Ours follow the chart's "Lataa" menu links (dashboard/export_routes.py), so the
// modebar gives exactly the dressed file the menu gives: title, unit, source and date in the
// footer, the synthetic-data label when needed, and the meaningful Finnish file name the server
// sets. A graph outside such a figure falls back to plotly's own download with the file name of
// config.toImageButtonOptions. The buttons are the defaults of every plot (setPlotConfig), so the
// Python side only switches the modebar on.
'use strict';

var TITLES = {
  fi: {png: 'Lataa kuva (PNG)', svg: 'Lataa vektorikuva (SVG)'},
  sv: {png: 'Ladda ner bild (PNG)', svg: 'Ladda ner vektorbild (SVG)'},
  en: {png: 'Download image (PNG)', svg: 'Download vector image (SVG)'}
};

// A small "vector curve with nodes" icon in plotly's icon format (1000-unit box, y upwards).
var SVG_ICON = {
  width: 1000,
  height: 1000,
  path: 'M120 180 C 320 900, 680 100, 880 820 L 820 840 C 660 260, 360 1000, 60 200 Z ' +
        'M40 80 H200 V240 H40 Z M800 760 H960 V920 H800 Z',
  transform: 'matrix(1 0 0 -1 0 1000)'
};

function language(gd) {
  var locale = ((gd && gd._context && gd._context.locale) || 'fi').split('-')[0];
  return TITLES[locale] ? locale : 'fi';
}

function menuLink(gd, format) {
  var figure = gd.closest ? gd.closest('figure') : null;
  return figure ? figure.querySelector('a.export-menu__link[data-format="' + format + '"]') : null;
}

module.exports = function installModebar(Plotly) {
  function download(gd, format) {
    var link = menuLink(gd, format);
    if (link) {
      link.click();
      return;
    }
    var options = (gd._context && gd._context.toImageButtonOptions) || {};
    Plotly.downloadImage(gd, {format: format, filename: options.filename || 'tilannekuva',
      scale: format === 'png' ? 2 : 1});
  }

  function button(format, icon) {
    return {
      name: 'tk-download-' + format,
      title: function (gd) { return TITLES[language(gd)][format]; },
      icon: icon,
      click: function (gd) { download(gd, format); }
    };
  }

  Plotly.setPlotConfig({
    modeBarButtons: [[button('png', Plotly.Icons.camera), button('svg', SVG_ICON)]]
  });
};
