"""The follow-up page: the view and the overview as web pages people read, print and share
(server-rendered HTML with inline SVG charts; no script, nothing from outside the suite)."""
