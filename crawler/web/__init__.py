"""The Datasette site: plugin hooks (search_page, archive_views, charts), templates/, metadata.yml, serving and workers."""
