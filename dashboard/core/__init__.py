"""Used by every layer: message catalogues, number and date formats, the view state in the URL, design tokens."""
