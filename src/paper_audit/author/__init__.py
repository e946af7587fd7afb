"""Commands for whoever extends the book: add a page, add a chapter, draft a
page's claims and checks, refresh the Data Package's derived enums. Builds on
``audit``; nothing below imports it."""
