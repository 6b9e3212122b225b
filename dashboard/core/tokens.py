"""Design tokens. Generated from dashboard/core/tokens.yaml by `python dashboard/core/build_tokens.py`; do not edit."""

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', 'Liberation Sans', 'DejaVu Sans', sans-serif"
TEXT = '#1b1b1b'
MUTED = '#595959'
BORDER = '#d4d4d4'
BORDER_STRONG = '#8a8a8a'
BG = '#ffffff'
SUBTLE = '#f4f5f6'
ACCENT = '#0f4c81'
ACCENT_DARK = '#0a365c'
ACCENT_TINT = '#e8eff6'
BETTER = '#1f5fa8'
BETTER_TINT = '#e6eef8'
WORSE = '#9a4a05'
WORSE_TINT = '#fbeee2'
WORSE_SYMBOL = '#b35806'
SIMILAR = '#595959'
SIMILAR_TINT = '#eeeeee'
NEUTRAL_SYMBOL = '#6b6b6b'
FOCUS = '#ffd34d'
GRID = '#e3e3e3'
COUNTY = '#2b2b2b'
COUNTRY = '#7a7a7a'
CONTEXT = '#cfcfcf'
HIGHLIGHT = '#111111'
AXIS = '#9a9a9a'
OUTLINE = '#6f6f6f'
SUPPRESSED = '#bdbdbd'
NO_CLASS = '#cccccc'
EXPORT_TEXT = '#333333'
FORUM_TEXT = '#000000'
FORUM_MUTED = '#333333'
FORUM_BORDER = '#8a8a8a'
SIZE_FONT = 13
SIZE_FONT_SMALL = 12
SIZE_FONT_TITLE = 16
SIZE_FONT_TINY = 10
SIZE_FONT_FOOTNOTE = 11
SIZE_RADIUS = 6
#: Map class colours by number of classes.
PALETTES = {1: ['#43a2ca'], 2: ['#a8ddb5', '#0868ac'], 3: ['#ccebc5', '#7bccc4', '#0868ac'], 4: ['#ccebc5', '#7bccc4', '#43a2ca', '#0868ac'], 5: ['#ccebc5', '#a8ddb5', '#7bccc4', '#43a2ca', '#0868ac']}
#: Diverging map classes around the benchmark, ordered worse -> better.
DIVERGING = ['#b35806', '#f1a340', '#e3e3e3', '#92c5de', '#2166ac']
AGREEMENT_COLORS = {'in_force': '#0072B2', 'signed': '#56B4E9', 'renewed': '#009E73', 'under_review': '#F0E442', 'in_negotiation': '#E69F00', 'in_preparation': '#F3D1A0', 'not_started': '#D55E00', 'expired': '#CC79A7', 'not_needed': '#D9D9D9'}
ROUND_COLORS = {'submitted': '#56B4E9', 'submitted_late': '#F3D1A0', 'requested': '#F0E442', 'not_submitted': '#D55E00', 'not_requested': '#EDEDED', 'not_applicable': '#D9D9D9'}
