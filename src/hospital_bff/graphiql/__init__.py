"""GraphiQL, served by the package itself with no internet: our page (`page.py`), our script
(`static/bff-graphiql.js`) and a pinned GraphiQL release vendored in `static/vendor/` (see its
README for where each file came from and how to update them)."""
